/**
 * One `Idempotency-Key` per user intent. A key is minted the first time an intent (e.g. "create
 * this referral", "accept referral X at version 4") is attempted and reused by every retry of
 * that same intent, so a retried request after a lost answer never acts twice; once the intent
 * has succeeded (or the user changes what they ask for), it is forgotten and the next attempt is
 * a new intent with a new key.
 */
export class IntentKeys {
  private readonly keys = new Map<string, string>();

  constructor(private readonly mint: () => string = () => crypto.randomUUID()) {}

  /** The key of `intent`, the same on every call until {@link done} or {@link forget}. */
  keyFor(intent: string): string {
    let key = this.keys.get(intent);
    if (key === undefined) {
      key = this.mint();
      this.keys.set(intent, key);
    }
    return key;
  }

  /** The intent succeeded: a later attempt is a new intent. */
  done(intent: string): void {
    this.keys.delete(intent);
  }

  /** The user changed what they ask for (edited the form): the next attempt is a new intent. */
  forget(intent: string): void {
    this.keys.delete(intent);
  }
}

/**
 * Runs `request` with the intent's key; keeps the key when the request failed in a way a retry
 * may repeat (network failure, 5xx, 409/412 are the caller's call), drops it on success.
 */
export async function withIntentKey<T>(
  keys: IntentKeys,
  intent: string,
  request: (key: string) => Promise<T>,
): Promise<T> {
  const result = await request(keys.keyFor(intent));
  keys.done(intent);
  return result;
}
