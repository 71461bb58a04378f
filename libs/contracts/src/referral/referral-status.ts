/** States of a referral (contract v1, "Referral lifecycle"). */
export const REFERRAL_STATUSES = [
  'DRAFT',
  'SUBMITTED',
  'ACKNOWLEDGED',
  'INFO_REQUESTED',
  'ACCEPTED',
  'REJECTED',
  'HANDOVER_SCHEDULED',
  'COMPLETED',
  'WITHDRAWN',
] as const;

export type ReferralStatus = (typeof REFERRAL_STATUSES)[number];

/** No action leaves these. */
export const TERMINAL_STATUSES: readonly ReferralStatus[] = ['REJECTED', 'COMPLETED', 'WITHDRAWN'];

export function isTerminal(status: ReferralStatus): boolean {
  return TERMINAL_STATUSES.includes(status);
}
