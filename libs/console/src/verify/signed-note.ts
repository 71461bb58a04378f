import { concatBytes, decodeBase64Strict, readUint32BE, sha256, utf8, type Bytes } from './bytes';

/*
 * C2SP signed notes (https://c2sp.org/signed-note), Ed25519 only, verified with Web Crypto: the
 * browser-side twin of libs/transparency-log/src/signed-note.ts (openNote, parseVerifierKey).
 */

const ED25519_TYPE = 0x01;
/** Key type of a C2SP tlog-cosignature `cosignature/v1` witness key. */
const COSIGNATURE_V1_TYPE = 0x04;
/** A cosignature is an 8-byte timestamp and an Ed25519 signature. */
const TIMESTAMP_SIZE = 8;
const ED25519_KEY_SIZE = 32;
const ED25519_SIGNATURE_SIZE = 64;
const SIGNATURE_PREFIX = '\u2014 ';
const MAX_SIGNATURES = 100;

/** Outcome of checking untrusted input. */
export type Checked<T> = { ok: true; value: T } | { ok: false; error: string };

/** A verifier key as published by the hub (`<name>+<hex key ID>+<base64(0x01 ‖ key)>`). */
export interface BrowserNoteVerifier {
  readonly name: string;
  readonly keyId: number;
  readonly publicKey: Bytes;
}

/** Whether `name` is a valid key name: non-empty, no white space, no '+'. */
export function isValidKeyName(name: string): boolean {
  return name !== '' && !/[\s+]/u.test(name) && noteTextProblem(name) === undefined;
}

/** Key ID: first four bytes, big-endian, of SHA-256(name ‖ 0x0A ‖ type ‖ key). */
export async function ed25519KeyId(
  name: string,
  publicKey: Uint8Array,
  type = ED25519_TYPE,
): Promise<number> {
  const digest = await sha256(concatBytes(utf8(name), new Uint8Array([0x0a, type]), publicKey));
  return readUint32BE(digest);
}

/** Reads the hub's verifier key string, checking its key ID against its name and key. */
export function parseVerifierKey(verifierKey: string): Promise<Checked<BrowserNoteVerifier>> {
  return parseKeyOfType(verifierKey, ED25519_TYPE);
}

/** Reads a witness's cosigner verifier key (`<name>+<key ID>+<base64(0x04 ‖ key)>`). */
export function parseCosignerVerifierKey(
  verifierKey: string,
): Promise<Checked<BrowserNoteVerifier>> {
  return parseKeyOfType(verifierKey, COSIGNATURE_V1_TYPE);
}

async function parseKeyOfType(
  verifierKey: string,
  type: number,
): Promise<Checked<BrowserNoteVerifier>> {
  // Names contain no '+', so the first two delimit the fields; the base64 key may contain '+'.
  const first = verifierKey.indexOf('+');
  const second = verifierKey.indexOf('+', first + 1);
  if (first < 0 || second < 0) return refuse('verifier key must be <name>+<key ID>+<key>');
  const name = verifierKey.slice(0, first);
  const idHex = verifierKey.slice(first + 1, second);
  const keyBase64 = verifierKey.slice(second + 1);
  if (!isValidKeyName(name)) return refuse('verifier key has an invalid key name');
  if (!/^[0-9a-f]{8}$/i.test(idHex)) return refuse('verifier key ID must be 8 hex digits');
  const key = decodeBase64Strict(keyBase64);
  if (key?.length !== 1 + ED25519_KEY_SIZE || key[0] !== type) {
    return refuse(`verifier key is not an Ed25519 (type 0x0${type}) key`);
  }
  const publicKey = key.slice(1);
  if ((await ed25519KeyId(name, publicKey, type)) !== Number.parseInt(idHex, 16)) {
    return refuse('verifier key ID does not match its name and key');
  }
  return { ok: true, value: { name, keyId: Number.parseInt(idHex, 16), publicKey } };
}

/**
 * Opens a signed note with one trusted key: returns its text when a signature line by that key
 * verifies. As the signed-note spec (and the hub's library) require: lines of unknown keys are
 * ignored, every line of the trusted key must verify, and a note without one is refused.
 */
