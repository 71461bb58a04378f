import { suppressSmallCounts } from './small-counts';
import type { AgeCounts, ReportedCount, SexCounts, StatsReport } from './stats-report';

/** Media type of the CSV export (RFC 4180, with its `header` parameter). */
export const CSV_CONTENT_TYPE = 'text/csv; charset=utf-8; header=present';

/** Columns of the CSV export, in order. */
export const CSV_COLUMNS = [
  'period_from',
  'period_to',
  'scope',
  'figure',
  'group',
  'count',
  'median_hours',
  'p90_hours',
] as const;

type Line = [
  figure: string,
  group: string,
  count: ReportedCount,
  median?: number | null,
  p90?: number | null,
];

/**
 * The figures as CSV, one count per line in long form (`figure`, `group`, `count`), with the
 * period and scope repeated on every line so that a file passed on keeps its context. The
 * small-count rule always applies, whoever exports: a file leaves the hub's control.
 */
export function statsCsv(report: StatsReport): string {
  const r = suppressSmallCounts(report);
  const lines: Line[] = [
    ['cases', 'all', r.cases.cases],
    ['referrals', 'all', r.cases.referrals],
    ...r.cases.byType.map((g): Line => ['cases_by_type', g.type, g.cases]),
    ...r.cases.byType.map((g): Line => ['referrals_by_type', g.type, g.referrals]),
    ...r.cases.byStatus.map((g): Line => ['cases_by_status', g.status, g.cases]),
    ...r.cases.byStatus.map((g): Line => ['referrals_by_status', g.status, g.referrals]),
    ...r.cases.byCounterpart.map((g): Line => ['cases_by_counterpart', g.country, g.cases]),
    ...r.cases.byCounterpart.map((g): Line => ['referrals_by_counterpart', g.country, g.referrals]),
    ['suspects', 'all', r.suspects.total],
    ...sexLines('suspects_by_sex', r.suspects.bySex),
    ['suspects_by_nationality', 'national', r.suspects.byNationality.national],
    ['suspects_by_nationality', 'foreign', r.suspects.byNationality.foreign],
    ['suspects_by_nationality', 'unknown', r.suspects.byNationality.unknown],
    ...sexLines('foreign_suspects_by_sex', r.suspects.foreignBySex),
    ['victims', 'all', r.victims.total],
    ...sexLines('victims_by_sex', r.victims.bySex),
    ...ageLines('victims_by_age', r.victims.byAge),
    ['repatriations_completed', 'all', r.repatriationsCompleted.total],
    ...sexLines('repatriations_completed_by_sex', r.repatriationsCompleted.bySex),
    ...ageLines('repatriations_completed_by_age', r.repatriationsCompleted.byAge),
    ...r.exploitation.map((e): Line => ['victims_by_exploitation', e.type, e.persons]),
    ...r.stepTimes.map((t): Line => [
      `step_${t.step}`,
      t.counterpart ?? 'all',
      t.referrals,
      t.medianHours,
      t.p90Hours,
    ]),
  ];
  const scope = r.scope.kind === 'all' ? 'all' : (r.scope.country ?? 'all');
  const rows = lines.map(([figure, group, count, median, p90]) =>
    [r.period.from, r.period.to, scope, figure, group, count, median ?? '', p90 ?? '']
      .map((cell) => field(String(cell)))
      .join(','),
  );
  return [CSV_COLUMNS.join(','), ...rows].join('\r\n') + '\r\n';
}

function sexLines(figure: string, counts: SexCounts<ReportedCount>): Line[] {
  return (['F', 'M', 'X', 'U'] as const).map((sex): Line => [figure, sex, counts[sex]]);
}

function ageLines(figure: string, counts: AgeCounts<ReportedCount>): Line[] {
  return (['minor', 'adult', 'unknown'] as const).map((age): Line => [figure, age, counts[age]]);
}

/**
 * One RFC 4180 field. Cells are codes and numbers today, but quoting is cheap insurance, and a
 * leading `=`, `+`, `-` or `@` is neutralised so that no spreadsheet runs a cell as a formula.
 */
function field(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) && !/^-?\d/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
