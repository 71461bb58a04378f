import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { CommonError } from './problem/common.error';
import type { FieldError } from './problem/field-error';

/**
 * Validates every DTO: unknown fields are refused (whitelist), values are transformed to their
 * declared types, and every offending field is reported with its path, not just the first.
 */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) =>
      new CommonError(
        'validation-failed',
        'One or more fields are not valid; see errors.',
        flattenValidationErrors(errors),
      ),
  });
}

/** `person.names[0].script`-style paths of every failed constraint, depth first. */
export function flattenValidationErrors(
  errors: readonly ValidationError[],
  prefix = '',
): FieldError[] {
  const out: FieldError[] = [];
  for (const error of errors) {
    const path = /^\d+$/.test(error.property)
      ? `${prefix}[${error.property}]`
      : prefix
        ? `${prefix}.${error.property}`
        : error.property;
    for (const [constraint, message] of Object.entries(error.constraints ?? {})) {
      out.push({ path, message: readableMessage(constraint, message, error.property) });
    }
    out.push(...flattenValidationErrors(error.children ?? [], path));
  }
  return out;
}

/** class-validator starts messages with the property name; the path already says it. */
function readableMessage(constraint: string, message: string, property: string): string {
  if (constraint === 'whitelistValidation') return 'is not an accepted field';
  return message.startsWith(`${property} `) ? message.slice(property.length + 1) : message;
}
