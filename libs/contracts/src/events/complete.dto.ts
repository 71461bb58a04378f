import { IsDateTime, IsText, IsUuid, OptionalField } from '../referral/field-rules';
import { LIMITS } from '../referral/limits';

/** Body of `POST /v1/referrals/{id}/complete`: the receiver closes the case as done. */
export class CompleteBody {
  /** When the case was completed (e.g. the hand-over took place), RFC 3339 with an offset. */
  @IsDateTime()
  completedAt!: string;

  /** How it ended, e.g. who received the person. */
  @OptionalField()
  @IsText(LIMITS.text)
  note?: string;
}

/** The `data` of `mrh.referral.completed.v1`. */
export class ReferralCompletedData extends CompleteBody {
  /** The referral completed (also the event's `subject`). */
  @IsUuid()
  referralId!: string;
}
