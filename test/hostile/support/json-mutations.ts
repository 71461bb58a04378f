import fc from 'fast-check';
import {
  BAD_DATES,
  BAD_UTF8,
  CONTROL_TEXTS,
  INJECTIONS,
  REFUSED_RAW_VALUES,
  deepValue,
  hugeString,
  wrongTypeFor,
} from './hostile-values';

type Json = unknown;
type Path = readonly (string | number)[];

/** Keys whose values are codes, identifiers or enumerations: an injection string is invalid there. */
const CODE_KEYS = new Set([
  'to',
  'type',
  'priority',
  'handlingCode',
  'script',
  'sex',
  'nationality',
  'issuingCountry',
  'languages',
  'language',
  'exploitation',
  'method',
  'country',
  'needs',
  'proposedCheckpoint',
  'checkpoint',
  'role',
  'custody',
  'requestedAction',
  'reasonCode',
  'referralId',
  'messageId',
  'mediaType',
  'sha256',
  'from',
  'status',
  'eventId',
]);
/** Keys whose values are dates or date-times. */
const DATE_KEYS = new Set([
  'birthDate',
  'date',
  'proposedDate',
  'recordedAt',
  'scheduledAt',
  'completedAt',
  'submittedAt',
]);

const RAW = '@@hostile-raw@@';
const DUPLICATE = '@@hostile-duplicate@@';

/** A body that a correct server must refuse, and what was done to make it so. */
export interface MutatedBody {
  what: string;
  payload: Buffer;
}

interface Node {
  path: Path;
  value: Json;
  /** The key naming the value (the array's key for an item). */
  key: string;
}

function nodesOf(value: Json, path: Path = [], key = ''): Node[] {
  const nodes: Node[] = path.length > 0 ? [{ path, value, key }] : [];
  if (Array.isArray(value)) {
    value.forEach((item, i) => nodes.push(...nodesOf(item, [...path, i], key)));
  } else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) nodes.push(...nodesOf(v, [...path, k], k));
  }
  return nodes;
}

function setAt(root: Json, path: Path, value: Json): Json {
  const copy = structuredClone(root) as Record<string | number, Json>;
  let node = copy;
  for (const step of path.slice(0, -1)) node = node[step] as Record<string | number, Json>;
  node[path.at(-1)!] = value;
  return copy;
}

function objectNodes(root: Json): Path[] {
  const paths: Path[] = [];
  if (typeof root === 'object' && root !== null && !Array.isArray(root)) paths.push([]);
  for (const n of nodesOf(root)) {
    if (typeof n.value === 'object' && n.value !== null && !Array.isArray(n.value)) {
      paths.push(n.path);
    }
  }
  return paths;
}

function objectAt(root: Json, path: Path): Record<string, Json> {
  let node = root as Record<string | number, Json>;
  for (const step of path) node = node[step] as Record<string | number, Json>;
  return node;
}

const label = (path: Path): string => path.join('.') || '(body)';
const text = (value: Json): Buffer => Buffer.from(JSON.stringify(value));

/**
 * Mutations of a valid JSON object that make it invalid under the contract wherever they land:
 * a value of the wrong type, a number out of range, a text with a control or bidi override character, a text longer
 * than any limit, an injection string or impossible date where a code or date belongs, an
 * unknown field, a duplicated key, a prototype key, deep nesting, a number beyond a double, NUL, an
 * unpaired surrogate, or bytes that are not UTF-8.
 */
