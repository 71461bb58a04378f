import { AuthError } from '../auth/auth.error';
import type { Principal } from '../auth/principal';
import type { StatsScope } from './stats-report';

/** The country the hub serves: the viewpoint of auditors, who belong to no country's side. */
export const HUB_COUNTRY = 'LA';

/** What a caller may see of the figures: which referrals, and whether counts are exact. */
export interface StatsAccess {
  scope: StatsScope;
  /** Exact counts in JSON; otherwise counts of 1 to 4 are shown as `<5` (CSV: always). */
  exact: boolean;
}

/**
 * Who may read the figures, and which. Auditors (the committee's and donors' reviewers): every
 * referral, seen from Laos, exact. Supervisors: the referrals with a party of their own country,
 * seen from it, with small counts suppressed — for a Lao supervisor that is the national
 * committee's view. Anyone else: `forbidden`.
 */
export function statsAccessOf(principal: Principal): StatsAccess {
  if (principal.roles.includes('auditor')) {
    return { scope: { kind: 'all', country: null, viewpoint: HUB_COUNTRY }, exact: true };
  }
  if (principal.roles.includes('supervisor')) {
    const country = principal.country;
    return { scope: { kind: 'country', country, viewpoint: country }, exact: false };
  }
  throw new AuthError('forbidden', 'Only supervisors and auditors may read the statistics.');
}
