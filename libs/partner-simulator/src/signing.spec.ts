import { generateKeyPairSync } from 'node:crypto';
import { canonicalJson, signEvent, type CloudEvent } from '@hub/contracts';
import { calculateJwkThumbprint, compactVerify, importJWK } from 'jose';
import { Ed25519EventSigner, Ed25519EventVerifier } from './signing';

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

describe('Ed25519EventVerifier', () => {
  // A throw-away "hub" key with its RFC 7638 thumbprint as kid, as `npm run keys` makes them.
  const hub = generateKeyPairSync('ed25519');
  const stranger = generateKeyPairSync('ed25519');
  const HUB_EVENT: CloudEvent<object> = {
    ...EVENT,
    source: '/hub',
    type: 'mrh.receipt.v1',
    recipient: 'KH-MOI',
    data: { eventId: '99999999-2222-4333-8444-555555555555', status: 'APPLIED' },
  };
  let hubKid: string;
  let verifier: Ed25519EventVerifier;

  beforeAll(async () => {
    const jwk = hub.publicKey.export({ format: 'jwk' });
    hubKid = await calculateJwkThumbprint(jwk);
    verifier = Ed25519EventVerifier.fromJwk({ ...jwk, kid: hubKid, alg: 'EdDSA', use: 'sig' });
  });

  /** The event as the partner reads it off the topic: JSON, parsed. */
  function received(event: object): Record<string, unknown> {
    return JSON.parse(JSON.stringify(event)) as Record<string, unknown>;
  }

  it('accepts an event the hub signed, as received (key order, unknown attributes and all)', () => {
    // An attribute of a later contract version: signed, so it must be verified, not dropped.
    const later = { ...HUB_EVENT, traceparent: '00-abc' };
    const signed = signEvent(later, hub.privateKey, hubKid);
    const reordered = Object.fromEntries(Object.entries(received(signed)).reverse());

    expect(verifier.kid).toBe(hubKid);
    expect(verifier.verify(reordered)).toEqual({ ok: true, kid: hubKid });
  });

  it.each([
    [
      'a data field changed after signing',
      () => {
        const signed = signEvent(HUB_EVENT, hub.privateKey, hubKid);
        return { ...signed, data: { ...HUB_EVENT.data, status: 'DELIVERED' } };
      },
      'the signature does not match the event',
    ],
    [
      'an attribute added after signing',
      () => ({ ...signEvent(HUB_EVENT, hub.privateKey, hubKid), causationid: 'x' }),
      'the signature does not match the event',
    ],
    [
      'another key under the hub’s kid',
      () => signEvent(HUB_EVENT, stranger.privateKey, hubKid),
      'the signature does not match the event',
    ],
    [
      'another key under its own kid',
      () => signEvent(HUB_EVENT, stranger.privateKey, 'stranger'),
      'kid stranger is not a registered key',
    ],
    ['no jws', () => HUB_EVENT, 'no jws attribute'],
    ['a jws that is no JWS', () => ({ ...HUB_EVENT, jws: 'signed, honestly' }), 'not a detached'],
    [
      'an attached payload',
      () => {
        const [header = '', , signature = ''] = (
          signEvent(HUB_EVENT, hub.privateKey, hubKid).jws ?? ''
        ).split('.');
        return { ...HUB_EVENT, jws: `${header}.e30.${signature}` };
      },
      'not a detached',
    ],
  ])('refuses %s', (_what, event, reason) => {
    expect(verifier.verify(received(event()))).toEqual({
      ok: false,
      reason: expect.stringContaining(reason),
    });
  });

  it('refuses a key that is not an Ed25519 JWK with a kid', () => {
    const { publicKey: ecKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = hub.publicKey.export({ format: 'jwk' });

    expect(() => Ed25519EventVerifier.fromJwk('hub.public.jwk')).toThrow('not a JWK');
    expect(() =>
      Ed25519EventVerifier.fromJwk({ ...ecKey.export({ format: 'jwk' }), kid: 'k' }),
    ).toThrow('not an Ed25519 JWK');
    expect(() => Ed25519EventVerifier.fromJwk(jwk)).toThrow('no kid');
  });
});
