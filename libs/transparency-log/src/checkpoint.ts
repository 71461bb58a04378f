import { HASH_SIZE } from './hashing';
import { openNote, type NoteSignature, type NoteVerifier } from './signed-note';
import { decodeBase64Strict, noteTextProblem, type TlogResult } from './text';

/*
 * C2SP tlog-checkpoint (https://c2sp.org/tlog-checkpoint): the body of a signed note committing a
 * log to its tree head,
 *
 *   <origin>\n<tree size, decimal>\n<base64 root hash>\n[<extension line>\n]*
 *
 * The checkpoint text is what gets signed (see signNote), so its formatting is strict both ways:
 * formatCheckpoint never produces text parseCheckpoint would refuse, and parseCheckpoint accepts
 * exactly one text form per tree head.
 */

/** A log's tree head as a checkpoint states it. */
export interface Checkpoint {
  /** Identity of the log, e.g. `hub.example.la/audit`; also the signing key's name by convention. */
  readonly origin: string;
  /** Number of leaves in the tree. */
  readonly size: number;
  /** RFC 6962 root hash of the tree at `size`. */
  readonly root: Uint8Array;
  /** Opaque extension lines (NOT RECOMMENDED by the spec: monitors cannot audit them). */
  readonly extensions?: readonly string[];
}

/** A checkpoint as {@link parseCheckpoint} returns it: every field present. */
export interface ParsedCheckpoint extends Checkpoint {
  /** RFC 6962 root hash of the tree at `size`. */
  readonly root: Buffer;
  /** Extension lines; empty when there are none. */
  readonly extensions: readonly string[];
}

/** A checkpoint read from a note whose signature was verified, see {@link openCheckpoint}. */
export interface OpenedCheckpoint {
  /** The checkpoint the note states. */
  readonly checkpoint: ParsedCheckpoint;
  /** The exact signed text, e.g. to store or to pass on to witnesses. */
  readonly text: string;
  /** Verified signatures by the given verifiers. */
  readonly signatures: readonly NoteSignature[];
  /** Signatures by unknown keys (e.g. witness cosignatures), not verified. */
  readonly unverified: readonly NoteSignature[];
}

const DECIMAL = /^(?:0|[1-9][0-9]*)$/;

/**
 * Formats the checkpoint text (the note body to sign).
 *
 * @throws TypeError or RangeError when a field could not be parsed back unchanged: an empty
 *   origin or extension line, a newline or control character in one, a size that is not a
 *   non-negative safe integer, or a root that is not 32 bytes.
 */
export function formatCheckpoint(checkpoint: Checkpoint): string {
  const { origin, size, root, extensions = [] } = checkpoint;
  assertLine('origin', origin);
  if (!Number.isSafeInteger(size) || size < 0) {
    throw new RangeError(`checkpoint size must be a non-negative safe integer, got ${size}`);
  }
  if (root.length !== HASH_SIZE) {
    throw new RangeError(`checkpoint root must be ${HASH_SIZE} bytes, got ${root.length}`);
  }
  extensions.forEach((line, i) => {
    assertLine(`extension line ${i}`, line);
  });
  const rootBase64 = Buffer.from(root.buffer, root.byteOffset, root.length).toString('base64');
  return [origin, String(size), rootBase64, ...extensions].map((line) => `${line}\n`).join('');
}

/**
 * Parses checkpoint text. Use it on the text {@link openNote} returned — the text of a note whose
 * signature was not verified must be ignored — or use {@link openCheckpoint}, which does both.
 *
 * Refuses text that is not at least three non-empty newline-terminated lines, a size with leading
 * zeros or beyond 2^53 - 1, and a root that is not canonical base64 of 32 bytes.
 */
export function parseCheckpoint(text: string): TlogResult<ParsedCheckpoint> {
  if (!text.endsWith('\n')) return refuse('checkpoint must end with a newline');
  const problem = noteTextProblem(text);
  if (problem !== undefined) return refuse(`checkpoint text not allowed: ${problem}`);
  const lines = text.slice(0, -1).split('\n');
  const [origin, sizeText, rootText, ...extensions] = lines;
  if (origin === undefined || sizeText === undefined || rootText === undefined) {
    return refuse('checkpoint needs origin, size and root lines');
  }
  if (lines.some((line) => line === '')) return refuse('checkpoint lines must be non-empty');
  if (!DECIMAL.test(sizeText)) return refuse('checkpoint size is not a canonical decimal');
  const size = Number(sizeText);
  if (!Number.isSafeInteger(size)) return refuse('checkpoint size is beyond 2^53 - 1');
  const root = decodeBase64Strict(rootText);
  if (root?.length !== HASH_SIZE) return refuse('checkpoint root is not base64 of 32 bytes');
  return { ok: true, value: { origin, size, root, extensions } };
}

/**
 * Opens a signed checkpoint: verifies the note with {@link openNote}, parses its text, and checks
 * that it is for the expected log.
 *
 * Checking the origin matters: the same key may sign checkpoints of several logs, and a validly
 * signed checkpoint of another log must not pass for one of this log.
 *
 * @param note - the signed checkpoint note.
 * @param verifiers - keys trusted to sign checkpoints of this log.
 * @param origin - the origin line this log's checkpoints carry.
 */
export function openCheckpoint(
  note: string | Uint8Array,
  verifiers: readonly NoteVerifier[],
  origin: string,
): TlogResult<OpenedCheckpoint> {
  const opened = openNote(note, verifiers);
  if (!opened.ok) return opened;
  const parsed = parseCheckpoint(opened.value.text);
  if (!parsed.ok) return parsed;
  if (parsed.value.origin !== origin) {
    return refuse(`checkpoint is for ${JSON.stringify(parsed.value.origin)}, not ${origin}`);
  }
  const { text, signatures, unverified } = opened.value;
  return { ok: true, value: { checkpoint: parsed.value, text, signatures, unverified } };
}

function assertLine(field: string, value: string): void {
  if (value === '') throw new TypeError(`checkpoint ${field} must be non-empty`);
  if (value.includes('\n')) throw new TypeError(`checkpoint ${field} must be a single line`);
  const problem = noteTextProblem(value);
  if (problem !== undefined) throw new TypeError(`checkpoint ${field} not allowed: ${problem}`);
}

function refuse(error: string): { ok: false; error: string } {
  return { ok: false, error };
}
