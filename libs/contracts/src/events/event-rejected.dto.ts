import { IsString, Matches, MaxLength } from 'class-validator';
import { EmptyListWhenAbsent, IsText, NestedList, whenText } from '../referral/field-rules';
import { LIMITS } from '../referral/limits';
import { FieldErrorDto } from './field-error.dto';

/** Most field errors one rejection lists; the hub reports the first ones of a longer list. */
export const MAX_REJECTION_FIELD_ERRORS = 200;

/** The `data` of `mrh.event.rejected.v1`: the hub refused a partner's event. */
export class EventRejectedData {
  /**
   * CloudEvents `id` of the refused event, as it was sent: not necessarily a UUID, since a
   * malformed id is itself a reason to refuse an event.
   */
  @IsText(LIMITS.reference)
  eventId!: string;

  /** Stable machine-readable code, e.g. `invalid-transition`, `validation-failed`. */
  @IsString()
  @MaxLength(LIMITS.code, whenText)
  @Matches(/^[a-z0-9]+(-[a-z0-9]+)*$/, {
    message: '$property must be a kebab-case code',
    ...whenText,
  })
  code!: string;

  /** What was wrong, for a person reading the partner system's logs. */
  @IsText(LIMITS.text)
  detail!: string;

  /** Per-field errors, when the event's data failed validation; may be empty. */
  @EmptyListWhenAbsent()
  @NestedList(() => FieldErrorDto, { max: MAX_REJECTION_FIELD_ERRORS })
  errors: FieldErrorDto[] = [];
}
