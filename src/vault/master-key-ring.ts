import { hkdfSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { open, seal } from './sealing';

/** One master key: a 256-bit AES key with the id stored beside every data key it wraps. */
interface MasterKey {
  kid: string;
  key: Buffer;
}

/** A data key wrapped by a master key, as stored in `referral_keys`. */
export interface WrappedKey {
  masterKeyId: string;
  wrapped: Buffer;
}

/**
 * The master keys that wrap the per-referral data keys (envelope encryption). Read from a JWK
 * (`kty: oct`, 32-byte `k`, `kid`) or a JWK Set: the first key wraps new data keys, every key of
 * the set can unwrap, so a master key is rotated by putting a new one first and keeping the old
 * ones until their data keys are re-wrapped.
 */
export class MasterKeyRing {
  private readonly byId: ReadonlyMap<string, MasterKey>;

  private constructor(private readonly keys: readonly MasterKey[]) {
    this.byId = new Map(keys.map((k) => [k.kid, k]));
  }

  /** Reads the ring from a file; a missing or unusable file is a start-up error naming it. */
  static fromFile(file: string): MasterKeyRing {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      throw new Error(
        `cannot read the personal-data master key DATA_MASTER_KEY_FILE=${file} (${(error as Error).message}); ` +
          'run `npm run infra:up` to generate the development keys',
        { cause: error },
      );
    }
    return MasterKeyRing.fromJwks(parsed, file);
  }

  static fromJwks(value: unknown, where = 'the master key'): MasterKeyRing {
    const list: unknown[] =
      typeof value === 'object' &&
      value !== null &&
      Array.isArray((value as { keys?: unknown }).keys)
        ? (value as { keys: unknown[] }).keys
        : [value];
    const keys = list.map((jwk, i) => masterKeyOf(jwk, `${where} (key ${i})`));
    if (keys.length === 0) throw new Error(`${where} holds no key`);
    if (new Set(keys.map((k) => k.kid)).size !== keys.length) {
      throw new Error(`${where} names a kid twice`);
    }
    return new MasterKeyRing(keys);
  }

  /** The kid of the key that wraps new data keys. */
  get currentKid(): string {
    return this.current.kid;
  }

  wrap(dataKey: Buffer, referralId: string): WrappedKey {
    return {
      masterKeyId: this.current.kid,
      wrapped: seal(this.current.key, dataKey, wrapContext(referralId)),
    };
  }

  /** @throws Error when the master key is unknown; SealError when the bytes do not open. */
  unwrap(stored: WrappedKey, referralId: string): Buffer {
    const master = this.byId.get(stored.masterKeyId);
    if (!master) {
      throw new Error(`master key ${stored.masterKeyId} is not in DATA_MASTER_KEY_FILE`);
    }
    return open(master.key, stored.wrapped, wrapContext(referralId));
  }

  /**
   * A 256-bit key for `purpose` (e.g. keyed blind indexes) derived with HKDF-SHA-256 from each
   * master key, the current one first, each with its master key's kid: what was computed under an
   * older master key is still found after a rotation, for as long as that key is in the ring.
   */
  derivedKeys(purpose: string): { kid: string; key: Buffer }[] {
    return this.keys.map(({ kid, key }) => ({
      kid,
      key: Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), `mrh/${purpose}`, 32)),
    }));
  }

  private get current(): MasterKey {
    const first = this.keys[0];
    if (!first) throw new Error('no master key');
    return first;
  }
}

function wrapContext(referralId: string): string {
  return `mrh/data-key/${referralId}`;
}

function masterKeyOf(jwk: unknown, where: string): MasterKey {
  const { kty, k, kid } = (jwk ?? {}) as { kty?: unknown; k?: unknown; kid?: unknown };
  if (kty !== 'oct' || typeof k !== 'string') throw new Error(`${where} is not an "oct" JWK`);
  if (typeof kid !== 'string' || kid === '') throw new Error(`${where} has no kid`);
  const key = Buffer.from(k, 'base64url');
  if (key.length !== 32) throw new Error(`${where} is not a 256-bit key`);
  return { kid, key };
}
