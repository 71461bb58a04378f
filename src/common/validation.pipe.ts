import { ValidationPipe } from '@nestjs/common';
import {
  flattenValidationErrors,
  PAYLOAD_VALIDATOR_OPTIONS,
  validatePayload,
  type FieldError,
} from '@hub/contracts';
import type { ClassConstructor } from 'class-transformer';
import { CommonError } from './problem/common.error';

/**
 * Validates every DTO: unknown fields are refused (whitelist), values are transformed to their
 * declared types, and every offending field is reported with its path, not just the first. Same
 * rules and paths as the contract's `validatePayload`.
 */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    ...PAYLOAD_VALIDATOR_OPTIONS,
    transform: true,
    exceptionFactory: (errors) => validationFailed(flattenValidationErrors(errors)),
  });
}

/** The refusal of a request whose fields are not valid, naming each. */
export function validationFailed(errors: FieldError[]): CommonError {
  return new CommonError(
    'validation-failed',
    'One or more fields are not valid; see errors.',
    errors,
  );
}

/**
 * A body validated by hand against its class (where the route takes `unknown`, e.g. an optional
 * body): the same rules as the pipe, a refusal naming every offending field with `detail`.
 */
export function validBody<T extends object>(
  type: ClassConstructor<T>,
  body: unknown,
  detail = 'The body is not valid; see errors.',
): T {
  const parsed = validatePayload(type, body);
  if (!parsed.ok) throw new CommonError('validation-failed', detail, parsed.errors);
  return parsed.value;
}