export function invalidBodiesFrom(
  valid: Json,
  options: { unknownFieldsRefused?: boolean } = {},
): fc.Arbitrary<MutatedBody> {
  const nodes = nodesOf(valid);
  const strings = nodes.filter((n) => typeof n.value === 'string');
  const codes = strings.filter((n) => CODE_KEYS.has(n.key));
  const dates = strings.filter((n) => DATE_KEYS.has(n.key));
  const objects = objectNodes(valid);
  const pick = <T>(list: readonly T[]): fc.Arbitrary<T> => fc.constantFrom(...list);

  const kinds: fc.Arbitrary<MutatedBody>[] = [
    pick(nodes).chain((n) =>
      wrongTypeFor(n.value).map((v) => ({
        what: `wrong type at ${label(n.path)}`,
        payload: text(setAt(valid, n.path, v)),
      })),
    ),
    fc.tuple(pick(strings), pick(CONTROL_TEXTS)).map(([n, c]) => ({
      what: `control characters at ${label(n.path)}`,
      payload: text(setAt(valid, n.path, `${String(n.value)}${c}`)),
    })),
    fc.tuple(pick(strings), hugeString).map(([n, s]) => ({
      what: `${s.length} characters at ${label(n.path)}`,
      payload: text(setAt(valid, n.path, s)),
    })),
    fc
      .tuple(pick(objects), fc.oneof(fc.constantFrom(...REFUSED_RAW_VALUES), deepValue))
      .map(([p, raw]) => ({
        what: `raw ${raw.slice(0, 30)} in the object at ${label(p)}`,
        payload: Buffer.from(
          JSON.stringify(setAt(valid, p, { ...objectAt(valid, p), [RAW]: 0 })).replace(
            `"${RAW}":0`,
            `"hostile": ${raw}`,
          ),
        ),
      })),
    fc
      .tuple(pick(nodes), fc.oneof(fc.constantFrom(...REFUSED_RAW_VALUES), deepValue))
      .map(([n, raw]) => ({
        what: `raw ${raw.slice(0, 30)} as the value at ${label(n.path)}`,
        payload: Buffer.from(JSON.stringify(setAt(valid, n.path, RAW)).replace(`"${RAW}"`, raw)),
      })),
    pick(objects.filter((p) => Object.keys(objectAt(valid, p)).length > 0)).chain((p) =>
      pick(Object.keys(objectAt(valid, p))).map((key) => ({
        what: `key ${key} twice at ${label(p)}`,
        payload: Buffer.from(
          JSON.stringify(setAt(valid, p, { [DUPLICATE]: 0, ...objectAt(valid, p) })).replace(
            `"${DUPLICATE}":0`,
            `${JSON.stringify(key)}:${JSON.stringify(objectAt(valid, p)[key])}`,
          ),
        ),
      })),
    ),
    fc.tuple(pick(strings), pick(BAD_UTF8)).map(([n, bytes]) => {
      const [before, after] = JSON.stringify(setAt(valid, n.path, RAW)).split(RAW) as [
        string,
        string,
      ];
      return {
        what: `bytes ${bytes.toString('hex')} (not UTF-8) at ${label(n.path)}`,
        payload: Buffer.concat([Buffer.from(before), bytes, Buffer.from(after)]),
      };
    }),
  ];
  const numbers = nodes.filter((n) => typeof n.value === 'number');
  if (numbers.length > 0) {
    // Outside every numeric field's range: ages 0-120, sizes 0-2^53, sequence numbers >= 0.
    kinds.push(
      fc
        .tuple(pick(numbers), fc.constantFrom(-1, -0.5, 0.5, 1e308, -1e308, 2 ** 53 + 2))
        .map(([n, v]) => ({
          what: `number ${v} at ${label(n.path)}`,
          payload: text(setAt(valid, n.path, v)),
        })),
    );
  }
  if (options.unknownFieldsRefused !== false) {
    // Partner events may carry fields the hub does not know (it ignores them); HTTP bodies may not.
    kinds.push(
      fc.tuple(pick(objects), fc.string({ minLength: 1, maxLength: 30 })).map(([p, k]) => ({
        what: `unknown field at ${label(p)}`,
        payload: text(setAt(valid, p, { ...objectAt(valid, p), [`x-${k}`]: 'surprise' })),
      })),
    );
  }
  if (codes.length > 0) {
    kinds.push(
      fc.tuple(pick(codes), pick(INJECTIONS)).map(([n, s]) => ({
        what: `injection ${JSON.stringify(s)} in the code at ${label(n.path)}`,
        payload: text(setAt(valid, n.path, s)),
      })),
    );
  }
  if (dates.length > 0) {
    kinds.push(
      fc.tuple(pick(dates), pick(BAD_DATES)).map(([n, d]) => ({
        what: `date ${d} at ${label(n.path)}`,
        payload: text(setAt(valid, n.path, d)),
      })),
    );
  }
  return fc.oneof(...kinds);
}

/** The paths of `valid`'s free-text strings (not codes or dates), for the verbatim checks. */
export function freeTextPaths(valid: Json): Path[] {
  return nodesOf(valid)
    .filter((n) => typeof n.value === 'string' && !CODE_KEYS.has(n.key) && !DATE_KEYS.has(n.key))
    .map((n) => n.path);
}

export { setAt };
