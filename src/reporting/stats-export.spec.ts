import { EXPLOITATION_TYPES } from '@hub/contracts';
import { REFERRAL_STATUSES } from '@hub/contracts';
import { suppressCount, suppressSmallCounts } from './small-counts';
import { CSV_COLUMNS, statsCsv } from './stats-csv';
import { STATS_DEFINITIONS, type StatsReport } from './stats-report';

describe(suppressCount.name, () => {
  it('shows 1 to 4 as <5 and leaves 0 and 5 and more alone', () => {
    expect([0, 1, 4, 5, 96].map(suppressCount)).toEqual([0, '<5', '<5', 5, 96]);
  });
});

describe(suppressSmallCounts.name, () => {
  it('suppresses every small count, wherever it is', () => {
    const report = suppressSmallCounts(reportFixture());

    expect(report.disclosure).toBe('small-counts-suppressed');
    expect(report.cases.byType).toEqual([
      { type: 'VICTIM_REPATRIATION', cases: 7, referrals: 9 },
      { type: 'SUSPECT_HANDOFF', cases: '<5', referrals: 10 },
      { type: 'INFORMATION_REQUEST', cases: '<5', referrals: '<5' },
    ]);
    expect(report.cases.byCounterpart[0]).toEqual({ country: 'KH', cases: '<5', referrals: '<5' });
    expect(report.suspects.bySex).toEqual({ F: '<5', M: 7, X: 0, U: 0 });
    expect(report.suspects.foreignBySex.F).toBe('<5');
    expect(report.victims.byAge).toEqual({ minor: '<5', adult: 7, unknown: 0 });
    expect(report.repatriationsCompleted.total).toBe(5);
    expect(report.exploitation).toContainEqual({ type: 'SURROGACY', persons: '<5' });
  });

  it('withholds the step times of fewer than 5 referrals', () => {
    const [acknowledge, complete] = suppressSmallCounts(reportFixture()).stepTimes;

    expect(acknowledge).toEqual({
      step: 'acknowledge',
      counterpart: null,
      referrals: 8,
      medianHours: 5.5,
      p90Hours: 9.1,
    });
    expect(complete).toEqual({
      step: 'complete',
      counterpart: null,
      referrals: '<5',
      medianHours: null,
      p90Hours: null,
    });
  });
});

describe(statsCsv.name, () => {
  it('writes one count per line with the period and scope on each, CRLF-terminated', () => {
    const lines = statsCsv(reportFixture()).split('\r\n');

    expect(lines[0]).toBe(CSV_COLUMNS.join(','));
    expect(lines[1]).toBe('2019-01-01,2020-01-01,LA,cases,all,12,,');
    expect(lines.at(-1)).toBe('');
    expect(lines).toContain('2019-01-01,2020-01-01,LA,step_acknowledge,TH,8,5.5,9.1');
  });

  it('applies the small-count rule even to an exact report', () => {
    const lines = statsCsv(reportFixture()).split('\r\n');

    expect(lines).toContain('2019-01-01,2020-01-01,LA,suspects_by_sex,F,<5,,');
    expect(lines).toContain('2019-01-01,2020-01-01,LA,victims_by_exploitation,SURROGACY,<5,,');
    expect(lines).toContain('2019-01-01,2020-01-01,LA,step_complete,TH,<5,,');
    const counts = lines.slice(1, -1).map((line) => line.split(',')[5]);
    expect(counts.filter((c) => ['1', '2', '3', '4'].includes(c ?? ''))).toEqual([]);
  });

  it('names an auditor\'s scope "all"', () => {
    const report: StatsReport = {
      ...reportFixture(),
      scope: { kind: 'all', country: null, viewpoint: 'LA' },
    };

    expect(statsCsv(report).split('\r\n')[1]).toBe('2019-01-01,2020-01-01,all,cases,all,12,,');
  });
});

/**
 * A small exact report for the unit tests of the small-count rule and the CSV export: every count
 * is given, some of them between 1 and 4.
 */
function reportFixture(): StatsReport {
  return {
    period: { from: '2019-01-01', to: '2020-01-01', utcOffset: '+07:00' },
    scope: { kind: 'country', country: 'LA', viewpoint: 'LA' },
    disclosure: 'exact',
    definitions: STATS_DEFINITIONS,
    cases: {
      cases: 12,
      referrals: 20,
      byType: [
        { type: 'VICTIM_REPATRIATION', cases: 7, referrals: 9 },
        { type: 'SUSPECT_HANDOFF', cases: 4, referrals: 10 },
        { type: 'INFORMATION_REQUEST', cases: 1, referrals: 1 },
      ],
      byStatus: REFERRAL_STATUSES.filter((s) => s !== 'DRAFT').map((status) => ({
        status,
        cases: status === 'SUBMITTED' ? 12 : 0,
        referrals: status === 'SUBMITTED' ? 20 : 0,
      })),
      byCounterpart: [
        { country: 'KH', cases: 2, referrals: 3 },
        { country: 'TH', cases: 10, referrals: 17 },
      ],
    },
    suspects: {
      total: 10,
      bySex: { F: 3, M: 7, X: 0, U: 0 },
      byNationality: { national: 5, foreign: 5, unknown: 0 },
      foreignBySex: { F: 1, M: 4, X: 0, U: 0 },
    },
    victims: {
      total: 9,
      bySex: { F: 6, M: 3, X: 0, U: 0 },
      byAge: { minor: 2, adult: 7, unknown: 0 },
    },
    repatriationsCompleted: {
      total: 5,
      bySex: { F: 5, M: 0, X: 0, U: 0 },
      byAge: { minor: 0, adult: 5, unknown: 0 },
    },
    exploitation: EXPLOITATION_TYPES.map((type) => ({
      type,
      persons: type === 'FORCED_LABOUR' ? 6 : type === 'SURROGACY' ? 3 : 0,
    })),
    stepTimes: [
      { step: 'acknowledge', counterpart: null, referrals: 8, medianHours: 5.5, p90Hours: 9.1 },
      { step: 'complete', counterpart: null, referrals: 2, medianHours: 150, p90Hours: 190 },
      { step: 'acknowledge', counterpart: 'TH', referrals: 8, medianHours: 5.5, p90Hours: 9.1 },
      { step: 'complete', counterpart: 'TH', referrals: 2, medianHours: 150, p90Hours: 190 },
    ],
  };
}
