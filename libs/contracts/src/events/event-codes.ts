/** Coded reasons for rejecting a referral (`mrh.referral.rejected.v1`). */
export const REJECTION_REASON_CODES = [
  /** The person is not a national of the receiver's country. */
  'NOT_OUR_NATIONAL',
  'INSUFFICIENT_INFORMATION',
  'NO_LEGAL_BASIS',
  /** The case is already handled under another referral. */
  'DUPLICATE',
  'OTHER',
] as const;
/** One of {@link REJECTION_REASON_CODES}. */
export type RejectionReasonCode = (typeof REJECTION_REASON_CODES)[number];

/**
 * What a receipt confirms: `APPLIED` when the hub applied a partner's event, `DELIVERED` when a
 * partner confirms it received a hub event.
 */
export const RECEIPT_STATUSES = ['APPLIED', 'DELIVERED'] as const;
/** One of {@link RECEIPT_STATUSES}. */
export type ReceiptStatus = (typeof RECEIPT_STATUSES)[number];

/**
 * The deadline-bound steps of a referral, each with a configured deadline: acknowledging it,
 * deciding on it (accept or reject), answering an information request, completing it after
 * acceptance.
 */
export const DEADLINE_STEPS = ['ACKNOWLEDGE', 'DECIDE', 'PROVIDE_INFO', 'COMPLETE'] as const;
/** One of {@link DEADLINE_STEPS}. */
export type DeadlineStep = (typeof DEADLINE_STEPS)[number];

/** Who withdrew the consent to share data: the victim, or the guardian of a minor. */
export const CONSENT_WITHDRAWN_BY = ['VICTIM', 'GUARDIAN'] as const;
/** One of {@link CONSENT_WITHDRAWN_BY}. */
export type ConsentWithdrawnBy = (typeof CONSENT_WITHDRAWN_BY)[number];

/**
 * The changes of a victim's consent to share data, each with the last segment of its route,
 * `POST /v1/referrals/{id}/consent/{route}`.
 */
export const CONSENT_ROUTES = {
  'withdraw-consent': 'withdrawal',
  'restore-consent': 'restoration',
} as const;
/** A consent change's name: `withdraw-consent` or `restore-consent`. */
export type ConsentAction = keyof typeof CONSENT_ROUTES;
/** Every consent change's name. */
export const CONSENT_ACTION_NAMES = Object.keys(CONSENT_ROUTES) as readonly ConsentAction[];
