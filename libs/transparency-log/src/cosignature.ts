import { createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { parseCheckpoint } from './checkpoint';
import {
  ED25519_SIGNATURE_SIZE,
  ed25519PublicKeyFromRaw,
  formatVerifierKeyOf,
  keyIdHex,
  keyIdOf,
  MAX_SIGNATURES,
  parseEd25519VerifierKeyOf,
  parseSignatureLine,
  rawEd25519Of,
  rawEd25519PublicKey,
  refuse,
  SIGNATURE_PREFIX,
  splitNote,
} from './note-format';
import type { NoteSigner, NoteVerifier } from './signed-note';
import { noteTextProblem, type TlogResult } from './text';

/*
 * C2SP tlog-cosignature (https://c2sp.org/tlog-cosignature), the Ed25519 `cosignature/v1` type: a
 * witness's signed-note signature over a checkpoint, stating that as of its timestamp this is the
 * largest consistent tree head it has seen of the log. Byte formats as the spec and Go's
 * github.com/transparency-dev/formats/note (note_cosigv1.go) have them:
 *
 *   key ID    = SHA-256(name ‖ 0x0A ‖ 0x04 ‖ 32-byte Ed25519 public key)[:4]
 *   message   = "cosignature/v1\n" ‖ "time <decimal seconds>\n" ‖ checkpoint text
 *   line      = "— <name> " base64(key ID ‖ uint64 big-endian timestamp ‖ Ed25519 signature)
 *
 * The message does not commit to the cosigner's name: a witness must use one key per name.
 */

/** Signature type byte of Ed25519 `cosignature/v1` in key IDs and verifier keys. */
export const COSIGNATURE_V1_TYPE = 0x04;
/** Bytes of the timestamp in a cosignature. */
const TIMESTAMP_SIZE = 8;
/** The spec's bound on the timestamp, 2^63 - 1. */
const MAX_TIMESTAMP = (1n << 63n) - 1n;

/** A cosigner's verifier: a {@link NoteVerifier}, so notes can also be opened with it. */
export interface CosignatureVerifier extends NoteVerifier {
  /** Key ID: first four bytes of SHA-256(name ‖ 0x0A ‖ 0x04 ‖ public key). */
  readonly keyId: number;
  /** The cosigner's Ed25519 public key. */
  readonly publicKey: KeyObject;
  /**
   * Whether `signature` (timestamp ‖ Ed25519 signature, as in a signature line after the key ID)
   * is this cosigner's cosignature over `message`, the checkpoint text.
   */
  verify(message: Uint8Array, signature: Uint8Array): boolean;
}

/** The outcome of {@link verifyCosignature}: the cosignature's time, or why it is refused. */
export type CosignatureCheck = { ok: true; time: number } | { ok: false; error: string };

/** A cosignature line of a note by one of the given cosigners, see {@link findCosignatures}. */
export interface FoundCosignature {
  /** The verifier whose name and key ID the line carries. */
  readonly verifier: CosignatureVerifier;
  /** The signature line, without its newline. */
  readonly line: string;
}

/** What {@link findCosignatures} finds in a note. */
export interface FoundCosignatures {
  /** The note's text (the checkpoint the cosignatures are over). */
  readonly text: string;
  /** Lines by known cosigners that verify, with the time each states. */
  readonly valid: readonly (FoundCosignature & { readonly time: number })[];
  /** Lines by known cosigners (name and key ID match) that do not verify, and why. */
  readonly invalid: readonly (FoundCosignature & { readonly error: string })[];
}

/**
 * The `cosignature/v1` key ID of an Ed25519 key: the first four bytes, big-endian, of
 * SHA-256(name ‖ 0x0A ‖ 0x04 ‖ 32-byte public key). It differs from the key's signed-note
 * (type 0x01) ID, so a cosignature never passes for a plain note signature or the other way.
 *
 * @param publicKey - Ed25519 public (or private, whose public half is used) key, or its 32 bytes.
 * @throws TypeError when the key is not Ed25519 or the name is invalid.
 */
export function cosignatureKeyId(name: string, publicKey: KeyObject | Uint8Array): number {
  return keyIdOf(name, COSIGNATURE_V1_TYPE, rawEd25519Of(publicKey));
}

/**
 * The cosigner's verifier key string, `<name>+<8 hex key ID>+<base64(0x04 ‖ key)>`: what a
 * witness publishes and what the hub's party registry holds.
 *
 * @throws TypeError when the key is not Ed25519 or the name is invalid.
 */
export function formatCosignerVerifierKey(name: string, publicKey: KeyObject): string {
  return formatVerifierKeyOf(name, COSIGNATURE_V1_TYPE, rawEd25519PublicKey(publicKey));
}

/**
 * Reads a cosigner verifier key string (see {@link formatCosignerVerifierKey}).
 *
 * Only type 0x04 is accepted: Go's NewVerifierForCosignatureV1 also takes a plain signed-note
 * (0x01) key and recomputes its ID, but a configuration value whose ID is not its own is more
 * likely a mistake than an intent, so we refuse it as parseVerifierKey refuses a wrong ID.
 *
 * @throws TypeError when the string is malformed, is not an Ed25519 cosignature (type 0x04) key,
 *   or its key ID does not match the name and key.
 */
export function parseCosignerVerifierKey(verifierKey: string): CosignatureVerifier {
  const { name, raw } = parseEd25519VerifierKeyOf(
    verifierKey,
    COSIGNATURE_V1_TYPE,
    'an Ed25519 cosignature (type 0x04) key',
  );
  return createCosignatureVerifier(name, ed25519PublicKeyFromRaw(raw));
}

/**
 * A {@link CosignatureVerifier} for an Ed25519 public key.
 *
 * @throws TypeError when the key is not Ed25519 or the name is invalid.
 */
export function createCosignatureVerifier(name: string, publicKey: KeyObject): CosignatureVerifier {
  const key = publicKey.type === 'private' ? createPublicKey(publicKey) : publicKey;
  const keyId = cosignatureKeyId(name, key);
  return {
    name,
    keyId,
    publicKey: key,
    verify: (message, signature) => checkSignature(key, message, signature).ok,
  };
}

/**
 * The message a `cosignature/v1` signs: `cosignature/v1\ntime <seconds>\n` and the checkpoint
 * text (the note body, with its final newline, without signature lines).
 *
 * @param time - seconds since the epoch; a bigint for values beyond 2^53.
 */
export function cosignatureMessage(checkpointText: string, time: number | bigint): Buffer {
  return Buffer.concat([cosignatureHeader(time), Buffer.from(checkpointText, 'utf8')]);
}

/** The two lines before the checkpoint text; `time` in decimal without leading zeros. */
function cosignatureHeader(time: number | bigint): Buffer {
  return Buffer.from(`cosignature/v1\ntime ${time.toString()}\n`, 'utf8');
}

/**
 * Cosigns a checkpoint: returns the signature line `— <name> <base64>` (no newline) to append to
 * the checkpoint's note.
 *
 * @param checkpointText - the checkpoint (the note's text, as `openCheckpoint` returns it).
 * @param cosigner - the witness's key name and Ed25519 private key.
 * @param timeSeconds - the time of the statement, whole seconds since the epoch.
 * @throws TypeError or RangeError when the text is not a checkpoint, the time is not a
 *   non-negative safe integer, or the name or key is unusable: refusing here guarantees that
 *   every cosignature made verifies.
 */
export function cosignCheckpoint(
  checkpointText: string,
  cosigner: NoteSigner,
  timeSeconds: number,
): string {
  const parsed = parseCheckpoint(checkpointText);
  if (!parsed.ok) throw new TypeError(`not a checkpoint: ${parsed.error}`);
  if (!Number.isSafeInteger(timeSeconds) || timeSeconds < 0) {
    throw new RangeError(
      `cosignature time must be a non-negative safe integer, got ${timeSeconds}`,
    );
  }
  const { name, privateKey } = cosigner;
  if (privateKey.type !== 'private') throw new TypeError('cosigner key must be a private key');
  const keyId = Buffer.alloc(4);
  keyId.writeUInt32BE(cosignatureKeyId(name, createPublicKey(privateKey)));
  const time = Buffer.alloc(TIMESTAMP_SIZE);
  time.writeBigUInt64BE(BigInt(timeSeconds));
  const signature = sign(null, cosignatureMessage(checkpointText, timeSeconds), privateKey);
  return `${SIGNATURE_PREFIX}${name} ${Buffer.concat([keyId, time, signature]).toString('base64')}`;
}

/**
 * Verifies one cosignature line over a checkpoint text with a cosigner's verifier.
 *
 * Refuses a malformed line, a line under another name or key ID, a signature that is not exactly
 * 8 + 64 bytes, a timestamp above 2^63 - 1 (the spec's bound) or above 2^53 - 1 (not representable
 * as a number here; a real clock is far below), and a signature that does not verify. A time in
 * the future is not refused here: the spec lets verifiers decide, so the caller compares `time`.
 *
 * @param checkpointText - the note's text (what the log signed).
 * @param line - the signature line, without its newline.
 */
export function verifyCosignature(
  checkpointText: string,
  line: string,
  verifier: CosignatureVerifier,
): CosignatureCheck {
  const parsed = parseSignatureLine(line);
  if (parsed === undefined) return refuse('not a signature line');
  if (parsed.name !== verifier.name || parsed.keyId !== verifier.keyId) {
    return refuse(
      `the line is by ${parsed.name}+${keyIdHex(parsed.keyId)}, not ${verifier.name}+${keyIdHex(verifier.keyId)}`,
    );
  }
  const message = Buffer.from(checkpointText, 'utf8');
  return checkSignature(verifier.publicKey, message, parsed.signature);
}

/**
 * Appends signature lines (e.g. witness cosignatures) to a signed note. Lines already in the note,
 * or given twice, are added once; the others are appended in the order given. The note's text
 * and existing lines are unchanged, so it still opens with `openNote` and the log's key: openers
 * ignore signatures by keys they do not know.
 *
 * Two different lines by one key (a witness that cosigned the same checkpoint twice, at two
 * times) are both kept: both are valid, and which to prefer is the caller's policy.
 *
 * @param lines - signature lines, without newlines.
 * @throws TypeError when the note is malformed, a line is not a signature line, or the result
 *   would have more than 100 signatures (openers refuse such a note).
 */
export function addSignatureLines(note: string, lines: readonly string[]): string {
  const split = splitNote(note);
  if (!split.ok) throw new TypeError(split.error);
  const present = new Set(split.value.lines);
  const added: string[] = [];
  for (const line of lines) {
    if (parseSignatureLine(line) === undefined || noteTextProblem(line) !== undefined) {
      throw new TypeError(`not a signature line: ${JSON.stringify(line.slice(0, 80))}`);
    }
    if (present.has(line)) continue;
    present.add(line);
    added.push(line);
  }
  if (present.size > MAX_SIGNATURES) {
    throw new TypeError(`a note may have at most ${MAX_SIGNATURES} signatures`);
  }
  return `${note}${added.map((line) => `${line}\n`).join('')}`;
}

/**
 * Picks out of a note the cosignatures by the given cosigners and verifies each: the basis of a
 * quorum check. Lines by other keys (the log's own signature, unknown witnesses) are ignored, as
 * signed-note requires; repeated identical lines count once. This does not check the log's
 * signature: open the note with the log's key (`openCheckpoint`) as well.
 *
 * @returns the note's text and the valid and invalid cosignatures, or why the note is malformed.
 */
export function findCosignatures(
  note: string | Uint8Array,
  verifiers: readonly CosignatureVerifier[],
): TlogResult<FoundCosignatures> {
  const split = splitNote(note);
  if (!split.ok) return split;
  const { text, lines } = split.value;
  const valid: (FoundCosignature & { time: number })[] = [];
  const invalid: (FoundCosignature & { error: string })[] = [];
  for (const line of new Set(lines)) {
    const parsed = parseSignatureLine(line);
    if (parsed === undefined) return refuse('malformed note: bad signature line');
    const verifier = verifiers.find((v) => v.name === parsed.name && v.keyId === parsed.keyId);
    if (verifier === undefined) continue;
    const check = verifyCosignature(text, line, verifier);
    if (check.ok) valid.push({ verifier, line, time: check.time });
    else invalid.push({ verifier, line, error: check.error });
  }
  return { ok: true, value: { text, valid, invalid } };
}

/** Checks timestamp ‖ Ed25519 signature over the checkpoint text `message`. */
function checkSignature(
  key: KeyObject,
  message: Uint8Array,
  signature: Uint8Array,
): CosignatureCheck {
  if (signature.length !== TIMESTAMP_SIZE + ED25519_SIGNATURE_SIZE) {
    return refuse(
      `a cosignature/v1 signature is ${TIMESTAMP_SIZE + ED25519_SIGNATURE_SIZE} bytes, got ${signature.length}`,
    );
  }
  const bytes = Buffer.from(signature.buffer, signature.byteOffset, signature.length);
  const time = bytes.readBigUInt64BE(0);
  if (time > MAX_TIMESTAMP) return refuse('cosignature timestamp is above 2^63 - 1');
  if (time > BigInt(Number.MAX_SAFE_INTEGER))
    return refuse('cosignature timestamp is above 2^53 - 1');
  // Built on the bytes as given: decoding them to text first could alter invalid UTF-8.
  const signed = Buffer.concat([cosignatureHeader(time), message]);
  if (!verify(null, signed, key, bytes.subarray(TIMESTAMP_SIZE))) {
    return refuse('the cosignature does not verify');
  }
  return { ok: true, time: Number(time) };
}
