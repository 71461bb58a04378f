import { decodeBase64Strict, type Bytes } from './bytes';
import { HASH_SIZE } from './merkle';
import { noteTextProblem, refuse, type Checked } from './signed-note';

/** A C2SP tlog-checkpoint: origin, tree size, root hash (and extension lines). */
export interface BrowserCheckpoint {
  readonly origin: string;
  readonly size: number;
  readonly root: Bytes;
  readonly extensions: readonly string[];
}

const DECIMAL = /^(?:0|[1-9][0-9]*)$/;

/** Parses checkpoint text exactly as libs/transparency-log/src/checkpoint.ts does. */
export function parseCheckpoint(text: string): Checked<BrowserCheckpoint> {
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
