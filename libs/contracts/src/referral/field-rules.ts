// class-transformer's @Type reads design-time types when classes are defined: load the polyfill
// here, so that every program (hub, scripts, partners' code) can import the contract DTOs.
import 'reflect-metadata';
import { Transform, Type, type ClassConstructor } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  buildMessage,
  IsArray,
  IsIn,
  isISO31661Alpha2,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  ValidateBy,
  ValidateNested,
  type ValidationOptions,
} from 'class-validator';
import { PARTY_CODE_PATTERN } from '../party-code';
import { NormalizeNfc } from '../validation';
import { CHECKPOINT_CODE_PATTERN } from './checkpoint-code';
import { isIsoDate, isNotFutureDate, isRfc3339DateTime } from './dates';
import { LIMITS } from './limits';

/*
 * Reusable property rules of the contract. Each composes class-validator and class-transformer
 * decorators so that a field with a wrong type gets one clear message rather than one per rule:
 * size and format rules only run once the type is right.
 */

const isText = (_object: unknown, value: unknown): boolean => typeof value === 'string';
const isList = (_object: unknown, value: unknown): boolean => Array.isArray(value);

function compose(...decorators: PropertyDecorator[]): PropertyDecorator {
  return (target, key) => {
    for (const decorate of decorators) decorate(target, key);
  };
}

/**
 * The field may be omitted. An explicit `null` counts as omitted and becomes `undefined`, so the
 * declared type (`T | undefined`) stays true for partners whose serialisers write nulls.
 */
export function OptionalField(): PropertyDecorator {
  return compose(NullAsAbsent(), IsOptional());
}

/** An explicit `null` becomes `undefined`, for fields whose presence rule is conditional. */
export function NullAsAbsent(): PropertyDecorator {
  return Transform(({ value }: { value: unknown }) => value ?? undefined);
}

/**
 * The field must be present (not `undefined`); `message` says when, e.g. `$property is required
 * unless estimatedAge is given`. Combine with a `ValidateIf` for a conditional requirement.
 */
export function IsPresent(message: string): PropertyDecorator {
  return ValidateBy({
    name: 'isPresent',
    validator: { validate: (value: unknown) => value !== undefined, defaultMessage: () => message },
  });
}

/** Runs a rule only on a string, so that a value of the wrong type gets one message. */
export const whenText = { validateIf: isText };

/** Runs the field's other rules only when it is present, for use after {@link IsPresent}. */
export const whenPresent = {
  validateIf: (_object: unknown, value: unknown) => value !== undefined,
};

/**
 * A list that may be omitted or `null`, both meaning empty: the class initialises the property to
 * `[]`, so consumers always get an array.
 */
export function EmptyListWhenAbsent(): PropertyDecorator {
  return Transform(({ value }: { value: unknown }) => value ?? []);
}

/**
 * Characters no text of the contract may contain: C0 and C1 control characters other than tab,
 * line feed and carriage return, and the bidirectional embedding, override and isolate controls,
 * which can make a name or a note display as something else than what is stored ("Trojan
 * Source"). The bidi marks that mixed-script text needs (U+200E, U+200F, U+061C) are allowed.
 */
export const FORBIDDEN_TEXT_CHARACTERS =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/u;

const noForbiddenCharacters = (text: unknown): boolean =>
  typeof text !== 'string' || !FORBIDDEN_TEXT_CHARACTERS.test(text);

const FORBIDDEN_CHARACTERS_MESSAGE =
  'must not contain control characters or bidirectional embedding, override or isolate controls';

/** A free text of at most `maxLength` characters, NFC-normalised, not blank. */
export function IsText(maxLength: number): PropertyDecorator {
  return compose(
    NormalizeNfc(),
    IsString(),
    MaxLength(maxLength, { validateIf: isText }),
    Matches(/\S/u, { message: '$property must not be blank', validateIf: isText }),
    ValidateBy(
      {
        name: 'isPrintableText',
        validator: {
          validate: noForbiddenCharacters,
          defaultMessage: () => `$property ${FORBIDDEN_CHARACTERS_MESSAGE}`,
        },
      },
      { validateIf: isText },
    ),
  );
}

/** A list of at most `maxItems` free texts of at most `maxLength` characters each, NFC. */
export function IsTextList(maxItems: number, maxLength: number): PropertyDecorator {
  return compose(
    NormalizeNfc(),
    IsArray(),
    ArrayMaxSize(maxItems, { validateIf: isList }),
    IsString({ each: true, validateIf: isList }),
    MaxLength(maxLength, { each: true, validateIf: isList }),
    Matches(/\S/u, {
      each: true,
      message: 'each value in $property must not be blank',
      validateIf: isList,
    }),
    ValidateBy(
      {
        name: 'isPrintableText',
        validator: {
          validate: noForbiddenCharacters,
          defaultMessage: () => `each value in $property ${FORBIDDEN_CHARACTERS_MESSAGE}`,
        },
      },
      { each: true, validateIf: isList },
    ),
  );
}

/** One of the codes of `list` (or, with `each`, a list of them). */
export function IsCode(list: readonly string[], options?: ValidationOptions): PropertyDecorator {
  return IsIn([...list], {
    message: buildMessage((each) => `${each}$property must be one of: ${list.join(', ')}`, options),
    ...options,
  });
}

