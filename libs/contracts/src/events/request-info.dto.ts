import { IsText, IsUuid } from '../referral/field-rules';
import { LIMITS } from '../referral/limits';

/** Body of `POST /v1/referrals/{id}/request-info`: the receiver asks the sender for more. */
export class RequestInfoBody {
  /** What the receiver needs to know. */
  @IsText(LIMITS.text)
  question!: string;
}

/** The `data` of `mrh.referral.info-requested.v1`. */
export class ReferralInfoRequestedData extends RequestInfoBody {
  /** The referral the question is about (also the event's `subject`). */
  @IsUuid()
  referralId!: string;
}
