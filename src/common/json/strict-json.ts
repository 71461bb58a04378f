/**
 * Why a body or a record was refused by {@link parseStrictJson}; `detail` is safe to show the
 * sender (it never quotes more than a short key).
 */
export type StrictJsonProblem =
  | 'not-utf8'
  | 'not-json'
  | 'duplicate-key'
  | 'forbidden-key'
  | 'too-deep'
  | 'number-out-of-range'
  | 'unpaired-surrogate'
  | 'nul-character';

/** A text the hub refuses to read as JSON, and why. */
export class StrictJsonError extends Error {
  constructor(
    readonly problem: StrictJsonProblem,
    readonly detail: string,
  ) {
    super(detail);
    this.name = 'StrictJsonError';
  }
}

/** Deepest nesting accepted; the contract's deepest field is 5 levels down. */
export const MAX_JSON_DEPTH = 32;

/** Keys that can poison prototypes in code that merges or copies parsed objects. */
const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Parses JSON as the hub accepts it at both doors (HTTP bodies and partner records): I-JSON
 * (RFC 7493) — UTF-8, no duplicated member names, no unpaired surrogates, numbers a double can
 * hold — plus no NUL character (PostgreSQL text cannot store it), no prototype-polluting keys and
 * at most {@link MAX_JSON_DEPTH} levels of nesting. Plain `JSON.parse` silently keeps the last of
 * two equal keys, which lets a sender show one value to a signature check or a partner's parser and
 * another to the hub.
 *
 * @param what how messages name the input ("The body", "The record value").
 * @throws StrictJsonError saying which rule the text breaks.
 */
export function parseStrictJson(
  input: string | Buffer,
  { what = 'The body', maxDepth = MAX_JSON_DEPTH }: { what?: string; maxDepth?: number } = {},
): unknown {
  const text = typeof input === 'string' ? input : decodeUtf8(input, what);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new StrictJsonError('not-json', `${what} is not valid JSON.`);
  }
  // Valid JSON from here on, so a light scan can trust the structure.
  scan(text, maxDepth);
  return value;
}

function decodeUtf8(bytes: Buffer, what: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new StrictJsonError('not-utf8', `${what} is not valid UTF-8.`);
  }
}

const WHITESPACE = new Set([' ', '\t', '\n', '\r']);
const NUMBER_START = /[-0-9]/;
const NUMBER_TOKEN = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const UNPAIRED_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function scan(text: string, maxDepth: number): void {
  // One entry per open container: the keys seen so far of an object, null for an array.
  const open: (Set<string> | null)[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '"') {
      const end = stringEnd(text, i);
      const raw = text.slice(i + 1, end);
      // Escapes are the only way to write NUL or a lone surrogate: strings without one are fine.
      const value = raw.includes('\\') ? (JSON.parse(text.slice(i, end + 1)) as string) : raw;
      if (value.includes('\u0000')) {
        throw new StrictJsonError('nul-character', 'A string contains a NUL character (\\u0000).');
      }
      if (UNPAIRED_SURROGATE.test(value)) {
        throw new StrictJsonError(
          'unpaired-surrogate',
          'A string contains an unpaired surrogate (not Unicode text).',
        );
      }
      i = end + 1;
      while (i < text.length && WHITESPACE.has(text[i] ?? '')) i++;
      if (text[i] === ':') checkKey(open.at(-1), value);
    } else if (c === '{' || c === '[') {
      open.push(c === '{' ? new Set() : null);
      if (open.length > maxDepth) {
        throw new StrictJsonError('too-deep', `The JSON is nested deeper than ${maxDepth} levels.`);
      }
      i++;
    } else if (c === '}' || c === ']') {
      open.pop();
      i++;
    } else if (c !== undefined && NUMBER_START.test(c)) {
      NUMBER_TOKEN.lastIndex = i;
      const token = NUMBER_TOKEN.exec(text)?.[0] ?? c;
      if (!Number.isFinite(Number(token))) {
        throw new StrictJsonError(
          'number-out-of-range',
          'A number is too large for a 64-bit floating point value.',
        );
      }
      i += token.length;
    } else {
      i++;
    }
  }
}

/** Index of the quote closing the string that opens at `start`. */
function stringEnd(text: string, start: number): number {
  let j = start + 1;
  for (;;) {
    const quote = text.indexOf('"', j);
    let backslashes = 0;
    for (let k = quote - 1; text[k] === '\\'; k--) backslashes++;
    if (backslashes % 2 === 0) return quote;
    j = quote + 1;
  }
}

function checkKey(keys: Set<string> | null | undefined, key: string): void {
  if (FORBIDDEN_KEYS.has(key)) {
    throw new StrictJsonError('forbidden-key', `The JSON contains the forbidden key "${key}".`);
  }
  if (!keys) return;
  if (keys.has(key)) {
    throw new StrictJsonError(
      'duplicate-key',
      `The JSON has the key "${key.length > 64 ? `${key.slice(0, 64)}…` : key}" twice in one object.`,
    );
  }
  keys.add(key);
}
