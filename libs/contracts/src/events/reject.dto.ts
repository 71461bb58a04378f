import { IsCode, IsText, IsUuid, OptionalField } from '../referral/field-rules';
import { LIMITS } from '../referral/limits';
import { REJECTION_REASON_CODES, type RejectionReasonCode } from './event-codes';

/** Body of `POST /v1/referrals/{id}/reject`: the receiver declines the case. */
export class RejectBody {
  /** Why, one of {@link REJECTION_REASON_CODES}. */
  @IsCode(REJECTION_REASON_CODES)
  reasonCode!: RejectionReasonCode;

  /** The reason in words, e.g. what information is missing. */
  @OptionalField()
  @IsText(LIMITS.text)
  note?: string;
}

/** The `data` of `mrh.referral.rejected.v1`. */
export class ReferralRejectedData extends RejectBody {
  /** The referral rejected (also the event's `subject`). */
  @IsUuid()
  referralId!: string;
}
