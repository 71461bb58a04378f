import { IntentKeys, withIntentKey } from './idempotency';

describe(IntentKeys.name, () => {
  it('reuses one key for every retry of an intent, and mints a new one after success', async () => {
    const keys = new IntentKeys();
    const seen: string[] = [];
    const failOnce = (() => {
      let failed = false;
      return (key: string): Promise<string> => {
        seen.push(key);
        if (!failed) {
          failed = true;
          return Promise.reject(new Error('network'));
        }
        return Promise.resolve('created');
      };
    })();

    await expect(withIntentKey(keys, 'create', failOnce)).rejects.toThrow('network');
    await expect(withIntentKey(keys, 'create', failOnce)).resolves.toBe('created');
    expect(seen[0]).toBe(seen[1]);
    expect(seen[0]).toMatch(/^[0-9a-f-]{36}$/);

    await withIntentKey(keys, 'create', failOnce);
    expect(seen[2]).not.toBe(seen[0]);
  });

  it('gives different intents different keys, and a forgotten intent a new one', () => {
    const keys = new IntentKeys();
    const a = keys.keyFor('accept:1:v3');
    expect(keys.keyFor('accept:1:v3')).toBe(a);
    expect(keys.keyFor('reject:1:v3')).not.toBe(a);
    keys.forget('accept:1:v3');
    expect(keys.keyFor('accept:1:v3')).not.toBe(a);
  });
});
