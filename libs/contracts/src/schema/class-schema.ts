import { plainToInstance, type ClassConstructor } from 'class-transformer';
import {
  getMetadataStorage,
  IS_OPTIONAL,
  isISO31661Alpha2,
  ValidationTypes,
  type MetadataStorage,
} from 'class-validator';
import { EVENT_DATA_CLASSES } from '../events/event-data-classes';
import { CONSENT_ACTIONS } from '../events/consent-actions';
import { LIFECYCLE_ACTIONS } from '../events/lifecycle-actions';
import { PostMessageBody } from '../events/message-posted.dto';
import { FORBIDDEN_TEXT_CHARACTERS } from '../referral/field-rules';
import { LATIN_SCRIPT } from '../referral/iso-15924';
import { ReferralContent } from '../referral/referral-content.dto';
import {
  orderKeywords,
  sortByKey,
  type JsonSchema,
  type JsonValue,
  type SchemaComponents,
} from './json-schema';
import { notesOf } from './schema-notes';

/*
 * JSON Schema from the class-validator metadata of the contract's classes: the same decorators the
 * hub validates payloads with, so the published schemas cannot drift from the code. Each
 * constraint is converted by its registered name (built-in decorators and the contract's own
 * `ValidateBy` rules alike); a constraint without a converter stops generation rather than being
 * left out of the contract silently.
 */

/** How the generated schemas treat what their classes do not declare. */
export interface SchemaOptions {
  /**
   * `refuse` (default, the HTTP API's rule): every object schema gets `additionalProperties:
   * false`. `ignore` (events on Kafka): unknown fields are allowed, as the contract asks
   * consumers to ignore them.
   */
  unknownFields?: 'refuse' | 'ignore';
  /**
   * Prefix of every `$ref` to a named schema: `#/components/schemas/` (default, AsyncAPI and
   * OpenAPI) or `#/$defs/` (a standalone JSON Schema document).
   */
  refPrefix?: string;
}

/** A class's schema and every named schema it needs. */
export interface ClassSchema {
  /** The class's component name (its class name). */
  name: string;
  /** `{ $ref: <prefix><name> }`, to use where the class's schema is wanted. */
  ref: JsonSchema;
  /** The class's own schema and every schema it refers to, directly or not, by name. */
  components: SchemaComponents;
}

/** Component name of the ISO 3166-1 alpha-2 code list. */
export const COUNTRY_CODE_SCHEMA = 'CountryCode';

const LETTERS = Array.from({ length: 26 }, (_, index) => String.fromCharCode(65 + index));

/**
 * Every assigned ISO 3166-1 alpha-2 code, as the hub's `IsCountryCode` rule accepts them (the
 * validator.js list class-validator carries), so the schema refuses `XX` as the hub does.
 */
export const ISO_3166_ALPHA2_CODES: readonly string[] = LETTERS.flatMap((first) =>
  LETTERS.map((second) => first + second),
).filter((code) => isISO31661Alpha2(code));

/** Schemas of formats used in more than one place, written once as named components. */
const SCALAR_COMPONENTS: Readonly<Record<string, JsonSchema>> = {
  [COUNTRY_CODE_SCHEMA]: {
    description: 'An assigned ISO 3166-1 alpha-2 country code, upper case, e.g. `LA`.',
    type: 'string',
    enum: [...ISO_3166_ALPHA2_CODES],
  },
};

/** `IsUUID('all')`: versions 1 to 8 with the RFC 9562 variant, or the nil and max UUIDs. */
export const UUID_PATTERN =
  '^(?:[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[1-8][0-9A-Fa-f]{3}-[89ABab][0-9A-Fa-f]{3}-[0-9A-Fa-f]{12}' +
  '|00000000-0000-0000-0000-000000000000|[Ff]{8}-[Ff]{4}-[Ff]{4}-[Ff]{4}-[Ff]{12})$';

/** `IsIsoDate`: the shape; `format: date` (and the hub) check the date exists. */
export const ISO_DATE_PATTERN = '^\\d{4}-\\d{2}-\\d{2}$';

