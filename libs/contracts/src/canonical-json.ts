import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';

/**
 * RFC 8785 (JCS) canonical JSON of a value: the bytes event signatures are computed over, and a
 * representation that does not change with key order or whitespace.
 *
 * @throws TypeError for values JSON cannot represent (undefined at the top, cycles, …).
 */
export function canonicalJson(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new TypeError('value has no JSON representation');
  return text;
}

/** SHA-256 of the canonical JSON of `value`. */
export function canonicalDigest(value: unknown): Buffer {
  return createHash('sha256').update(canonicalJson(value)).digest();
}
