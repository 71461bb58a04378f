import { IsText, IsUuid, OptionalField } from '../referral/field-rules';
import { LIMITS } from '../referral/limits';

/** Body of `POST /v1/referrals/{id}/accept`: the receiver takes the case on. */
export class AcceptBody {
  /** Anything the sender should know about the acceptance. */
  @OptionalField()
  @IsText(LIMITS.text)
  note?: string;
}

/** The `data` of `mrh.referral.accepted.v1`. */
export class ReferralAcceptedData extends AcceptBody {
  /** The referral accepted (also the event's `subject`). */
  @IsUuid()
  referralId!: string;
}
