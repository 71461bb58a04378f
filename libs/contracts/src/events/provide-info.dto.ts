import { IsText, IsUuid } from '../referral/field-rules';
import { LIMITS } from '../referral/limits';

/** Body of `POST /v1/referrals/{id}/provide-info`: the sender answers the open question. */
export class ProvideInfoBody {
  /** The answer; it becomes part of the case file. */
  @IsText(LIMITS.longText)
  answer!: string;
}

/** The `data` of `mrh.referral.info-provided.v1`. */
export class ReferralInfoProvidedData extends ProvideInfoBody {
  /** The referral the answer is about (also the event's `subject`). */
  @IsUuid()
  referralId!: string;
}
