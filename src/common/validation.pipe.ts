import { ValidationPipe } from '@nestjs/common';
import { flattenValidationErrors, PAYLOAD_VALIDATOR_OPTIONS } from '@hub/contracts';
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
    exceptionFactory: (errors) =>
      new CommonError(
        'validation-failed',
        'One or more fields are not valid; see errors.',
        flattenValidationErrors(errors),
      ),
  });
}
