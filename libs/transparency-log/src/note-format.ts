import { createPublicKey, hash, KeyObject } from 'node:crypto';
import { decodeBase64Strict, noteTextProblem, type TlogResult } from './text';

/*
 * The parts of the C2SP signed-note format (https://c2sp.org/signed-note) that every signature
 * type shares: key names, key IDs, verifier key strings, signature lines and the split of a note
 * into its text and signature block. signed-note.ts (Ed25519 note signatures, type 0x01) and
 * cosignature.ts (witness cosignatures, type 0x04) are both built on them, so the two read notes
 * by exactly the same rules. Not exported from the library's index.
 */

/** Em dash U+2014 and a space: the start of every signature line. */
export const SIGNATURE_PREFIX = '\u2014 ';
/** Raw Ed25519 public key and signature lengths (RFC 8032). */
export const ED25519_KEY_SIZE = 32;
export const ED25519_SIGNATURE_SIZE = 64;
/**
 * Signature lines read before giving up: the spec requires accepting at least 16 and asks for a
 * limit; 100 is Go's.
 */
export const MAX_SIGNATURES = 100;

/** A signature line taken apart; nothing in it verified. */
export interface ParsedSignatureLine {
  readonly name: string;
  readonly keyId: number;
  /** The bytes after the key ID (for a cosignature: timestamp ‖ signature). */
  readonly signature: Buffer;
  /** The base64 field of the line: key ID and signature. */
  readonly base64: string;
}

/** Whether `name` is a valid key name: non-empty, no Unicode space, no '+'. */
export function isValidKeyName(name: string): boolean {
  return name !== '' && !/[\s+]/u.test(name) && noteTextProblem(name) === undefined;
}

export function assertKeyName(name: string): void {
  if (!isValidKeyName(name)) {
    throw new TypeError(`invalid key name ${JSON.stringify(name)}: empty, or has a space or '+'`);
  }
}

/**
 * A signed-note key ID: the first four bytes, as a big-endian unsigned integer, of
 * SHA-256(key name ‖ 0x0A ‖ signature type ‖ public key).
 */
export function keyIdOf(name: string, type: number, rawPublicKey: Uint8Array): number {
  assertKeyName(name);
  const digest = hash(
    'sha256',
    Buffer.concat([Buffer.from(name, 'utf8'), Buffer.from([0x0a, type]), rawPublicKey]),
    'buffer',
  );
  return digest.readUInt32BE(0);
}

/** The 32 raw bytes of an Ed25519 public key, given it or its private key. */
export function rawEd25519PublicKey(key: KeyObject): Buffer {
  if (key.asymmetricKeyType !== 'ed25519') throw new TypeError('key is not an Ed25519 key');
  const publicKey = key.type === 'private' ? createPublicKey(key) : key;
  const { x } = publicKey.export({ format: 'jwk' });
  if (x === undefined) throw new TypeError('Ed25519 key has no public part');
  return Buffer.from(x, 'base64url');
}

/** The raw Ed25519 public key of a key object, or the given raw bytes, checked for length. */
export function rawEd25519Of(publicKey: KeyObject | Uint8Array): Uint8Array {
  const raw = publicKey instanceof KeyObject ? rawEd25519PublicKey(publicKey) : publicKey;
  if (raw.length !== ED25519_KEY_SIZE) {
    throw new TypeError(`Ed25519 public key must be ${ED25519_KEY_SIZE} bytes`);
  }
  return raw;
}

export function ed25519PublicKeyFromRaw(raw: Uint8Array): KeyObject {
  return createPublicKey({
    key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(raw).toString('base64url') },
    format: 'jwk',
  });
}

/** `<name>+<key ID hex>+<base64(type ‖ key)>`. */
export function formatVerifierKeyOf(name: string, type: number, raw: Uint8Array): string {
  const keyId = keyIdOf(name, type, raw);
  const encoded = Buffer.concat([Buffer.from([type]), raw]).toString('base64');
  return `${name}+${keyIdHex(keyId)}+${encoded}`;
}

