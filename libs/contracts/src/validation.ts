import { plainToInstance, Transform, type ClassConstructor } from 'class-transformer';
import { validateSync, type ValidationError, type ValidatorOptions } from 'class-validator';

/** One offending field of a refused request or event: where it is and what is wrong with it. */
export interface FieldError {
  /** Path into the JSON body, e.g. `person.names[0].script`; empty for the body itself. */
  path: string;
  /** What is wrong, without the field name (the path says it), e.g. `must be a UUID`. */
  message: string;
}

/** The outcome of {@link validatePayload}: the typed, normalised value, or every field error. */
export type PayloadValidation<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };

/**
 * The options every payload of the contract is validated with, over HTTP and Kafka alike: unknown
 * fields are refused (not silently dropped), so a partner learns at once that a field it sends is
 * not part of the contract.
 */
export const PAYLOAD_VALIDATOR_OPTIONS: Readonly<ValidatorOptions> = Object.freeze({
  whitelist: true,
  forbidNonWhitelisted: true,
  forbidUnknownValues: true,
  validationError: { target: false, value: false },
});

/**
 * `person.names[0].script`-style paths of every failed constraint, depth first. Messages lose the
 * leading property name class-validator puts there, since the path already says it.
 */
export function flattenValidationErrors(
  errors: readonly ValidationError[],
  prefix = '',
): FieldError[] {
  const out: FieldError[] = [];
  for (const error of errors) {
    // class-validator leaves `property` unset on the "unknown value" error of a whole object.
    const property = typeof error.property === 'string' ? error.property : '';
    const path = joinPath(prefix, property);
    for (const [constraint, message] of Object.entries(error.constraints ?? {})) {
      out.push({ path, message: readableMessage(constraint, message, property) });
    }
    out.push(...flattenValidationErrors(error.children ?? [], path));
  }
  return out;
}

function joinPath(prefix: string, property: string): string {
  if (property === '') return prefix;
  if (/^\d+$/.test(property)) return `${prefix}[${property}]`;
  return prefix ? `${prefix}.${property}` : property;
}

function readableMessage(constraint: string, message: string, property: string): string {
  if (constraint === 'whitelistValidation') return 'is not an accepted field';
  if (message.startsWith(`${property} `)) return message.slice(property.length + 1);
  const each = `each value in ${property} `;
  return message.startsWith(each) ? `each value ${message.slice(each.length)}` : message;
}

/** How {@link validatePayload} treats what it does not check. */
export interface PayloadValidationOptions {
  /**
   * `refuse` (the default, and the HTTP layer's rule): a field the class does not declare is an
   * error at its path. `ignore`: such fields are dropped from the value, as the contract asks
   * consumers of events to do, so that a partner one minor version ahead is not refused.
   */
  unknownFields?: 'refuse' | 'ignore';
}

/**
 * Turns a parsed JSON payload into an instance of `type` (nested classes, NFC-normalised text)
 * and validates it with {@link PAYLOAD_VALIDATOR_OPTIONS}, the same rules the HTTP layer applies.
 * Anything but a JSON object is refused with a single error at path `''`.
 */
export function validatePayload<T extends object>(
  type: ClassConstructor<T>,
  plain: unknown,
  options: PayloadValidationOptions = {},
): PayloadValidation<T> {
  if (typeof plain !== 'object' || plain === null || Array.isArray(plain)) {
    return { ok: false, errors: [{ path: '', message: 'must be a JSON object' }] };
  }
  const value = plainToInstance(type, plain);
  const errors = validateSync(value, {
    ...PAYLOAD_VALIDATOR_OPTIONS,
    forbidNonWhitelisted: options.unknownFields !== 'ignore',
  });
  return errors.length === 0
    ? { ok: true, value }
    : { ok: false, errors: flattenValidationErrors(errors) };
}

/**
 * Unicode NFC of a string, or of every string in an array; anything else is returned unchanged
 * (its type check reports it). Names arrive decomposed from some keyboards and systems (e.g.
 * Vietnamese `Nguye\u0302\u0303n`); NFC makes equal names compare and index equal without
 * transliterating anything.
 */
export function nfc(value: string): string;
export function nfc(value: unknown): unknown;
export function nfc(value: unknown): unknown {
  if (typeof value === 'string') return value.normalize('NFC');
  if (Array.isArray(value)) return value.map((item: unknown) => nfc(item));
  return value;
}

/**
 * Property decorator: when a payload is turned into its class, the property's text (or array of
 * texts) is stored exactly as sent after Unicode NFC normalisation.
 */
export function NormalizeNfc(): PropertyDecorator {
  return Transform(({ value }: { value: unknown }) => nfc(value));
}
