/*
 * A YAML writer for JSON data, enough for the generated contract documents and no more: block
 * mappings and sequences, plain scalars where they cannot be misread, quoted ones otherwise,
 * literal blocks for multi-line text. Its output is what Prettier (the repository's formatter,
 * `singleQuote: true`) would write, so `prettier --check` and the generator's `--check` agree.
 */

const INDENT = '  ';

/**
 * Plain scalars that every YAML parser reads back as the same string: no indicator characters,
 * no leading or trailing space, not a number, none of the YAML 1.1 booleans or nulls below (a
 * country code `NO` must not become `false`), nothing a lenient parser could take for an exponent
 * (`E12345678`).
 */
const PLAIN = /^[A-Za-z_$][A-Za-z0-9_$ .,()/+-]*$/;
const RESERVED = /^(y|n|yes|no|on|off|true|false|null)$|^e\d/i;

/** YAML text of a JSON value (objects, arrays, strings, finite numbers, booleans, `null`). */
export function toYaml(value: unknown): string {
  return `${block(value, '').join('\n')}\n`;
}

/** Lines of `value` as the content of a document, a mapping value or a sequence item. */
function block(value: unknown, indent: string): string[] {
  if (Array.isArray(value)) {
    if (value.length === 0) return [`${indent}[]`];
    return value.flatMap((item: unknown) => sequenceItem(item, indent));
  }
  if (isRecord(value)) {
    const entries = definedEntries(value);
    if (entries.length === 0) return [`${indent}{}`];
    return entries.flatMap(([key, item]) => mappingEntry(key, item, indent));
  }
  return [`${indent}${scalar(value, indent)}`];
}

function mappingEntry(key: string, value: unknown, indent: string): string[] {
  const head = `${indent}${quote(key)}:`;
  if (isCollection(value) && !isEmpty(value)) {
    // Sequences under a key are indented like mappings, as Prettier writes them.
    return [head, ...block(value, indent + INDENT)];
  }
  return withValue(head, value, indent + INDENT);
}

function sequenceItem(item: unknown, indent: string): string[] {
  if (isCollection(item) && !isEmpty(item)) {
    // The first line of the nested collection shares the `- ` line.
    const [first = '', ...rest] = block(item, indent + INDENT);
    return [`${indent}- ${first.slice(indent.length + INDENT.length)}`, ...rest];
  }
  return withValue(`${indent}-`, item, indent + INDENT);
}

/** `head` followed by a scalar (or empty collection), on the same line or as a literal block. */
function withValue(head: string, value: unknown, indent: string): string[] {
  if (typeof value === 'string' && isLiteralBlock(value)) {
    const body = value.endsWith('\n') ? value.slice(0, -1) : value;
    const lines = body.split('\n').map((line) => (line === '' ? '' : indent + line));
    return [`${head} ${value.endsWith('\n') ? '|' : '|-'}`, ...lines];
  }
  if (isCollection(value)) return [`${head} ${Array.isArray(value) ? '[]' : '{}'}`];
  return [`${head} ${scalar(value, indent)}`];
}

function scalar(value: unknown, indent: string): string {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`YAML: ${value} is not a JSON number`);
    return JSON.stringify(value);
  }
  if (typeof value === 'string') return quote(value);
  throw new Error(`YAML: cannot write a ${typeof value} (at indent ${indent.length})`);
}

/** A string as a plain, single-quoted or double-quoted scalar, quoted as Prettier would. */
function quote(text: string): string {
  if (PLAIN.test(text) && !RESERVED.test(text) && !text.endsWith(' ')) {
    return text;
  }
  // Control characters and line breaks only have a form in double quotes (JSON's escapes are
  // valid YAML escapes).
  if (hasControlCharacter(text)) return JSON.stringify(text);
  // Prettier keeps single quotes unless the text has an apostrophe and needs no escape at all.
  if (text.includes("'") && !text.includes('"') && !text.includes('\\')) return `"${text}"`;
  return `'${text.replaceAll("'", "''")}'`;
}

/**
 * Multi-line text reads best as a literal block (`|`), which can hold it unchanged unless it
 * has other control characters, trailing spaces, leading spaces on its first line (an
 * indentation indicator would be needed) or more than one final line break.
 */
function isLiteralBlock(text: string): boolean {
  return (
    text.includes('\n') &&
    !hasControlCharacter(text.replaceAll('\n', '')) &&
    !/ \n|[ ]$/u.test(text) &&
    !/^[ \n]/u.test(text) &&
    !text.endsWith('\n\n')
  );
}

/** C0 controls and DEL, which YAML can only write escaped. */
function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isCollection(value: unknown): value is unknown[] | Record<string, unknown> {
  return Array.isArray(value) || isRecord(value);
}

function isEmpty(value: unknown[] | Record<string, unknown>): boolean {
  return Array.isArray(value) ? value.length === 0 : definedEntries(value).length === 0;
}

/** Entries with a value: `undefined` is left out, as `JSON.stringify` does. */
function definedEntries(record: Record<string, unknown>): [string, unknown][] {
  return Object.entries(record).filter(([, value]) => value !== undefined);
}
