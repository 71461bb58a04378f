/**
 * The JSON Schema keywords the contract's schemas use: the subset that JSON Schema draft-07 (the
 * base of AsyncAPI 3.0's Schema Object), draft 2020-12 and OpenAPI 3.1 read alike. No keyword
 * newer than draft-07 (`$defs` aside, for standalone schemas) and no keyword beside a `$ref`,
 * which draft-07 would ignore: a described reference is written `{ description, allOf: [$ref] }`.
 */
export interface JsonSchema {
  $schema?: string;
  $ref?: string;
  title?: string;
  description?: string;
  type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean' | 'null';
  const?: JsonValue;
  enum?: JsonValue[];
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  default?: JsonValue;
  examples?: JsonValue[];
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  uniqueItems?: boolean;
  contains?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean;
  allOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  not?: JsonSchema;
  if?: JsonSchema;
  then?: JsonSchema;
  else?: JsonSchema;
  $defs?: Record<string, JsonSchema>;
}

/** A JSON value, as `JSON.parse` returns it. */
export type JsonValue =
  string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** Named schemas, as in `components.schemas` of AsyncAPI and OpenAPI documents. */
export type SchemaComponents = Record<string, JsonSchema>;

/**
 * The order keywords are written in, whatever order they were set in: readers find `type` and
 * `description` first, and the generated documents only change when a rule does.
 */
const KEYWORD_ORDER: readonly (keyof JsonSchema)[] = [
  '$schema',
  '$ref',
  'title',
  'description',
  'type',
  'const',
  'enum',
  'format',
  'pattern',
  'minLength',
  'maxLength',
  'minimum',
  'maximum',
  'default',
  'examples',
  'items',
  'minItems',
  'maxItems',
  'uniqueItems',
  'contains',
  'properties',
  'required',
  'additionalProperties',
  'allOf',
  'anyOf',
  'not',
  'if',
  'then',
  'else',
  '$defs',
];

const KNOWN_KEYWORDS: ReadonlySet<string> = new Set(KEYWORD_ORDER);

/**
 * A copy of `schema` with its keywords, and those of every schema inside it, in a fixed order.
 * Property names keep their (declaration) order; `$defs` are sorted by name.
 */
export function orderKeywords(schema: JsonSchema): JsonSchema {
  const ordered: Record<string, unknown> = {};
  for (const keyword of KEYWORD_ORDER) {
    const value = schema[keyword];
    if (value === undefined) continue;
    ordered[keyword] = orderValue(keyword, value);
  }
  const unknown = Object.keys(schema).filter((key) => !KNOWN_KEYWORDS.has(key));
  if (unknown.length > 0) throw new Error(`Unexpected JSON Schema keywords: ${unknown.join(', ')}`);
  return ordered;
}

function orderValue(keyword: keyof JsonSchema, value: unknown): unknown {
  switch (keyword) {
    case 'items':
    case 'contains':
    case 'not':
    case 'if':
    case 'then':
    case 'else':
      return orderKeywords(value as JsonSchema);
    case 'allOf':
    case 'anyOf':
      return (value as JsonSchema[]).map(orderKeywords);
    case 'properties':
      return mapValues(value as Record<string, JsonSchema>, orderKeywords);
    case '$defs':
      return sortByKey(mapValues(value as Record<string, JsonSchema>, orderKeywords));
    default:
      return value;
  }
}

/** `record` with `transform` applied to each value, keys in the same order. */
export function mapValues<A, B>(
  record: Readonly<Record<string, A>>,
  transform: (value: A, key: string) => B,
): Record<string, B> {
  return Object.fromEntries(
    Object.entries(record).map(([key, value]) => [key, transform(value, key)]),
  );
}

/** `record` with its keys in code-unit order, so that output does not depend on insertion. */
export function sortByKey<T>(record: Readonly<Record<string, T>>): Record<string, T> {
  return Object.fromEntries(
    Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  );
}
