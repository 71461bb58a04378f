import type { ExploitationType, ReferralType, SexCode } from '@hub/contracts';
import type { ReferralStatus } from '@hub/contracts';

/** What a suppressed count (1 to 4) is shown as, so that small groups cannot be re-identified. */
export const SMALL_COUNT = '<5';

/** A count as reported: exact, or {@link SMALL_COUNT} where small counts are suppressed. */
export type ReportedCount = number | typeof SMALL_COUNT;

/** The measured steps of a referral, in lifecycle order. */
export const STEPS = ['acknowledge', 'decide', 'complete', 'overall'] as const;
/** One of {@link STEPS}. */
export type StepName = (typeof STEPS)[number];

/** Counts by the person's sex; a sex not recorded counts as `U`. */
export type SexCounts<C> = Record<SexCode, C>;

/** Counts of persons under 18, 18 and over, and of unknown age, at submission. */
export interface AgeCounts<C> {
  minor: C;
  adult: C;
  unknown: C;
}

/** Referrals and distinct cases of one group. */
export interface CaseCounts<C> {
  cases: C;
  referrals: C;
}

/** How long one step took for the referrals of one counterpart country (or all of them). */
export interface StepTime<C> {
  step: StepName;
  /** The counterpart country; `null`: every counterpart together. */
  counterpart: string | null;
  /** Referrals that completed the step. */
  referrals: C;
  /** `null` when no referral completed the step, or when `referrals` is suppressed. */
  medianHours: number | null;
  p90Hours: number | null;
}

/** Whose referrals the figures cover, and from which country's point of view. */
export interface StatsScope {
  /** `all`: every referral (auditors); `country`: referrals with a party of `country`. */
  kind: 'all' | 'country';
  country: string | null;
  /** The country whose nationals are "national" and whose counterparts are counted. */
  viewpoint: string;
}

/** The period of the figures: calendar days in Lao time, `from` inclusive, `to` exclusive. */
export interface StatsPeriod {
  from: string;
  to: string;
  /** Offset the days are taken in: Laos, Indochina Time. */
  utcOffset: '+07:00';
}

/**
 * The figures of the National Anti-Trafficking Committee's yearly review, computed by
 * `StatsService` from the referrals of one period and scope. `C` is `number` for exact figures
 * and {@link ReportedCount} once small counts are suppressed; `definitions` says what each
 * figure counts.
 */
export interface StatsReport<C extends ReportedCount = number> {
  period: StatsPeriod;
  scope: StatsScope;
  /** `exact`, or `small-counts-suppressed`: counts from 1 to 4 are shown as `<5`. */
  disclosure: 'exact' | 'small-counts-suppressed';
  definitions: typeof STATS_DEFINITIONS;
  cases: CaseCounts<C> & {
    byType: (CaseCounts<C> & { type: ReferralType })[];
    byStatus: (CaseCounts<C> & { status: ReferralStatus })[];
    byCounterpart: (CaseCounts<C> & { country: string })[];
  };
  suspects: {
    total: C;
    bySex: SexCounts<C>;
    byNationality: { national: C; foreign: C; unknown: C };
    foreignBySex: SexCounts<C>;
  };
  victims: { total: C; bySex: SexCounts<C>; byAge: AgeCounts<C> };
  repatriationsCompleted: { total: C; bySex: SexCounts<C>; byAge: AgeCounts<C> };
  exploitation: { type: ExploitationType; persons: C }[];
  stepTimes: StepTime<C>[];
}

/** What each figure counts; sent with every report so that figures are never read out of context. */
export const STATS_DEFINITIONS = {
  period:
    'Referrals submitted from `from` (inclusive) to `to` (exclusive), calendar days in Lao time ' +
    '(UTC+07:00); drafts never count. Repatriations completed count by completion date instead.',
  scope:
    'Auditors: every referral. Supervisors: the referrals with a party of their own country ' +
    '(for a Lao supervisor, every referral with a Lao party: the national committee’s view).',
  viewpoint:
    'The caller’s country (Laos for auditors). The counterpart of a referral is the country of ' +
    'its other party; nationals are persons of the viewpoint country’s nationality.',
  case:
    'A national case number: a distinct (sender country, sender reference) among the ' +
    'referrals. One case may have several referrals, so case counts by group need not add up.',
  suspect: 'The person of a SUSPECT_HANDOFF referral (one person per referral).',
  victim: 'The person of a VICTIM_REPATRIATION referral (one person per referral).',
  nationality:
    'By person.nationality: national (the viewpoint country), foreign (another country), ' +
    'unknown (not recorded).',
  sex: 'By person.sex: F, M, X (another sex); U also counts persons whose sex is not recorded.',
  age:
    'Minor: under 18 on the day of submission, by birth date or by estimated age (either is ' +
    'enough, as the guardian rule decides); unknown: neither is recorded.',
  repatriationsCompleted:
    'VICTIM_REPATRIATION referrals COMPLETED (the person returned home) within the period, ' +
    'whenever they were submitted.',
  exploitation:
    'Victims by form of exploitation (victim.exploitation); a victim of several forms counts ' +
    'under each.',
  stepTimes:
    'Median and 90th percentile (continuous) in hours, per counterpart country and for all, of ' +
    'the referrals submitted in the period that completed the step: acknowledge = submit to ' +
    'acknowledge; decide = the last acknowledge or provide-info to accept or reject (time ' +
    'waiting for the sender’s answer excluded); complete = accept to complete; overall = ' +
    'submit to complete. Steps not yet completed are left out.',
  smallCounts:
    'In exports (CSV) and for callers other than auditors, counts from 1 to 4 are shown as ' +
    '"<5" and the step times of fewer than 5 referrals are withheld; 0 is shown. Totals are ' +
    'not adjusted, so a suppressed cell can sometimes be narrowed down from its neighbours.',
} as const;
