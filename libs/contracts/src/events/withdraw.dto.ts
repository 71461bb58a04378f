import { IsText, IsUuid } from '../referral/field-rules';
import { LIMITS } from '../referral/limits';

/** Body of `POST /v1/referrals/{id}/withdraw`: the sender calls the referral off. */
export class WithdrawBody {
  /** Why the referral is withdrawn. */
  @IsText(LIMITS.text)
  reason!: string;
}

/** The `data` of `mrh.referral.withdrawn.v1`. */
export class ReferralWithdrawnData extends WithdrawBody {
  /** The referral withdrawn (also the event's `subject`). */
  @IsUuid()
  referralId!: string;
}
