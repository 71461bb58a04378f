import { requireGrant } from '../auth/permissions';
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
 * Which figures the caller's grant of `stats.read` reaches. Every referral (auditors: the
 * committee's and donors' reviewers), seen from Laos, exact; or (supervisors) the referrals with a
 * party of their own country, seen from it, with small counts suppressed. No grant: `forbidden`.
 */
export function statsAccessOf(principal: Principal): StatsAccess {
  if (requireGrant(principal, 'stats.read') === 'all') {
    return { scope: { kind: 'all', country: null, viewpoint: HUB_COUNTRY }, exact: true };
  }
  const country = principal.country;
  return { scope: { kind: 'country', country, viewpoint: country }, exact: false };
}
