import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { todayAt } from '@hub/contracts';
import type { Role } from '../../src/auth/roles';
import { Officer } from '../support/hub-client';
import { victimReferral } from '../support/referral-fixtures';
import { insertStatsDataset } from '../support/stats-dataset';
import { startTestApp } from '../support/test-app';
import { tokenFor } from '../support/tokens';

/** The data set's year (see test/support/stats-dataset.ts for its composition). */
const YEAR_2019 = 'from=2019-01-01&to=2020-01-01';

const NO_SEX = { F: 0, M: 0, X: 0, U: 0 };

describe('GET /v1/stats', () => {
  let app: NestFastifyApplication;
  let committee: Officer;
  let auditor: Officer;

  beforeAll(async () => {
    app = await startTestApp();
    await insertStatsDataset();
    committee = await Officer.of(app, 'LA-PDPCHT', ['supervisor']);
    auditor = await Officer.of(app, 'LA-PDPCHT', ['auditor']);
  });

  afterAll(async () => {
    await app?.close();
  });

  /** The raw CSV answer (supertest parses no text/csv body). */
  async function csv(path: string, party: string, roles: Role[]): Promise<request.Response> {
    const token = await tokenFor({ party, roles });
    return request(app.getHttpServer()).get(path).auth(token, { type: 'bearer' });
  }

  /** CSV lines by `figure,group`, each the cells after them: count, median, p90. */
  function cellsOf(text: string): Map<string, string[]> {
    const rows = text.trimEnd().split('\r\n').slice(1);
    return new Map(rows.map((row) => row.split(',')).map((c) => [`${c[3]},${c[4]}`, c.slice(5)]));
  }

  describe('the figures of a Lao supervisor (the national committee)', () => {
    it("counts the year's cases, suspects and victims exactly as composed", async () => {
      const { status, body, headers } = await committee.get(`/v1/stats?${YEAR_2019}`);

      expect(status).toBe(200);
      expect(headers['cache-control']).toBe('no-store');
      expect(body.period).toEqual({ from: '2019-01-01', to: '2020-01-01', utcOffset: '+07:00' });
      expect(body.scope).toEqual({ kind: 'country', country: 'LA', viewpoint: 'LA' });
      expect(body.disclosure).toBe('small-counts-suppressed');
      expect(body.cases.cases).toBe(96);
      expect(body.cases.referrals).toBe(210);
      expect(body.suspects).toEqual({
        total: 119,
        bySex: { F: 29, M: 90, X: 0, U: 0 },
        byNationality: { national: 33, foreign: 81, unknown: 5 },
        foreignBySex: { F: 10, M: 71, X: 0, U: 0 },
      });
      expect(body.victims).toEqual({
        total: 85,
        bySex: { F: 21, M: 62, X: '<5', U: '<5' },
        byAge: { minor: 12, adult: 73, unknown: 0 },
      });
    });

    it('breaks the cases down by type, status and counterpart country', async () => {
      const { body } = await committee.get(`/v1/stats?${YEAR_2019}`);

      // One case may have referrals of several types: case counts need not add up to 96.
      expect(body.cases.byType).toEqual([
        { type: 'VICTIM_REPATRIATION', cases: 85, referrals: 85 },
        { type: 'SUSPECT_HANDOFF', cases: 96, referrals: 119 },
        { type: 'INFORMATION_REQUEST', cases: 6, referrals: 6 },
      ]);
      expect(body.cases.byCounterpart).toEqual([
        { country: 'CN', cases: 23, referrals: 46 },
        { country: 'KH', cases: '<5', referrals: 6 },
        { country: 'TH', cases: 40, referrals: 98 },
        { country: 'VN', cases: 30, referrals: 60 },
      ]);
      const byStatus = Object.fromEntries(
        body.cases.byStatus.map((s: { status: string; referrals: unknown }) => [
          s.status,
          s.referrals,
        ]),
      );
      expect(byStatus).toEqual({
        SUBMITTED: 115,
        ACKNOWLEDGED: 71,
        INFO_REQUESTED: '<5',
        ACCEPTED: '<5',
        REJECTED: '<5',
        HANDOVER_SCHEDULED: '<5',
        COMPLETED: 19,
        WITHDRAWN: 0,
      });
    });

    it('counts repatriations completed in the year, whenever they were submitted', async () => {
      const { body } = await committee.get(`/v1/stats?${YEAR_2019}`);

      // 16 of the year's own, 1 submitted in 2018; the one completed in January 2020 is not.
      expect(body.repatriationsCompleted.total).toBe(17);
      expect(body.repatriationsCompleted.bySex).toEqual({ ...NO_SEX, F: '<5', M: 16 });
    });

    it('counts victims under each form of exploitation they suffered', async () => {
      const { body } = await committee.get(`/v1/stats?${YEAR_2019}`);

      expect(body.exploitation).toEqual([
        { type: 'FORCED_LABOUR', persons: 30 },
        { type: 'SEXUAL_EXPLOITATION', persons: 25 },
        { type: 'FORCED_MARRIAGE', persons: 12 },
        { type: 'SURROGACY', persons: '<5' },
        { type: 'ONLINE_SEXUAL_EXPLOITATION', persons: 8 },
        { type: 'FORCED_CRIMINALITY', persons: 8 },
        { type: 'DEBT_BONDAGE', persons: 10 },
        { type: 'ORGAN_REMOVAL', persons: 0 },
        { type: 'OTHER', persons: 0 },
      ]);
    });

    it('gives median and p90 step times per counterpart, withheld under 5 referrals', async () => {
      const { body } = await committee.get(`/v1/stats?${YEAR_2019}`);

      const vietnam = body.stepTimes.filter(
        (t: { counterpart: unknown }) => t.counterpart === 'VN',
      );
      expect(vietnam).toEqual([
        { step: 'acknowledge', counterpart: 'VN', referrals: 10, medianHours: 5.5, p90Hours: 9.1 },
        { step: 'decide', counterpart: 'VN', referrals: 6, medianHours: 36, p90Hours: 84 },
        { step: 'complete', counterpart: 'VN', referrals: '<5', medianHours: null, p90Hours: null },
        { step: 'overall', counterpart: 'VN', referrals: '<5', medianHours: null, p90Hours: null },
      ]);
    });
  });

  describe('auditors', () => {
    it('see every referral, with exact counts and every step time', async () => {
      const { status, body } = await auditor.get(`/v1/stats?${YEAR_2019}`);

      expect(status).toBe(200);
      expect(body.scope).toEqual({ kind: 'all', country: null, viewpoint: 'LA' });
      expect(body.disclosure).toBe('exact');
      expect(body.cases.cases).toBe(96);
      expect(body.victims.bySex).toEqual({ F: 21, M: 62, X: 1, U: 1 });
      expect(body.exploitation).toContainEqual({ type: 'SURROGACY', persons: 2 });
      expect(body.stepTimes).toEqual(
        [null, 'VN'].flatMap((counterpart) => [
          { step: 'acknowledge', counterpart, referrals: 10, medianHours: 5.5, p90Hours: 9.1 },
          { step: 'decide', counterpart, referrals: 6, medianHours: 36, p90Hours: 84 },
          { step: 'complete', counterpart, referrals: 2, medianHours: 150, p90Hours: 190 },
          { step: 'overall', counterpart, referrals: 2, medianHours: 187.5, p90Hours: 237.5 },
        ]),
      );
    });

    it('are told what each figure counts', async () => {
      const { body } = await auditor.get(`/v1/stats?${YEAR_2019}`);

      expect(Object.keys(body.definitions)).toEqual(
        expect.arrayContaining(['case', 'suspect', 'victim', 'age', 'stepTimes', 'smallCounts']),
      );
    });
  });

  describe('the referrals the hub itself writes', () => {
    it('count from the facts the database derives from their content', async () => {
      const officer = await Officer.of(app, 'LA-BOKEO-POLICE', ['liaison_officer']);
      const before = (await auditor.get('/v1/stats')).body;

      // The contract's example: a Vietnamese girl of 16, sexually exploited and held by a debt.
      await officer.send(victimReferral('VN-MPS'));
      await officer.createDraft(victimReferral('VN-MPS'));
      const after = (await auditor.get('/v1/stats')).body;

      expect(after.victims.total - before.victims.total).toBe(1);
      expect(after.victims.bySex.F - before.victims.bySex.F).toBe(1);
      expect(after.victims.byAge.minor - before.victims.byAge.minor).toBe(1);
      const persons = (report: any, type: string): number =>
        report.exploitation.find((e: { type: string }) => e.type === type).persons;
      expect(persons(after, 'SEXUAL_EXPLOITATION') - persons(before, 'SEXUAL_EXPLOITATION')).toBe(
        1,
      );
      expect(persons(after, 'DEBT_BONDAGE') - persons(before, 'DEBT_BONDAGE')).toBe(1);
      expect(after.cases.referrals - before.cases.referrals).toBe(1);
    });
  });

  describe('a supervisor of another country', () => {
    it('sees only the referrals with a party of that country, from its point of view', async () => {
      const thai = await Officer.of(app, 'TH-POLICE', ['supervisor']);

      const { status, body } = await thai.get(`/v1/stats?${YEAR_2019}`);

      expect(status).toBe(200);
      expect(body.scope).toEqual({ kind: 'country', country: 'TH', viewpoint: 'TH' });
      expect(body.cases.cases).toBe(40);
      expect(body.cases.referrals).toBe(98);
      expect(body.cases.byCounterpart).toEqual([{ country: 'LA', cases: 40, referrals: 98 }]);
      // Thai suspects are nationals here; the Lao ones are foreign.
      expect(body.suspects.byNationality).toEqual({ national: 25, foreign: 33, unknown: 5 });
    });
  });

  describe('the CSV export', () => {
    it('is text/csv, one count per line, with counts under 5 shown as <5', async () => {
      const res = await csv(`/v1/stats.csv?${YEAR_2019}`, 'LA-PDPCHT', ['supervisor']);

      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/csv; charset=utf-8/);
      expect(res.headers['content-disposition']).toBe(
        'attachment; filename="stats-LA-2019-01-01-2020-01-01.csv"',
      );
      const lines = res.text.split('\r\n');
      expect(lines[0]).toBe(
        'period_from,period_to,scope,figure,group,count,median_hours,p90_hours',
      );
      expect(lines[1]).toBe('2019-01-01,2020-01-01,LA,cases,all,96,,');
      const cells = cellsOf(res.text);
      expect(cells.get('suspects,all')).toEqual(['119', '', '']);
      expect(cells.get('suspects_by_sex,F')).toEqual(['29', '', '']);
      expect(cells.get('suspects_by_nationality,foreign')).toEqual(['81', '', '']);
      expect(cells.get('foreign_suspects_by_sex,F')).toEqual(['10', '', '']);
      expect(cells.get('victims,all')).toEqual(['85', '', '']);
      expect(cells.get('victims_by_sex,F')).toEqual(['21', '', '']);
      expect(cells.get('victims_by_age,minor')).toEqual(['12', '', '']);
      expect(cells.get('repatriations_completed,all')).toEqual(['17', '', '']);
      expect(cells.get('cases_by_counterpart,KH')).toEqual(['<5', '', '']);
      expect(cells.get('victims_by_sex,X')).toEqual(['<5', '', '']);
      expect(cells.get('victims_by_exploitation,SURROGACY')).toEqual(['<5', '', '']);
      expect(cells.get('victims_by_exploitation,ORGAN_REMOVAL')).toEqual(['0', '', '']);
      expect(cells.get('step_acknowledge,VN')).toEqual(['10', '5.5', '9.1']);
      expect(cells.get('step_complete,VN')).toEqual(['<5', '', '']);
    });

    it('applies the small-count rule for auditors too: a file leaves the hub', async () => {
      const res = await csv(`/v1/stats.csv?${YEAR_2019}`, 'LA-PDPCHT', ['auditor']);

      expect(res.status).toBe(200);
      const counts = [...cellsOf(res.text).values()].map(([count]) => count);
      expect(counts).toContain('<5');
      expect(counts.filter((c) => ['1', '2', '3', '4'].includes(c ?? ''))).toEqual([]);
    });

    it('is also served by /v1/stats?format=csv', async () => {
      const alias = await csv(`/v1/stats?${YEAR_2019}&format=csv`, 'LA-PDPCHT', ['supervisor']);
      const export_ = await csv(`/v1/stats.csv?${YEAR_2019}`, 'LA-PDPCHT', ['supervisor']);

      expect(alias.status).toBe(200);
      expect(alias.headers['content-type']).toMatch(/^text\/csv/);
      expect(alias.text).toBe(export_.text);
    });
  });

  describe('who may ask, and what', () => {
    it('refuses a liaison officer', async () => {
      const officer = await Officer.of(app, 'LA-BOKEO-POLICE', ['liaison_officer']);

      const json = await officer.get(`/v1/stats?${YEAR_2019}`);
      const file = await csv(`/v1/stats.csv?${YEAR_2019}`, 'LA-BOKEO-POLICE', ['liaison_officer']);

      expect(json.status).toBe(403);
      expect(json.body.code).toBe('forbidden');
      expect(json.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(file.status).toBe(403);
    });

    it('refuses a date that does not exist, naming the field', async () => {
      const { status, body } = await committee.get('/v1/stats?from=2019-02-30');

      expect(status).toBe(400);
      expect(body.code).toBe('validation-failed');
      expect(body.errors.map((e: { path: string }) => e.path)).toEqual(['from']);
    });

    it('refuses a period that does not end after it starts', async () => {
      const { status, body } = await committee.get('/v1/stats?from=2019-06-01&to=2019-06-01');

      expect(status).toBe(400);
      expect(body.errors).toEqual([{ path: 'to', message: 'must be after from' }]);
    });

    it('refuses unknown parameters and formats', async () => {
      const { status, body } = await committee.get('/v1/stats?year=2019&format=xlsx');

      expect(status).toBe(400);
      expect(body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['format', 'year']);
    });

    it('defaults to the current calendar year in Laos, and one year from `from`', async () => {
      const year = Number(todayAt(7).slice(0, 4));

      const current = await committee.get('/v1/stats');
      const fromOnly = await committee.get('/v1/stats?from=2019-01-01');

      expect(current.status).toBe(200);
      expect(current.body.period).toMatchObject({ from: `${year}-01-01`, to: `${year + 1}-01-01` });
      expect(fromOnly.body.period).toMatchObject({ from: '2019-01-01', to: '2020-01-01' });
      expect(fromOnly.body.cases.cases).toBe(96);
    });
  });
});
