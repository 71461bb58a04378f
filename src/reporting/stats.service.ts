import { Injectable } from '@nestjs/common';
import {
  EXPLOITATION_TYPES,
  REFERRAL_TYPES,
  SEX_CODES,
  isOneOf,
  type SexCode,
} from '@hub/contracts';
import { DataSource } from 'typeorm';
import { REFERRAL_STATUSES } from '@hub/contracts';
import { readInOneSnapshot } from './shared-snapshot';
import { startOfDay } from './stats-period';
import {
  STATS_DEFINITIONS,
  STEPS,
  type AgeCounts,
  type CaseCounts,
  type SexCounts,
  type StatsPeriod,
  type StatsReport,
  type StatsScope,
  type StepTime,
} from './stats-report';
import {
  CASES_SQL,
  PERSONS_AND_STEPS_SQL,
  type CaseRow,
  type CasesResult,
  type PersonRow,
  type PersonsAndStepsResult,
} from './stats.sql';

/**
 * Settings of the statistics transactions: room for the sorts of a busy year in memory (per
 * query node, these transactions only), and no JIT, whose compiling costs more than it saves on
 * these few aggregates.
 */
const STATS_SETTINGS = [`SET LOCAL work_mem = '32MB'`, `SET LOCAL jit = off`];

/**
 * Computes the yearly figures of the National Anti-Trafficking Committee from the referrals
 * themselves, entirely in SQL aggregates ({@link CASES_SQL}, {@link PERSONS_AND_STEPS_SQL}, run
 * side by side in one snapshot). Figures are exact here; the caller decides what may be shown
 * (see `suppressSmallCounts`). One computation at a time per instance: each takes two
 * connections and a few sorts' worth of memory, and the figures are asked for rarely.
 */
@Injectable()
export class StatsService {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly dataSource: DataSource) {}

  figures(period: StatsPeriod, scope: StatsScope): Promise<StatsReport> {
    const next = this.queue.then(
      () => this.compute(period, scope),
      () => this.compute(period, scope),
    );
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async compute(period: StatsPeriod, scope: StatsScope): Promise<StatsReport> {
    const parameters = [
      startOfDay(period.from),
      startOfDay(period.to),
      scope.viewpoint,
      scope.kind === 'all' ? null : scope.country,
    ];
    const [[cases], [rest]] = await readInOneSnapshot<[CasesResult[], PersonsAndStepsResult[]]>(
      this.dataSource,
      STATS_SETTINGS,
      [
        (query) => query<CasesResult>(CASES_SQL, parameters),
        (query) => query<PersonsAndStepsResult>(PERSONS_AND_STEPS_SQL, parameters),
      ],
    );
    if (!cases || !rest) throw new Error('the statistics queries returned no row');
    const row = { ...cases, ...rest };
    return {
      period,
      scope,
      disclosure: 'exact',
      definitions: STATS_DEFINITIONS,
      cases: caseFigures(row.cases),
      suspects: suspectFigures(row.persons.filter((p) => p.type === 'SUSPECT_HANDOFF')),
      victims: victimFigures(row.persons.filter((p) => p.type === 'VICTIM_REPATRIATION')),
      repatriationsCompleted: {
        total: sum(row.repatriated),
        bySex: bySex(row.repatriated),
        byAge: byAge(row.repatriated),
      },
      exploitation: EXPLOITATION_TYPES.map((type, index) => ({
        type,
        persons: row.persons
          .filter((p) => p.type === 'VICTIM_REPATRIATION')
          .reduce((total, p) => total + (p.exploitation[index] ?? 0), 0),
      })),
      stepTimes: stepTimes(row),
    };
  }
}

function caseFigures(rows: CaseRow[]): StatsReport['cases'] {
  const of = (dimension: CaseRow['dimension'], group: string | null): CaseCounts<number> => {
    const found = rows.find((r) => r.dimension === dimension && r.group === group);
    return { cases: found?.cases ?? 0, referrals: found?.referrals ?? 0 };
  };
  return {
    ...of('total', null),
    byType: REFERRAL_TYPES.map((type) => ({ type, ...of('type', type) })),
    // Drafts never count, so they have no row.
    byStatus: REFERRAL_STATUSES.filter((s) => s !== 'DRAFT').map((status) => ({
      status,
      ...of('status', status),
    })),
    byCounterpart: rows
      .flatMap((r) => (r.dimension === 'counterpart' && r.group !== null ? [r.group] : []))
      .sort()
      .map((country) => ({ country, ...of('counterpart', country) })),
  };
}

function suspectFigures(rows: PersonRow[]): StatsReport['suspects'] {
  return {
    total: sum(rows),
    bySex: bySex(rows),
    byNationality: {
      national: sum(rows.filter((r) => r.nationality === 'national')),
      foreign: sum(rows.filter((r) => r.nationality === 'foreign')),
      unknown: sum(rows.filter((r) => r.nationality === 'unknown')),
    },
    foreignBySex: bySex(rows.filter((r) => r.nationality === 'foreign')),
  };
}

function victimFigures(rows: PersonRow[]): StatsReport['victims'] {
  return { total: sum(rows), bySex: bySex(rows), byAge: byAge(rows) };
}

function stepTimes(row: PersonsAndStepsResult): StepTime<number>[] {
  // Every counterpart together first, then each counterpart; steps in lifecycle order.
  const rows = [...row.steps].sort((a, b) =>
    a.counterpart === null
      ? -1
      : b.counterpart === null
        ? 1
        : a.counterpart.localeCompare(b.counterpart),
  );
  return rows.flatMap((r) =>
    STEPS.flatMap((step): StepTime<number>[] => {
      const n = r[`${step}_n`];
      const percentiles = r[`${step}_p`];
      if (n === 0 || percentiles === null) return [];
      return [
        {
          step,
          counterpart: r.counterpart,
          referrals: n,
          medianHours: hours(percentiles[0]),
          p90Hours: hours(percentiles[1]),
        },
      ];
    }),
  );
}

function sum(rows: readonly { n: number }[]): number {
  return rows.reduce((total, r) => total + r.n, 0);
}

function bySex(rows: readonly { sex: string; n: number }[]): SexCounts<number> {
  const counts = Object.fromEntries(SEX_CODES.map((code) => [code, 0])) as SexCounts<number>;
  for (const r of rows) {
    // The column holds only these codes (a CHECK constraint); anything else would be unknown.
    const code: SexCode = isOneOf(SEX_CODES, r.sex) ? r.sex : 'U';
    counts[code] += r.n;
  }
  return counts;
}

function byAge(rows: readonly { age: keyof AgeCounts<number>; n: number }[]): AgeCounts<number> {
  return {
    minor: sum(rows.filter((r) => r.age === 'minor')),
    adult: sum(rows.filter((r) => r.age === 'adult')),
    unknown: sum(rows.filter((r) => r.age === 'unknown')),
  };
}

/** Hours, to two decimals (36 s): finer than any deadline, coarse enough to read. */
function hours(seconds: number): number {
  return Math.round((seconds / 3600) * 100) / 100;
}
