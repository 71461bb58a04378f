import { IsCode, IsDateTime, IsUuid } from '../referral/field-rules';
import { DEADLINE_STEPS, type DeadlineStep } from './event-codes';

/** The `data` of `mrh.referral.overdue.v1`: a step of a referral missed its deadline. */
export class ReferralOverdueData {
  /** The referral that is late (also the event's `subject`). */
  @IsUuid()
  referralId!: string;

  /** The step that is late, one of {@link DEADLINE_STEPS}. */
  @IsCode(DEADLINE_STEPS)
  step!: DeadlineStep;

  /** When the step was due, RFC 3339 with an offset. */
  @IsDateTime()
  dueAt!: string;
}
