import { sign, verify, type KeyObject } from 'node:crypto';
import { canonicalJson } from '../canonical-json';
import type { CloudEvent } from './cloud-event';

/**
 * Signs an event as contract v1 says: a detached compact JWS (RFC 7515 Appendix F,
 * `header..signature`), `alg` `EdDSA` (Ed25519), `kid` in the header, over the RFC 8785 (JCS)
 * canonical JSON of the event without its `jws` attribute. Returns the event with `jws` set.
 */
export function signEvent<D>(
  event: CloudEvent<D>,
  privateKey: KeyObject,
  kid: string,
): CloudEvent<D> {
  const { jws: _previous, ...unsigned } = event;
  const header = base64url(JSON.stringify({ alg: 'EdDSA', kid }));
  const payload = base64url(canonicalJson(unsigned));
  // Ed25519 hashes internally: Node takes `null` for the digest algorithm.
  const signature = sign(null, Buffer.from(`${header}.${payload}`, 'ascii'), privateKey);
  // Detached: the payload part stays empty; the receiver recomputes it from the event.
  return { ...unsigned, jws: `${header}..${base64url(signature)}` };
}

/** Why a signature was refused, or that it holds. */
export type SignatureCheck = { ok: true; kid: string } | { ok: false; reason: string };

/**
 * Verifies the `jws` of an event as received (parsed JSON, before any normalisation) against the
 * sender's keys by `kid`. Refuses a missing or malformed JWS, another algorithm, an unknown `kid`
 * and any change to the event after signing.
 */
export function verifyEventSignature(
  event: Readonly<Record<string, unknown>>,
  keys: ReadonlyMap<string, KeyObject>,
): SignatureCheck {
  const jws = event['jws'];
  if (typeof jws !== 'string') return { ok: false, reason: 'the event has no jws attribute' };
  const match = /^([A-Za-z0-9_-]+)\.\.([A-Za-z0-9_-]+)$/.exec(jws);
  if (!match?.[1] || !match[2]) {
    return { ok: false, reason: 'jws is not a detached compact JWS (header..signature)' };
  }
  let header: { alg?: unknown; kid?: unknown; crit?: unknown };
  try {
    header = JSON.parse(Buffer.from(match[1], 'base64url').toString('utf8')) as typeof header;
  } catch {
    return { ok: false, reason: 'the JWS header is not JSON' };
  }
  if (header.alg !== 'EdDSA') return { ok: false, reason: 'the JWS alg must be EdDSA' };
  if (header.crit !== undefined) return { ok: false, reason: 'unsupported crit header' };
  if (typeof header.kid !== 'string') return { ok: false, reason: 'the JWS header has no kid' };
  const key = keys.get(header.kid);
  if (!key)
    return { ok: false, reason: `kid ${header.kid} is not a registered key of this sender` };
  const { jws: _jws, ...unsigned } = event;
  const input = `${match[1]}.${base64url(canonicalJson(unsigned))}`;
  const valid = verify(null, Buffer.from(input, 'ascii'), key, Buffer.from(match[2], 'base64url'));
  return valid
    ? { ok: true, kid: header.kid }
    : { ok: false, reason: 'the signature does not match the event' };
}

function base64url(value: string | Buffer): string {
  return Buffer.from(value).toString('base64url');
}
