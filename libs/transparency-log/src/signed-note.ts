import { createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import {
  ED25519_SIGNATURE_SIZE,
  ed25519PublicKeyFromRaw,
  formatVerifierKeyOf,
  keyIdHex,
  keyIdOf,
  parseEd25519VerifierKeyOf,
  parseSignatureLine,
  rawEd25519Of,
  rawEd25519PublicKey,
  refuse,
  SIGNATURE_PREFIX,
  splitNote,
} from './note-format';
import { noteTextProblem, type TlogResult } from './text';

export { isValidKeyName } from './note-format';

/*
 * C2SP signed notes (https://c2sp.org/signed-note), Ed25519 signature type only: a text ending in
 * a newline, a blank line, then lines `— <key name> <base64(key ID ‖ signature)>`. The format and
 * the acceptance rules follow the spec and its reference implementation, Go's
 * golang.org/x/mod/sumdb/note, so that notes interoperate with witnesses and other tooling.
 */

/** Signature type byte of Ed25519 in signed-note key IDs and verifier keys. */
const ED25519_TYPE = 0x01;

/** A key that signs notes: its signed-note key name and Ed25519 private key. */
export interface NoteSigner {
  /** Key name; by convention the log origin, e.g. `hub.example.la/audit`. */
  readonly name: string;
  /** Ed25519 private key (`crypto.generateKeyPairSync('ed25519')`, or an imported PKCS#8 PEM). */
  readonly privateKey: KeyObject;
}

/** A trusted key that notes are opened with; identified by its name and 32-bit key ID. */
export interface NoteVerifier {
  /** Key name as it appears in signature lines. */
  readonly name: string;
  /** Key ID: first four bytes, big-endian, of SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public key). */
  readonly keyId: number;
  /** Whether `signature` is this key's signature over `message` (the note text bytes). */
  verify(message: Uint8Array, signature: Uint8Array): boolean;
}

/** A signature line of a note. */
export interface NoteSignature {
  /** Key name of the signer. */
  readonly name: string;
  /** 32-bit key ID from the signature. */
  readonly keyId: number;
  /** The base64 field of the line: key ID and signature. */
  readonly base64: string;
}

/** A note whose signatures were checked by {@link openNote}. */
export interface OpenedNote {
  /** The note text (what was signed), ending in a newline. */
  readonly text: string;
  /** Signatures by known keys, all verified; never empty. */
  readonly signatures: readonly NoteSignature[];
  /** Signatures by unknown keys, ignored as the spec requires (e.g. witness cosignatures). */
  readonly unverified: readonly NoteSignature[];
}

/**
 * Signed-note key ID of an Ed25519 key: the first four bytes, as a big-endian unsigned integer, of
 * SHA-256(key name ‖ 0x0A ‖ 0x01 ‖ 32-byte public key).
 *
 * The type byte lets one key and name serve different signature types without ambiguity; the ID
 * is only an identifier (not collision-resistant) — verification always uses the configured key.
 *
 * @param publicKey - Ed25519 public (or private, whose public half is used) key, or its 32 raw
 *   bytes.
 * @throws TypeError when the key is not Ed25519 or the name is invalid.
 */
export function ed25519KeyId(name: string, publicKey: KeyObject | Uint8Array): number {
  return keyIdOf(name, ED25519_TYPE, rawEd25519Of(publicKey));
}

/**
 * A {@link NoteVerifier} for an Ed25519 public key.
 *
 * @throws TypeError when the key is not Ed25519 or the name is invalid.
 */
export function createEd25519Verifier(name: string, publicKey: KeyObject): NoteVerifier {
  const key = publicKey.type === 'private' ? createPublicKey(publicKey) : publicKey;
  const keyId = ed25519KeyId(name, key);
  return {
    name,
    keyId,
    verify: (message, signature) =>
      // Node would also refuse a wrong length, but checking first avoids relying on whether it
      // throws or returns false.
      signature.length === ED25519_SIGNATURE_SIZE && verify(null, message, key, signature),
  };
}

/**
 * Verifier key string of the signed-note ecosystem, `<name>+<key ID hex>+<base64(0x01 ‖ key)>`,
 * the form in which a log publishes its public key (and {@link parseVerifierKey} reads it).
 *
 * @throws TypeError when the key is not Ed25519 or the name is invalid.
 */
export function formatVerifierKey(name: string, publicKey: KeyObject): string {
  return formatVerifierKeyOf(name, ED25519_TYPE, rawEd25519PublicKey(publicKey));
}

/**
 * Reads a verifier key string (see {@link formatVerifierKey}) into a {@link NoteVerifier}.
 *
 * @throws TypeError when the string is malformed, is not an Ed25519 key, or its key ID does not
 *   match the name and key (a mistyped or tampered configuration value).
 */
export function parseVerifierKey(verifierKey: string): NoteVerifier {
  const { name, raw } = parseEd25519VerifierKeyOf(
    verifierKey,
    ED25519_TYPE,
    'an Ed25519 (type 0x01) key',
  );
  return createEd25519Verifier(name, ed25519PublicKeyFromRaw(raw));
}

/**
 * Signs `text` as a C2SP signed note: the text, a blank line, and one signature line per signer.
 *
 * The Ed25519 signature covers the UTF-8 bytes of the text including its final newline (not the
 * blank line).
 *
 * @param text - note text; must end in a newline, be non-empty, and contain no control character
 *   other than newline (e.g. the output of `formatCheckpoint`).
 * @throws TypeError when the text, a key name or a key is unusable; refusing here guarantees that
 *   every signed note opens again.
 */
export function signNote(text: string, signers: NoteSigner | readonly NoteSigner[]): string {
  if (!text.endsWith('\n')) throw new TypeError('note text must end with a newline');
  const problem = noteTextProblem(text);
  if (problem !== undefined) throw new TypeError(`note text not allowed: ${problem}`);
  const message = Buffer.from(text, 'utf8');
  const list: readonly NoteSigner[] = Array.isArray(signers) ? signers : [signers];
  if (list.length === 0) throw new TypeError('a note needs at least one signer');
  const lines = list.map(({ name, privateKey }) => {
    if (privateKey.type !== 'private') throw new TypeError('signer key must be a private key');
    const keyId = Buffer.alloc(4);
    keyId.writeUInt32BE(ed25519KeyId(name, createPublicKey(privateKey)));
    const signature = sign(null, message, privateKey);
    return `${SIGNATURE_PREFIX}${name} ${Buffer.concat([keyId, signature]).toString('base64')}\n`;
  });
  return `${text}\n${lines.join('')}`;
}

/**
 * Opens a signed note: checks its format and signatures, and returns the text only if at least
 * one signature by a known key verifies.
 *
 * Follows the signed-note rules (and Go's `note.Open`): signatures whose (name, key ID) matches
 * no verifier are ignored (reported in `unverified`); every signature that does match must
 * verify, or the whole note is refused; a note with no verified signature is refused, as is one
 * whose signature matches two verifiers (ambiguous configuration) or that has more than 100
 * signature lines. The text is separated from the signatures at the last blank line.
 *
 * @param note - the whole note; bytes must be valid UTF-8.
 * @param verifiers - the trusted keys.
 */
export function openNote(
  note: string | Uint8Array,
  verifiers: readonly NoteVerifier[],
): TlogResult<OpenedNote> {
  const split = splitNote(note);
  if (!split.ok) return split;
  const { text, lines } = split.value;

  const message = Buffer.from(text, 'utf8');
  const signatures: NoteSignature[] = [];
  const unverified: NoteSignature[] = [];
  const seenUnverified = new Set<string>();
  const seenVerified = new Set<string>();
  for (const line of lines) {
    const parsed = parseSignatureLine(line);
    if (parsed === undefined) return refuse('malformed note: bad signature line');
    const { name, keyId, signature, base64 } = parsed;
    // Key names contain no spaces, so these set keys are unambiguous.
    const key = `${name} ${keyId}`;
    const matching = verifiers.filter((v) => v.name === name && v.keyId === keyId);
    if (matching.length > 1) return refuse(`ambiguous key ${name}+${keyIdHex(keyId)}`);
    const [verifier] = matching;
    if (verifier === undefined) {
      // Repeats of one line are reported once; different lines under one key all are.
      if (!seenUnverified.has(`${key} ${base64}`)) unverified.push({ name, keyId, base64 });
      seenUnverified.add(`${key} ${base64}`);
      continue;
    }
    // The spec makes verifying a known key's signature mandatory and lets a failure reject the
    // note. Every such line is checked (not only the first, as Go does): a forged line next to a
    // good one is refused, never shrugged off.
    if (!verifier.verify(message, signature)) {
      return refuse(`invalid signature for key ${name}+${keyIdHex(keyId)}`);
    }
    if (!seenVerified.has(key)) signatures.push({ name, keyId, base64 });
    seenVerified.add(key);
  }
  if (signatures.length === 0) return refuse('note has no verifiable signatures');
  return { ok: true, value: { text, signatures, unverified } };
}
