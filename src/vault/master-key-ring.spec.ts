import { randomBytes } from 'node:crypto';
import { DataKey } from './data-key';
import { MasterKeyRing } from './master-key-ring';
import { open, seal, SealError } from './sealing';

const jwk = (kid: string): Record<string, string> => ({
  kty: 'oct',
  k: randomBytes(32).toString('base64url'),
  kid,
});

describe('seal', () => {
  const key = randomBytes(32);

  it('opens what it sealed, with the same key and context', () => {
    const sealed = seal(key, Buffer.from('ທິ ຮວາ Nguyễn'), 'ctx');

    expect(open(key, sealed, 'ctx').toString()).toBe('ທິ ຮວາ Nguyễn');
    expect(sealed.includes(Buffer.from('Nguyễn'))).toBe(false);
  });

  it('never seals the same value twice alike (fresh IV)', () => {
    expect(seal(key, Buffer.from('a'), 'c').equals(seal(key, Buffer.from('a'), 'c'))).toBe(false);
  });

  it('refuses another context, another key, a changed byte and a truncated value', () => {
    const sealed = seal(key, Buffer.from('secret'), 'mrh/a/content');
    const flipped = Buffer.from(sealed);
    flipped[flipped.length - 1] = (flipped[flipped.length - 1] ?? 0) ^ 1;

    expect(() => open(key, sealed, 'mrh/b/content')).toThrow(SealError);
    expect(() => open(randomBytes(32), sealed, 'mrh/a/content')).toThrow(SealError);
    expect(() => open(key, flipped, 'mrh/a/content')).toThrow(SealError);
    expect(() => open(key, sealed.subarray(0, 20), 'mrh/a/content')).toThrow(SealError);
  });
});

describe(MasterKeyRing.name, () => {
  it('wraps with the first key of a set and unwraps with any of them (rotation)', () => {
    const old = jwk('master-2025');
    const dataKey = randomBytes(32);
    const before = MasterKeyRing.fromJwks(old).wrap(dataKey, 'r1');
    const rotated = MasterKeyRing.fromJwks({ keys: [jwk('master-2026'), old] });

    expect(before.masterKeyId).toBe('master-2025');
    expect(rotated.unwrap(before, 'r1').equals(dataKey)).toBe(true);
    expect(rotated.wrap(dataKey, 'r1').masterKeyId).toBe('master-2026');
  });

  it('refuses a wrapped key of another referral or of an unknown master key', () => {
    const ring = MasterKeyRing.fromJwks(jwk('m1'));
    const wrapped = ring.wrap(randomBytes(32), 'r1');

    expect(() => ring.unwrap(wrapped, 'r2')).toThrow(SealError);
    expect(() => ring.unwrap({ ...wrapped, masterKeyId: 'm0' }, 'r1')).toThrow(/m0/);
  });

  it.each([
    ['a key that is not oct', { kty: 'OKP', k: 'x', kid: 'a' }, /oct/],
    ['a short key', { kty: 'oct', k: randomBytes(16).toString('base64url'), kid: 'a' }, /256-bit/],
    ['a key without kid', { kty: 'oct', k: randomBytes(32).toString('base64url') }, /kid/],
    ['an empty set', { keys: [] }, /no key/],
    ['a kid named twice', { keys: [jwk('a'), jwk('a')] }, /twice/],
  ])('refuses %s', (_name, value, message) => {
    expect(() => MasterKeyRing.fromJwks(value)).toThrow(message);
  });

  it('says which file and what to do when the key file is missing', () => {
    expect(() => MasterKeyRing.fromFile('/nonexistent/data-master.jwk')).toThrow(
      /DATA_MASTER_KEY_FILE=\/nonexistent\/data-master.jwk.*infra:up/,
    );
  });
});

describe(DataKey.name, () => {
  it('binds a sealed value to its referral and purpose', () => {
    const raw = randomBytes(32);
    const a = new DataKey('r1', raw);
    const sealed = a.sealJson('content', { name: 'Wang Wei' });

    expect(a.openJson('content', sealed)).toEqual({ name: 'Wang Wei' });
    expect(() => a.openJson('message:1', sealed)).toThrow(SealError);
    expect(() => new DataKey('r2', raw).openJson('content', sealed)).toThrow(SealError);
  });
});
