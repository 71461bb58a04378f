import { IsText, IsUuid, OptionalField } from '../referral/field-rules';
import { LIMITS } from '../referral/limits';

/** Body of `POST /v1/referrals/{id}/acknowledge`: the receiver confirms it has the referral. */
export class AcknowledgeBody {
  /** The receiver's own case number for the referral, when it has one already. */
  @OptionalField()
  @IsText(LIMITS.reference)
  receiverReference?: string;
}

/** The `data` of `mrh.referral.acknowledged.v1`. */
export class ReferralAcknowledgedData extends AcknowledgeBody {
  /** The referral acknowledged (also the event's `subject`). */
  @IsUuid()
  referralId!: string;
}