/** An ISO 3166-1 alpha-2 country code in upper case, e.g. `LA`. */
export function IsCountryCode(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isCountryCode',
      validator: {
        validate: (value: unknown) =>
          typeof value === 'string' && /^[A-Z]{2}$/.test(value) && isISO31661Alpha2(value),
        defaultMessage: buildMessage(
          (each) => `${each}$property must be an ISO 3166-1 alpha-2 country code such as LA`,
          options,
        ),
      },
    },
    options,
  );
}

/** A party code such as `LA-BOKEO-POLICE` (whether it is registered is the hub's check). */
export function IsPartyCode(): PropertyDecorator {
  return compose(
    IsString(),
    MaxLength(LIMITS.code, { validateIf: isText }),
    Matches(PARTY_CODE_PATTERN, {
      message: '$property must be a party code such as LA-BOKEO-POLICE',
      validateIf: isText,
    }),
  );
}

/** A checkpoint code such as `LA-VN-DENSAVANH` (whether it is registered is the hub's check). */
export function IsCheckpointCode(): PropertyDecorator {
  return compose(
    IsString(),
    MaxLength(LIMITS.code, { validateIf: isText }),
    Matches(CHECKPOINT_CODE_PATTERN, {
      message: '$property must be a checkpoint code such as LA-VN-DENSAVANH',
      validateIf: isText,
    }),
  );
}

/** A UUID, any version (or, with `each`, a list of them). */
export function IsUuid(options?: ValidationOptions): PropertyDecorator {
  return IsUUID('all', {
    message: buildMessage((each) => `${each}$property must be a UUID`, options),
    ...options,
  });
}

/** A calendar date `YYYY-MM-DD` that exists; with `notInFuture`, not after today. */
export function IsIsoDate(
  rule: { notInFuture?: boolean } = {},
  options?: ValidationOptions,
): PropertyDecorator {
  return compose(
    ValidateBy(
      {
        name: 'isIsoDate',
        validator: {
          validate: (value: unknown) => isIsoDate(value),
          defaultMessage: () => '$property must be a date written YYYY-MM-DD that exists',
        },
      },
      options,
    ),
    ...(rule.notInFuture
      ? [
          ValidateBy(
            {
              name: 'isNotFutureDate',
              validator: {
                validate: (value: unknown) => isIsoDate(value) && isNotFutureDate(value),
                defaultMessage: () => '$property must not be in the future',
              },
            },
            { validateIf: (_object: unknown, value: unknown) => isIsoDate(value) },
          ),
        ]
      : []),
  );
}

/** An RFC 3339 date-time with an offset, e.g. `2026-11-18T08:30:00+07:00`. */
export function IsDateTime(): PropertyDecorator {
  return ValidateBy({
    name: 'isRfc3339DateTime',
    validator: {
      validate: (value: unknown) => isRfc3339DateTime(value),
      defaultMessage: () =>
        '$property must be an RFC 3339 date-time with an offset, e.g. 2026-11-18T08:30:00+07:00',
    },
  });
}

/**
 * True for a well-formed BCP 47 language tag such as `lo`, `vi`, `zh-Hans-CN`: the subtag syntax
 * (hyphens, not underscores) and the JavaScript runtime's own BCP 47 parser must both accept it.
 */
export function isLanguageTag(value: unknown): value is string {
  if (
    typeof value !== 'string' ||
    value.length > 35 ||
    !/^[A-Za-z0-9]+(-[A-Za-z0-9]+)*$/.test(value)
  )
    return false;
  try {
    Intl.getCanonicalLocales(value);
    return true;
  } catch {
    return false;
  }
}

/** A BCP 47 language tag (or, with `each`, a list of them). */
export function IsLanguageTag(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isLanguageTag',
      validator: {
        validate: (value: unknown) => isLanguageTag(value),
        defaultMessage: buildMessage(
          (each) => `${each}$property must be a BCP 47 language tag such as lo or zh-Hans`,
          options,
        ),
      },
    },
    options,
  );
}

/** A nested object of class `type`, validated with that class's rules. */
export function NestedObject(
  type: () => ClassConstructor<object>,
  options?: ValidationOptions,
): PropertyDecorator {
  return compose(IsObject(options), ValidateNested(), Type(type));
}

/**
 * A list of nested objects of class `type`, each validated with that class's rules, of
 * `min` (default 0) to `max` items.
 */
export function NestedList(
  type: () => ClassConstructor<object>,
  size: { min?: number; max: number },
): PropertyDecorator {
  return compose(
    IsArray(),
    ...(size.min ? [ArrayMinSize(size.min, { validateIf: isList })] : []),
    ArrayMaxSize(size.max, { validateIf: isList }),
    // Nested validation would walk into an array inside the array and accept it.
    ValidateBy(
      {
        name: 'noNestedLists',
        validator: {
          validate: (value: unknown) => !Array.isArray(value),
          defaultMessage: () => 'each value in $property must be an object',
        },
      },
      { each: true, validateIf: isList },
    ),
    ValidateNested({ each: true }),
    Type(type),
  );
}