/**
 * `IsDateTime`: an RFC 3339 date-time with an explicit offset and no leap second, as
 * `isRfc3339DateTime` reads it (its expression is private to `dates.ts`; the spec checks both
 * agree).
 */
export const RFC_3339_DATE_TIME_PATTERN =
  '^\\d{4}-\\d{2}-\\d{2}[Tt]([01]\\d|2[0-3]):[0-5]\\d:[0-5]\\d(\\.\\d{1,9})?' +
  '([Zz]|[+-]([01]\\d|2[0-3]):[0-5]\\d)$';

/** `IsText`: none of the control and bidi formatting characters the contract's texts refuse. */
export const PRINTABLE_TEXT_PATTERN = `^[^${FORBIDDEN_TEXT_CHARACTERS.source.slice(1, -1)}]*$`;

/** `IsLanguageTag`: the subtag syntax; the hub also has the runtime's BCP 47 parser read it. */
export const LANGUAGE_TAG_PATTERN = '^[A-Za-z0-9]+(-[A-Za-z0-9]+)*$';

/**
 * `IsMimeType`: only `type/subtype` at the start, looser than the hub (which knows the registered
 * top-level types and parameters, case-insensitively), so that nothing the hub accepted and
 * forwards fails a partner's validation of it.
 */
export const MEDIA_TYPE_PATTERN = '^[A-Za-z]+/[A-Za-z0-9.+_-]+';

/** One constraint of a property, as the metadata storage holds it (its class is not exported). */
type ValidationMetadata = ReturnType<MetadataStorage['getTargetValidationMetadatas']>[number];

/** What a converter sees of one constraint. */
interface Constraint {
  readonly constraints: readonly unknown[];
  readonly where: string;
  readonly ref: (name: string) => string;
}

type Converter = (schema: JsonSchema, constraint: Constraint) => void;

/**
 * JSON Schema for each constraint name. Names without a structural meaning are listed with a
 * no-op and a reason: every name the classes use must be here.
 */
const CONVERTERS: Readonly<Record<string, Converter>> = {
  isString: (s) => (s.type = 'string'),
  isInt: (s) => (s.type = 'integer'),
  isBoolean: (s) => (s.type = 'boolean'),
  isArray: (s) => (s.type = 'array'),
  isObject: (s) => (s.type = 'object'),
  equals: (s, c) => (s.const = json(c.constraints[0], c.where)),
  isIn: (s, c) => {
    const values = c.constraints[0];
    if (!Array.isArray(values)) throw new Error(`${c.where}: isIn without a list`);
    s.enum = values.map((value: unknown) => json(value, c.where));
    if (values.every((value) => typeof value === 'string')) s.type = 'string';
  },
  // class-validator's size and pattern rules refuse values of other types, so they imply one.
  minLength: (s, c) => Object.assign(s, { type: 'string', minLength: number(c) }),
  maxLength: (s, c) => Object.assign(s, { type: 'string', maxLength: number(c) }),
  min: (s, c) => Object.assign(s, { type: s.type ?? 'number', minimum: number(c) }),
  max: (s, c) => Object.assign(s, { type: s.type ?? 'number', maximum: number(c) }),
  arrayMinSize: (s, c) => Object.assign(s, { type: 'array', minItems: number(c) }),
  arrayMaxSize: (s, c) => Object.assign(s, { type: 'array', maxItems: number(c) }),
  arrayUnique: (s, c) => {
    // With an identifier function, uniqueness is by a derived key: not expressible.
    if (typeof c.constraints[0] === 'function') throw new Error(`${c.where}: keyed arrayUnique`);
    Object.assign(s, { type: 'array', uniqueItems: true });
  },
  matches: (s, c) => {
    s.type = 'string';
    addPattern(s, regexSource(c.constraints[0], c.constraints[1], c.where));
  },
  isUuid: (s, c) => {
    if (c.constraints[0] !== 'all') throw new Error(`${c.where}: only IsUUID('all') is mapped`);
    Object.assign(s, { type: 'string', format: 'uuid' });
    addPattern(s, UUID_PATTERN);
  },
  isCountryCode: (s, c) => (s.$ref = c.ref(COUNTRY_CODE_SCHEMA)),
  isIsoDate: (s) => {
    Object.assign(s, { type: 'string', format: 'date' });
    addPattern(s, ISO_DATE_PATTERN);
  },
  isRfc3339DateTime: (s) => {
    Object.assign(s, { type: 'string', format: 'date-time' });
    addPattern(s, RFC_3339_DATE_TIME_PATTERN);
  },
  isLanguageTag: (s) => {
    Object.assign(s, { type: 'string', maxLength: 35 });
    addPattern(s, LANGUAGE_TAG_PATTERN);
  },
  isPrintableText: (s) => {
    s.type = 'string';
    addPattern(s, PRINTABLE_TEXT_PATTERN);
  },
  isMimeType: (s) => {
    s.type = 'string';
    addPattern(s, MEDIA_TYPE_PATTERN);
  },
  hasLatinName: (s) =>
    (s.contains = {
      type: 'object',
      properties: { script: { const: LATIN_SCRIPT } },
      required: ['script'],
    }),
  // Items are objects by their `$ref` already.
  noNestedLists: () => undefined,
  // Conditional rules: the class's notes describe them (and give their JSON Schema, if any).
  isNotFutureDate: () => undefined,
  isPresent: () => undefined,
  referralSection: () => undefined,
};

