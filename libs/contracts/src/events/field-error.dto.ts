import { IsString, MaxLength } from 'class-validator';
import type { FieldError } from '../validation';
import { IsText, whenText } from '../referral/field-rules';
import { LIMITS } from '../referral/limits';

/** One offending field of a refused event: where it is and what is wrong with it. */
export class FieldErrorDto implements FieldError {
  /** Path into the event's `data`, e.g. `person.names[0].script`; empty for `data` itself. */
  @IsString()
  @MaxLength(LIMITS.shortText, whenText)
  path!: string;

  /** What is wrong, e.g. `must be a UUID`. */
  @IsText(LIMITS.shortText)
  message!: string;
}