/**
 * Reads a verifier key string of signature type `type` with an Ed25519 key: its name and raw key.
 *
 * @param typeLabel - how the type is named in the error, e.g. `an Ed25519 (type 0x01) key`.
 * @throws TypeError when the string is malformed, is of another type, or its key ID does not
 *   match the name and key (a mistyped or tampered configuration value).
 */
export function parseEd25519VerifierKeyOf(
  verifierKey: string,
  type: number,
  typeLabel: string,
): { name: string; raw: Buffer } {
  // Names contain no '+', so the first two '+' delimit the fields; the base64 key may contain '+'.
  const first = verifierKey.indexOf('+');
  const second = verifierKey.indexOf('+', first + 1);
  if (first < 0 || second < 0) {
    throw new TypeError('verifier key must be <name>+<hex key ID>+<base64 key>');
  }
  const name = verifierKey.slice(0, first);
  const idHex = verifierKey.slice(first + 1, second);
  const keyBase64 = verifierKey.slice(second + 1);
  if (!isValidKeyName(name)) throw new TypeError('verifier key has an invalid key name');
  if (!/^[0-9a-f]{8}$/i.test(idHex)) throw new TypeError('verifier key ID must be 8 hex digits');
  const key = decodeBase64Strict(keyBase64);
  if (key?.length !== 1 + ED25519_KEY_SIZE || key[0] !== type) {
    throw new TypeError(`verifier key is not ${typeLabel}`);
  }
  const raw = key.subarray(1);
  if (keyIdOf(name, type, raw) !== Number.parseInt(idHex, 16)) {
    throw new TypeError('verifier key ID does not match its name and key');
  }
  return { name, raw };
}

/** Takes a signature line (without its newline) apart, or undefined when it is malformed. */
export function parseSignatureLine(line: string): ParsedSignatureLine | undefined {
  if (!line.startsWith(SIGNATURE_PREFIX)) return undefined;
  const rest = line.slice(SIGNATURE_PREFIX.length);
  const space = rest.indexOf(' ');
  if (space < 0) return undefined;
  const name = rest.slice(0, space);
  const base64 = rest.slice(space + 1);
  if (!isValidKeyName(name)) return undefined;
  const bytes = decodeBase64Strict(base64);
  // Four bytes of key ID and at least one of signature.
  if (bytes === undefined || bytes.length < 5) return undefined;
  return { name, keyId: bytes.readUInt32BE(0), signature: bytes.subarray(4), base64 };
}

/**
 * Splits a note into its text (what was signed, ending in a newline) and its signature lines
 * (without newlines), checking the format only: valid UTF-8 without control characters, a blank
 * line before a non-empty newline-terminated signature block of at most {@link MAX_SIGNATURES}
 * lines. The text ends at the last blank line. The lines are not parsed.
 */
export function splitNote(
  note: string | Uint8Array,
): TlogResult<{ text: string; lines: string[] }> {
  const decoded = typeof note === 'string' ? note : decodeUtf8(note);
  if (decoded === undefined) return refuse('note is not valid UTF-8');
  const problem = noteTextProblem(decoded);
  if (problem !== undefined) return refuse(`malformed note: ${problem}`);
  const split = decoded.lastIndexOf('\n\n');
  if (split < 0) return refuse('malformed note: no blank line before the signatures');
  const text = decoded.slice(0, split + 1);
  const block = decoded.slice(split + 2);
  if (block === '' || !block.endsWith('\n')) {
    return refuse('malformed note: signature block missing or not newline-terminated');
  }
  const lines = block.slice(0, -1).split('\n');
  if (lines.length > MAX_SIGNATURES) {
    return refuse(`note has more than ${MAX_SIGNATURES} signatures`);
  }
  return { ok: true, value: { text, lines } };
}

export function keyIdHex(keyId: number): string {
  return keyId.toString(16).padStart(8, '0');
}

function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    // ignoreBOM keeps a leading U+FEFF in the text, so the signed bytes are not silently altered.
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

export function refuse(error: string): { ok: false; error: string } {
  return { ok: false, error };
}