/** Constraints that say something only the property's description can carry. */
const NEEDS_DESCRIPTION: ReadonlySet<string> = new Set([
  'isNotFutureDate',
  'isPresent',
  'referralSection',
]);

function json(value: unknown, where: string): JsonValue {
  if (
    value === null ||
    typeof value === 'string' ||
    typeof value === 'boolean' ||
    (typeof value === 'number' && Number.isFinite(value))
  ) {
    return value;
  }
  throw new Error(`${where}: a ${typeof value} is not a JSON scalar`);
}

/** The constraint's numeric argument. */
function number({ constraints: [value], where }: Constraint): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new Error(`${where}: expected a number, got ${String(value)}`);
  }
  return value;
}

/** The ECMA-262 source of a `Matches` pattern; flags other than `u` cannot be carried. */
function regexSource(pattern: unknown, modifiers: unknown, where: string): string {
  if (pattern instanceof RegExp) {
    if (pattern.flags !== '' && pattern.flags !== 'u') {
      throw new Error(`${where}: pattern flags "${pattern.flags}" have no JSON Schema form`);
    }
    return pattern.source;
  }
  if (typeof pattern === 'string' && (modifiers === undefined || modifiers === '')) return pattern;
  throw new Error(`${where}: unsupported Matches(${String(pattern)}, ${String(modifiers)})`);
}

/** A second pattern on one value goes under `allOf`, since a schema holds one `pattern`. */
function addPattern(schema: JsonSchema, pattern: string): void {
  if (schema.pattern === undefined) schema.pattern = pattern;
  else if (schema.pattern !== pattern) (schema.allOf ??= []).push({ pattern });
}

/**
 * The class a nested property is turned into, read through class-transformer's public API (its
 * `@Type` metadata storage is internal): transform `{ [property]: {} }` (or `[{}]`) and look.
 */
function nestedClassOf(
  type: ClassConstructor<object>,
  property: string,
  each: boolean,
): ClassConstructor<object> {
  const probe = plainToInstance(type, { [property]: each ? [{}] : {} });
  const value: unknown = Reflect.get(probe, property);
  const instance: unknown = each && Array.isArray(value) ? value[0] : value;
  const constructor: unknown =
    typeof instance === 'object' && instance !== null ? instance.constructor : undefined;
  if (typeof constructor !== 'function' || constructor === Object) {
    throw new Error(
      `${type.name}.${property} is validated as nested but has no @Type(() => Class)`,
    );
  }
  return constructor as ClassConstructor<object>;
}

