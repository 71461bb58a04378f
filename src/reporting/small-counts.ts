import {
  SMALL_COUNT,
  type AgeCounts,
  type CaseCounts,
  type ReportedCount,
  type SexCounts,
  type StatsReport,
} from './stats-report';

/** Counts below this (and above 0) are suppressed. */
export const SMALL_COUNT_THRESHOLD = 5;

/**
 * A count as it may leave the hub: 1 to 4 become `<5`. Zero stays: an empty group holds no one
 * to re-identify, and hiding it would make every table of a small scope unreadable.
 */
export function suppressCount(count: number): ReportedCount {
  return count > 0 && count < SMALL_COUNT_THRESHOLD ? SMALL_COUNT : count;
}

/**
 * The report with the small-count rule applied: every count of 1 to 4 becomes `<5`, and the step
 * times of fewer than 5 referrals are withheld (a median of two durations gives both away).
 * Totals are left as they are (no secondary suppression), as `definitions.smallCounts` says.
 */
export function suppressSmallCounts(report: StatsReport): StatsReport<ReportedCount> {
  const s = suppressCount;
  return {
    ...report,
    disclosure: 'small-counts-suppressed',
    cases: {
      ...cases(report.cases),
      byType: report.cases.byType.map((g) => ({ type: g.type, ...cases(g) })),
      byStatus: report.cases.byStatus.map((g) => ({ status: g.status, ...cases(g) })),
      byCounterpart: report.cases.byCounterpart.map((g) => ({ country: g.country, ...cases(g) })),
    },
    suspects: {
      total: s(report.suspects.total),
      bySex: sexes(report.suspects.bySex),
      byNationality: {
        national: s(report.suspects.byNationality.national),
        foreign: s(report.suspects.byNationality.foreign),
        unknown: s(report.suspects.byNationality.unknown),
      },
      foreignBySex: sexes(report.suspects.foreignBySex),
    },
    victims: {
      total: s(report.victims.total),
      bySex: sexes(report.victims.bySex),
      byAge: ages(report.victims.byAge),
    },
    repatriationsCompleted: {
      total: s(report.repatriationsCompleted.total),
      bySex: sexes(report.repatriationsCompleted.bySex),
      byAge: ages(report.repatriationsCompleted.byAge),
    },
    exploitation: report.exploitation.map((e) => ({ type: e.type, persons: s(e.persons) })),
    stepTimes: report.stepTimes.map((t) => {
      const shown = t.referrals >= SMALL_COUNT_THRESHOLD;
      return {
        ...t,
        referrals: s(t.referrals),
        medianHours: shown ? t.medianHours : null,
        p90Hours: shown ? t.p90Hours : null,
      };
    }),
  };
}

function cases(counts: CaseCounts<number>): CaseCounts<ReportedCount> {
  return { cases: suppressCount(counts.cases), referrals: suppressCount(counts.referrals) };
}

function sexes(counts: SexCounts<number>): SexCounts<ReportedCount> {
  return {
    F: suppressCount(counts.F),
    M: suppressCount(counts.M),
    X: suppressCount(counts.X),
    U: suppressCount(counts.U),
  };
}

function ages(counts: AgeCounts<number>): AgeCounts<ReportedCount> {
  return {
    minor: suppressCount(counts.minor),
    adult: suppressCount(counts.adult),
    unknown: suppressCount(counts.unknown),
  };
}
