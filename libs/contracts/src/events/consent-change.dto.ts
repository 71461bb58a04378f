import { IsCode, IsIsoDate, IsText, IsUuid, OptionalField } from '../referral/field-rules';
import { LIMITS } from '../referral/limits';
import { CONSENT_WITHDRAWN_BY, type ConsentWithdrawnBy } from './event-codes';

/**
 * Body of `POST /v1/referrals/{id}/consent/withdrawal`: the victim (or the guardian of a minor)
 * withdrew the consent to share their data with the other party of a victim repatriation.
 */
export class WithdrawConsentBody {
  /** Who withdrew it: `VICTIM`, or `GUARDIAN` for a minor. */
  @IsCode(CONSENT_WITHDRAWN_BY)
  withdrawnBy!: ConsentWithdrawnBy;

  /** The day consent was withdrawn, `YYYY-MM-DD`, not in the future. */
  @IsIsoDate({ notInFuture: true })
  withdrawnOn!: string;

  /** How it was recorded, e.g. "stated at the shelter in the presence of a social worker". */
  @OptionalField()
  @IsText(LIMITS.text)
  note?: string;
}

/**
 * The `data` of `mrh.referral.consent-withdrawn.v1`. Its recipient must restrict its own copy of
 * the person's data (keep it, use it for nothing but the record of the case) and confirm the event
 * with a `DELIVERED` receipt, which is the evidence that it was told. Until consent is restored no
 * event discloses more of the person.
 */
export class ReferralConsentWithdrawnData extends WithdrawConsentBody {
  /** The referral (also the event's `subject`). */
  @IsUuid()
  referralId!: string;
}

/**
 * Body of `POST /v1/referrals/{id}/consent/restoration`: a supervisor records that the consent to
 * share data holds again (the victim gave it anew, or the withdrawal was recorded in error).
 */
export class RestoreConsentBody {
  /** The day consent was given again, `YYYY-MM-DD`, not in the future. */
  @IsIsoDate({ notInFuture: true })
  restoredOn!: string;

  /** Why it is restored: the record of the new consent, or of the error. */
  @IsText(LIMITS.text)
  note!: string;
}

/** The `data` of `mrh.referral.consent-restored.v1`: the restriction asked for is lifted. */
export class ReferralConsentRestoredData extends RestoreConsentBody {
  /** The referral (also the event's `subject`). */
  @IsUuid()
  referralId!: string;
}