export async function openNote(
  note: string,
  verifier: BrowserNoteVerifier,
): Promise<Checked<{ text: string; unverified: number }>> {
  const problem = noteTextProblem(note);
  if (problem !== undefined) return refuse(`malformed note: ${problem}`);
  const split = note.lastIndexOf('\n\n');
  if (split < 0) return refuse('malformed note: no blank line before the signatures');
  const text = note.slice(0, split + 1);
  const block = note.slice(split + 2);
  if (block === '' || !block.endsWith('\n')) {
    return refuse('malformed note: signature block missing or not newline-terminated');
  }
  const lines = block.slice(0, -1).split('\n');
  if (lines.length > MAX_SIGNATURES) return refuse('note has too many signatures');
  const key = await crypto.subtle.importKey('raw', verifier.publicKey, { name: 'Ed25519' }, false, [
    'verify',
  ]);
  const message = utf8(text);
  let verified = 0;
  let unverified = 0;
  for (const line of lines) {
    const parsed = parseSignatureLine(line);
    if (parsed === undefined) return refuse('malformed note: bad signature line');
    if (parsed.name !== verifier.name || parsed.keyId !== verifier.keyId) {
      unverified += 1;
      continue;
    }
    const good =
      parsed.signature.length === ED25519_SIGNATURE_SIZE &&
      (await crypto.subtle.verify({ name: 'Ed25519' }, key, parsed.signature, message));
    if (!good) return refuse(`invalid signature for key ${verifier.name}`);
    verified += 1;
  }
  if (verified === 0) return refuse('note has no signature by the hub key');
  return { ok: true, value: { text, unverified } };
}

/**
 * The witnesses among `witnesses` whose C2SP `cosignature/v1` line in `note` verifies over the
 * note's text (`cosignature/v1\ntime <t>\n` ‖ text, Ed25519), with the time they put in it. Lines
 * by other keys are ignored; a bad line by a known witness does not count.
 */
export async function verifiedCosigners(
  note: string,
  witnesses: readonly BrowserNoteVerifier[],
): Promise<{ name: string; time: number }[]> {
  const split = note.lastIndexOf('\n\n');
  if (split < 0 || noteTextProblem(note) !== undefined) return [];
  const text = note.slice(0, split + 1);
  const found: { name: string; time: number }[] = [];
  for (const line of note.slice(split + 2).split('\n')) {
    const parsed = parseSignatureLine(line);
    const witness = witnesses.find((w) => w.name === parsed?.name && w.keyId === parsed.keyId);
    if (parsed === undefined || witness === undefined) continue;
    if (found.some((f) => f.name === witness.name)) continue;
    if (parsed.signature.length !== TIMESTAMP_SIZE + ED25519_SIGNATURE_SIZE) continue;
    const view = new DataView(parsed.signature.buffer, parsed.signature.byteOffset);
    const time = Number(view.getBigUint64(0));
    const message = concatBytes(utf8(`cosignature/v1\ntime ${time}\n`), utf8(text));
    const key = await crypto.subtle.importKey(
      'raw',
      witness.publicKey,
      { name: 'Ed25519' },
      false,
      ['verify'],
    );
    const signature = parsed.signature.slice(TIMESTAMP_SIZE);
    if (await crypto.subtle.verify({ name: 'Ed25519' }, key, signature, message)) {
      found.push({ name: witness.name, time });
    }
  }
  return found;
}

function parseSignatureLine(
  line: string,
): { name: string; keyId: number; signature: Bytes } | undefined {
  if (!line.startsWith(SIGNATURE_PREFIX)) return undefined;
  const rest = line.slice(SIGNATURE_PREFIX.length);
  const space = rest.indexOf(' ');
  if (space < 0) return undefined;
  const name = rest.slice(0, space);
  if (!isValidKeyName(name)) return undefined;
  const bytes = decodeBase64Strict(rest.slice(space + 1));
  if (bytes === undefined || bytes.length < 5) return undefined;
  return { name, keyId: readUint32BE(bytes), signature: bytes.slice(4) };
}

/** Why `text` may not be in a signed note (control characters, lone surrogates), if it may not. */
export function noteTextProblem(text: string): string | undefined {
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x20 && unit !== 0x0a) return `control character at offset ${i}`;
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff)) return `lone surrogate at offset ${i}`;
      i += 1;
    } else if (unit >= 0xdc00 && unit <= 0xdfff) {
      return `lone surrogate at offset ${i}`;
    }
  }
  return undefined;
}

export function refuse(error: string): { ok: false; error: string } {
  return { ok: false, error };
}
