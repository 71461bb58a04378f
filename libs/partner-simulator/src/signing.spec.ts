import { generateKeyPairSync } from 'node:crypto';
import { canonicalJson, type CloudEvent } from '@hub/contracts';
import { compactVerify, importJWK } from 'jose';
import { Ed25519EventSigner } from './signing';

const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const KID = 'test-key-1';
const PUBLIC_JWK = { ...publicKey.export({ format: 'jwk' }), kid: KID };

const EVENT: CloudEvent<object> = {
  specversion: '1.0',
  id: '11111111-2222-4333-8444-555555555555',
  source: '/parties/KH-MOI',
  type: 'mrh.referral.accepted.v1',
  subject: '7f3a2b1c-4d5e-4f60-8a7b-9c0d1e2f3a4b',
  time: '2026-03-02T02:00:00.000Z',
  datacontenttype: 'application/json',
  recipient: 'LA-BOKEO-POLICE',
  referralseq: 2,
  data: { referralId: '7f3a2b1c-4d5e-4f60-8a7b-9c0d1e2f3a4b', note: 'ព្រមទទួល' },
};

/** Verifies a detached JWS the way the hub will: put the canonical event back as the payload. */
async function verify(event: CloudEvent<object>): Promise<Record<string, unknown>> {
  const { jws, ...unsigned } = event;
  const [header, empty, signature] = (jws ?? '').split('.');
  expect(empty).toBe('');
  const payload = Buffer.from(canonicalJson(unsigned)).toString('base64url');
  const key = await importJWK(PUBLIC_JWK, 'EdDSA');
  const result = await compactVerify(`${header ?? ''}.${payload}.${signature ?? ''}`, key);
  return { ...result.protectedHeader };
}

describe('Ed25519EventSigner', () => {
  const signer = Ed25519EventSigner.fromJwk({ ...privateKey.export({ format: 'jwk' }), kid: KID });

  it('adds a detached compact JWS over the canonical event, verifiable with the public key', async () => {
    const signed = signer.sign(EVENT);

    expect(signed).toEqual({ ...EVENT, jws: expect.stringMatching(/^[\w-]+\.\.[\w-]+$/) });
    await expect(verify(signed)).resolves.toEqual({ alg: 'EdDSA', kid: KID });
  });

  it('signs without the previous signature and does not depend on key order', async () => {
    const reordered = Object.fromEntries(Object.entries(EVENT).reverse()) as CloudEvent<object>;
    const resigned = signer.sign({ ...reordered, jws: 'old..signature' });

    await expect(verify(resigned)).resolves.toMatchObject({ kid: KID });
    await expect(verify({ ...resigned, referralseq: 3 })).rejects.toThrow();
  });

  it('refuses a key that is not a private Ed25519 JWK with a kid', () => {
    expect(() => Ed25519EventSigner.fromJwk(PUBLIC_JWK)).toThrow('private Ed25519');
    expect(() => Ed25519EventSigner.fromJwk(privateKey.export({ format: 'jwk' }))).toThrow('kid');
  });
});