/** Collects named schemas while classes are converted, each class once. */
class SchemaCollector {
  private readonly components = new Map<string, JsonSchema>();
  private readonly classes = new Map<string, ClassConstructor<object>>();

  constructor(private readonly options: Required<SchemaOptions>) {}

  /** `$ref` value naming `name`. */
  readonly ref = (name: string): string => {
    const scalar = SCALAR_COMPONENTS[name];
    if (scalar && !this.components.has(name)) this.components.set(name, structuredClone(scalar));
    return `${this.options.refPrefix}${name}`;
  };

  /** Converts `type` (once) and returns the `$ref` value naming it. */
  refTo(type: ClassConstructor<object>): string {
    const known = this.classes.get(type.name);
    if (known !== undefined && known !== type) {
      throw new Error(`Two classes are named ${type.name}: component names must be unique`);
    }
    if (known === undefined) {
      this.classes.set(type.name, type);
      this.components.set(type.name, this.classSchema(type));
    }
    return this.ref(type.name);
  }

  result(): SchemaComponents {
    return sortByKey(Object.fromEntries(this.components));
  }

  private classSchema(type: ClassConstructor<object>): JsonSchema {
    const metadata = getMetadataStorage().getTargetValidationMetadatas(type, '', true, false);
    const byProperty = new Map<string, ValidationMetadata[]>();
    for (const meta of metadata) {
      const list = byProperty.get(meta.propertyName) ?? [];
      list.push(meta);
      byProperty.set(meta.propertyName, list);
    }
    const notes = notesOf(type);
    // Fields with an initialiser (the lists that may be omitted) have a default on a new instance.
    const fresh = new type();
    const properties: Record<string, JsonSchema> = {};
    const required: string[] = [];
    for (const [property, metas] of byProperty) {
      const where = `${type.name}.${property}`;
      const fallback: unknown = Reflect.get(fresh, property);
      const { schema, conditional, optional } = this.propertySchema(type, property, metas);
      const description = notes.property(property);
      if (conditional && description === undefined) {
        throw new Error(
          `${where} has a conditional rule JSON Schema cannot fully express: describe it in ` +
            'libs/contracts/src/schema/schema-notes.ts',
        );
      }
      if (fallback !== undefined)
        schema.default = JSON.parse(JSON.stringify(fallback)) as JsonValue;
      properties[property] = describe(schema, description);
      if (!conditional && !optional && fallback === undefined) required.push(property);
    }
    const rules = notes.rules;
    return orderKeywords({
      title: type.name,
      ...(notes.description !== undefined && { description: notes.description }),
      type: 'object',
      properties,
      ...(required.length > 0 && { required }),
      ...(this.options.unknownFields === 'refuse' && { additionalProperties: false }),
      ...(rules.length > 0 && { allOf: rules }),
    });
  }

  private propertySchema(
    type: ClassConstructor<object>,
    property: string,
    metas: readonly ValidationMetadata[],
  ): { schema: JsonSchema; conditional: boolean; optional: boolean } {
    const where = `${type.name}.${property}`;
    const value: JsonSchema = {};
    const items: JsonSchema = {};
    let conditional = false;
    let optional = false;
    for (const meta of metas) {
      const target = meta.each ? items : value;
      if (meta.type === ValidationTypes.CONDITIONAL_VALIDATION) {
        // `IsOptional` is named; a `ValidateIf` is not, and makes presence depend on other fields.
        if (meta.name === IS_OPTIONAL) optional = true;
        else conditional = true;
      } else if (meta.type === ValidationTypes.NESTED_VALIDATION) {
        target.$ref = this.refTo(nestedClassOf(type, property, meta.each));
      } else if (meta.type === ValidationTypes.CUSTOM_VALIDATION && meta.name !== undefined) {
        const convert = CONVERTERS[meta.name];
        if (convert === undefined) {
          throw new Error(
            `${where}: no JSON Schema converter for constraint "${meta.name}"; add one to ` +
              'libs/contracts/src/schema/class-schema.ts',
          );
        }
        if (NEEDS_DESCRIPTION.has(meta.name)) conditional = true;
        // Typed as an array, but absent on `ValidateBy` rules that take no argument.
        const constraints: unknown = meta.constraints;
        convert(target, {
          constraints: Array.isArray(constraints) ? (constraints as unknown[]) : [],
          where,
          ref: this.ref,
        });
      } else {
        throw new Error(`${where}: unsupported validation metadata "${meta.type}"`);
      }
    }
    if (Object.keys(items).length > 0) {
      value.type ??= 'array';
      value.items = plainRef(items);
    }
    return { schema: plainRef(value), conditional, optional };
  }
}

