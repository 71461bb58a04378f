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
 * committee's and donors' reviewers), seen from Laos, exact; or the referrals the caller's own
 * party sent or received (supervisors), seen from its country, small counts suppressed — never a
 * count of a referral between other parties. No grant: `forbidden`.
 */
export function statsAccessOf(principal: Principal): StatsAccess {
  if (requireGrant(principal, 'stats.read') === 'all') {
    return { scope: { kind: 'all', party: null, viewpoint: HUB_COUNTRY }, exact: true };
  }
  return {
    scope: { kind: 'party', party: principal.party, viewpoint: principal.country },
    exact: false,
  };
}