/** A reference needs nothing beside it: the named schema says `type: object` itself. */
function plainRef(schema: JsonSchema): JsonSchema {
  if (schema.$ref === undefined) return schema;
  const { $ref, type: _type, ...rest } = schema;
  if (Object.keys(rest).length > 0) throw new Error(`Keywords beside $ref ${$ref}`);
  return { $ref };
}

/** `schema` with `description`; beside a `$ref` (ignored there in draft-07) via `allOf`. */
function describe(schema: JsonSchema, description: string | undefined): JsonSchema {
  if (description === undefined) return schema;
  if (schema.$ref === undefined) return { ...schema, description };
  const { default: fallback, ...reference } = schema;
  return {
    description,
    ...(fallback !== undefined && { default: fallback }),
    allOf: [reference],
  };
}

function withDefaults(options: SchemaOptions): Required<SchemaOptions> {
  return {
    unknownFields: options.unknownFields ?? 'refuse',
    refPrefix: options.refPrefix ?? '#/components/schemas/',
  };
}

/**
 * Named JSON Schemas of `types` and of every class and format they refer to, keyed by class
 * name, sorted by name: ready for `components.schemas` of an AsyncAPI or OpenAPI document.
 */
export function schemasOf(
  types: readonly ClassConstructor<object>[],
  options: SchemaOptions = {},
): SchemaComponents {
  const collector = new SchemaCollector(withDefaults(options));
  for (const type of types) collector.refTo(type);
  return collector.result();
}

/**
 * The JSON Schema of one class of the contract, e.g. `jsonSchemaOf(ReferralContent)`: its
 * `$ref` and the named schemas it needs (itself included).
 */
export function jsonSchemaOf(
  type: ClassConstructor<object>,
  options: SchemaOptions = {},
): ClassSchema {
  const settings = withDefaults(options);
  return {
    name: type.name,
    ref: { $ref: `${settings.refPrefix}${type.name}` },
    components: schemasOf([type], settings),
  };
}

/**
 * A self-contained JSON Schema document (draft-07 dialect, named schemas under `$defs`) for
 * `type`, for validators that take one schema, e.g. `ajv.compile(standaloneSchemaOf(X))`.
 */
export function standaloneSchemaOf(
  type: ClassConstructor<object>,
  options: Omit<SchemaOptions, 'refPrefix'> = {},
): JsonSchema {
  const { ref, components } = jsonSchemaOf(type, { ...options, refPrefix: '#/$defs/' });
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    ...ref,
    $defs: components,
  };
}

/**
 * Every payload class of the contract: each event type's `data`, each lifecycle action's HTTP
 * body and consent change's, the referral content (`POST /v1/referrals`) and a case message (`POST .../messages`).
 */
export const CONTRACT_CLASSES: readonly ClassConstructor<object>[] = [
  ReferralContent,
  PostMessageBody,
  ...Object.values(LIFECYCLE_ACTIONS).flatMap(({ body }) => (body === null ? [] : [body])),
  ...Object.values(CONSENT_ACTIONS).map(({ body }) => body),
  ...Object.values(EVENT_DATA_CLASSES),
];

/** The named schemas of every class in {@link CONTRACT_CLASSES} and of what they refer to. */
export function contractSchemas(options: SchemaOptions = {}): SchemaComponents {
  return schemasOf(CONTRACT_CLASSES, options);
}
