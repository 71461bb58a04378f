import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { DataSource } from 'typeorm';
import { loadEnv } from '../src/env';
import { ensureDatabase, redact } from '../src/database/ensure-database';
import { migrateDatabase } from '../src/database/migrate';
import type { StatsPeriod, StatsScope } from '../src/reporting/stats-report';
import { StatsService } from '../src/reporting/stats.service';

/** Name of the benchmark's own database, next to the application's; never the test database. */
export const BENCH_DATABASE = 'referral_hub_bench';

/** Referrals per INSERT: bounds the memory of the statement triggers' transition tables. */
const BATCH = 100_000;

/** The years the generated referrals are submitted in (ten years, ~100,000 a year at 1M). */
const FIRST_YEAR = 2016;
const YEARS = 10;

/**
 * One batch of generated referrals, `$1`..`$2` by number, into a temporary plan: who, what, and
 * when each step happened. Pseudo-random but deterministic (hashes of the number), so that every
 * run fills the same data. Roughly: 45 % repatriations, 40 % suspect hand-offs, 15 % requests;
 * partners TH, VN, CN, KH, MM; most referrals completed, some rejected, withdrawn or still open.
 */
const PLAN_SQL = `
CREATE TEMP TABLE plan ON COMMIT DROP AS
WITH base AS (
  SELECT g,
    md5('bench-referral-' || g)::uuid AS id,
    (hashint8(g * 16 + 1) & 2147483647)::float8 / 2147483648 AS r_type,
    (hashint8(g * 16 + 2) & 2147483647)::float8 / 2147483648 AS r_partner,
    (hashint8(g * 16 + 3) & 2147483647)::float8 / 2147483648 AS r_direction,
    (hashint8(g * 16 + 4) & 2147483647)::float8 / 2147483648 AS r_status,
    (hashint8(g * 16 + 5) & 2147483647)::float8 / 2147483648 AS r_sex,
    (hashint8(g * 16 + 6) & 2147483647)::float8 / 2147483648 AS r_nationality,
    (hashint8(g * 16 + 7) & 2147483647)::float8 / 2147483648 AS r_age,
    (hashint8(g * 16 + 8) & 2147483647)::float8 / 2147483648 AS r_time,
    (hashint8(g * 16 + 9) & 2147483647)::float8 / 2147483648 AS r_step1,
    (hashint8(g * 16 + 10) & 2147483647)::float8 / 2147483648 AS r_step2,
    (hashint8(g * 16 + 11) & 2147483647)::float8 / 2147483648 AS r_step3,
    (hashint8(g * 16 + 12) & 2147483647)::float8 / 2147483648 AS r_exploitation
  FROM generate_series($1::bigint, $2::bigint) AS g
), shaped AS (
  SELECT b.*,
    CASE WHEN r_type < 0.45 THEN 'VICTIM_REPATRIATION'
         WHEN r_type < 0.85 THEN 'SUSPECT_HANDOFF' ELSE 'INFORMATION_REQUEST' END AS type,
    (ARRAY['TH-POLICE', 'VN-MPS', 'CN-MPS', 'KH-MOI', 'MM-MOHA'])[
      CASE WHEN r_partner < 0.35 THEN 1 WHEN r_partner < 0.6 THEN 2 WHEN r_partner < 0.8 THEN 3
           WHEN r_partner < 0.95 THEN 4 ELSE 5 END] AS partner,
    (ARRAY['LA-PDPCHT', 'LA-BOKEO-POLICE', 'LA-BOKEO-DMC', 'LA-PROTECTION-CENTRE'])[
      1 + (g % 4)::int] AS lao_party,
    timestamptz '${FIRST_YEAR}-01-01T00:00:00+07:00'
      + r_time * interval '${YEARS * 365} days' AS t_submit,
    CASE WHEN r_status < 0.04 THEN 'SUBMITTED' WHEN r_status < 0.08 THEN 'ACKNOWLEDGED'
         WHEN r_status < 0.10 THEN 'INFO_REQUESTED' WHEN r_status < 0.22 THEN 'REJECTED'
         WHEN r_status < 0.27 THEN 'WITHDRAWN' WHEN r_status < 0.32 THEN 'ACCEPTED'
         WHEN r_status < 0.37 THEN 'HANDOVER_SCHEDULED' ELSE 'COMPLETED' END AS status
  FROM base b
)
SELECT s.*,
  CASE WHEN r_direction < 0.5 THEN lao_party ELSE partner END AS sender_party,
  CASE WHEN r_direction < 0.5 THEN partner ELSE lao_party END AS receiver_party,
  CASE WHEN r_direction < 0.5 THEN 'BK' ELSE left(partner, 2) END || '-' || (g / 2) AS reference,
  CASE WHEN r_sex < 0.4 THEN 'F' WHEN r_sex < 0.95 THEN 'M' WHEN r_sex < 0.97 THEN 'X' ELSE 'U' END
    AS sex,
  CASE WHEN r_nationality < 0.1 THEN NULL
       WHEN (type = 'SUSPECT_HANDOFF' AND r_nationality < 0.45)
         OR (type <> 'SUSPECT_HANDOFF' AND r_nationality < 0.85) THEN 'LA'
       ELSE left(partner, 2) END AS nationality,
  s.t_submit + (1 + r_step1 * 47) * interval '1 hour' AS t_ack,
  s.t_submit + (30 + r_step1 * 100) * interval '1 hour' AS t_request,
  s.t_submit + (60 + r_step2 * 200) * interval '1 hour' AS t_provide,
  s.t_submit + (280 + r_step2 * 240) * interval '1 hour' AS t_decide,
  s.t_submit + (530 + r_step3 * 240) * interval '1 hour' AS t_schedule,
  s.t_submit + (780 + r_step3 * 720) * interval '1 hour' AS t_complete,
  r_step1 < 0.2 AS asked_info
FROM shaped s`;

// The hub stores content sealed (AES-256-GCM under a key per referral) and the person facts the
// figures count in clear beside it; here the facts are derived as the hub's personFacts() would,
// and the sealed content is stood in for by pseudo-random bytes of a real referral's size.
const INSERT_REFERRALS_SQL = `
INSERT INTO referrals (id, type, status, priority, sender_party, receiver_party, sender_country,
  receiver_country, sender_reference, handling_code, origin, sealed_content, person_sex,
  person_nationality, person_minor, exploitation_types, version, seq, created_by,
  created_at, updated_at, submitted_at, closed_at)
SELECT id, type, status, 'ROUTINE', sender_party, receiver_party, left(sender_party, 2),
  left(receiver_party, 2), reference, 'H1',
  CASE WHEN sender_party LIKE 'LA-%' THEN 'http' ELSE 'kafka' END,
  decode(repeat(md5('bench-content-' || g), 48), 'hex'),
  sex, nationality,
  CASE WHEN r_age < 0.1 THEN 12 + (r_age * 300)::int < 18
       ELSE date '1965-01-01' + (r_age * 17000)::int + interval '18 years' > t_submit END,
  CASE WHEN type <> 'VICTIM_REPATRIATION' THEN '{}'::text[]
       WHEN r_exploitation < 0.3 THEN ARRAY(SELECT DISTINCT e FROM unnest(ARRAY[
         (ARRAY['FORCED_LABOUR', 'SEXUAL_EXPLOITATION', 'FORCED_MARRIAGE'])[1 + (g % 3)::int],
         'DEBT_BONDAGE']) AS e ORDER BY 1)
       ELSE ARRAY[(ARRAY['FORCED_LABOUR', 'SEXUAL_EXPLOITATION', 'FORCED_MARRIAGE',
         'SURROGACY', 'ONLINE_SEXUAL_EXPLOITATION', 'FORCED_CRIMINALITY', 'DEBT_BONDAGE',
         'ORGAN_REMOVAL', 'OTHER'])[1 + (r_exploitation * 9)::int % 9]] END,
  1 + CASE status WHEN 'SUBMITTED' THEN 0 WHEN 'ACKNOWLEDGED' THEN 1 ELSE 2 END,
  1 + CASE status WHEN 'SUBMITTED' THEN 0 WHEN 'ACKNOWLEDGED' THEN 1 ELSE 2 END,
  'bench', t_submit - interval '2 hours', t_submit, t_submit,
  CASE status WHEN 'REJECTED' THEN t_decide WHEN 'WITHDRAWN' THEN t_decide
    WHEN 'COMPLETED' THEN t_complete END
FROM plan`;

/**
 * The changes of each planned referral, numbered 1, 2, 3 … in lifecycle order: submit,
 * acknowledge, (request-info, provide-info), accept / reject / withdraw, schedule-handover,
 * complete, as far as the referral's status says it went.
 */
const INSERT_CHANGES_SQL = `
INSERT INTO referral_changes (referral_id, seq, action, event_type, event_id, actor_party, actor,
  from_status, to_status, sealed_data, occurred_at)
SELECT p.id, row_number() OVER (PARTITION BY p.id ORDER BY c.ord), c.action,
  'mrh.referral.' || c.action || '.v1', md5('bench-change-' || p.g || '-' || c.ord)::uuid,
  p.sender_party, 'bench', c.from_status, c.to_status, '\\x'::bytea, c.at
FROM plan p
CROSS JOIN LATERAL (VALUES
  (1, 'submit', 'DRAFT', 'SUBMITTED', p.t_submit, true),
  (2, 'acknowledge', 'SUBMITTED', 'ACKNOWLEDGED', p.t_ack, p.status <> 'SUBMITTED'),
  (3, 'request-info', 'ACKNOWLEDGED', 'INFO_REQUESTED', p.t_request,
    p.status = 'INFO_REQUESTED' OR (p.asked_info AND p.status NOT IN ('SUBMITTED', 'ACKNOWLEDGED'))),
  (4, 'provide-info', 'INFO_REQUESTED', 'ACKNOWLEDGED', p.t_provide,
    p.asked_info AND p.status NOT IN ('SUBMITTED', 'ACKNOWLEDGED', 'INFO_REQUESTED')),
  (5, 'accept', 'ACKNOWLEDGED', 'ACCEPTED', p.t_decide,
    p.status IN ('ACCEPTED', 'HANDOVER_SCHEDULED', 'COMPLETED')),
  (5, 'reject', 'ACKNOWLEDGED', 'REJECTED', p.t_decide, p.status = 'REJECTED'),
  (5, 'withdraw', 'ACKNOWLEDGED', 'WITHDRAWN', p.t_decide, p.status = 'WITHDRAWN'),
  (6, 'schedule-handover', 'ACCEPTED', 'HANDOVER_SCHEDULED', p.t_schedule,
    p.status IN ('HANDOVER_SCHEDULED', 'COMPLETED')),
  (7, 'complete', 'HANDOVER_SCHEDULED', 'COMPLETED', p.t_complete, p.status = 'COMPLETED')
) AS c (ord, action, from_status, to_status, at, happened)
WHERE c.happened`;

/**
 * Fills the database with generated referrals number `from` to `count` and their changes, in
 * batches (the bench's scale curve tops a history up step by step).
 */
export async function fillBenchDatabase(
  dataSource: DataSource,
  count: number,
  from = 1,
): Promise<void> {
  for (let first = from; first <= count; first += BATCH) {
    const last = Math.min(count, first + BATCH - 1);
    const started = performance.now();
    await dataSource.transaction(async (tx) => {
      await tx.query(PLAN_SQL, [first, last]);
      await tx.query(INSERT_REFERRALS_SQL);
      await tx.query(INSERT_CHANGES_SQL);
    });
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.log(`  referrals ${first}–${last} (${seconds} s)`);
  }
}

/** One measured question: a period and a scope, as a caller would ask it. */
interface Scenario {
  name: string;
  period: StatsPeriod;
  scope: StatsScope;
}

const year = (y: number): StatsPeriod => ({
  from: `${y}-01-01`,
  to: `${y + 1}-01-01`,
  utcOffset: '+07:00',
});

const SCENARIOS: readonly Scenario[] = [
  {
    name: 'year 2024, auditor (all referrals)',
    period: year(2024),
    scope: { kind: 'all', country: null, viewpoint: 'LA' },
  },
  {
    name: 'year 2024, Lao supervisor (LA)',
    period: year(2024),
    scope: { kind: 'country', country: 'LA', viewpoint: 'LA' },
  },
  {
    name: 'year 2024, Thai supervisor (TH)',
    period: year(2024),
    scope: { kind: 'country', country: 'TH', viewpoint: 'TH' },
  },
  {
    name: `all ${YEARS} years, auditor`,
    period: {
      from: `${FIRST_YEAR}-01-01`,
      to: `${FIRST_YEAR + YEARS}-01-01`,
      utcOffset: '+07:00',
    },
    scope: { kind: 'all', country: null, viewpoint: 'LA' },
  },
];

/** Times each scenario `runs` times after one warm-up run; prints p50 and max. */
export async function timeStats(dataSource: DataSource, runs: number): Promise<void> {
  const stats = new StatsService(dataSource);
  const rows: string[][] = [['query', 'referrals', 'p50 ms', 'max ms']];
  for (const scenario of SCENARIOS) {
    const warm = await stats.figures(scenario.period, scenario.scope);
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const started = performance.now();
      await stats.figures(scenario.period, scenario.scope);
      times.push(performance.now() - started);
    }
    times.sort((a, b) => a - b);
    const p50 = times[Math.floor((times.length - 1) / 2)] ?? Number.NaN;
    const max = times[times.length - 1] ?? Number.NaN;
    rows.push([scenario.name, String(warm.cases.referrals), p50.toFixed(0), max.toFixed(0)]);
  }
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  for (const [index, row] of rows.entries()) {
    console.log(
      row
        .map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
        .join('  '),
    );
    if (index === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  }
}

/**
 * `npx tsx scripts/bench-stats.ts [--referrals 1000000] [--runs 7] [--refill]`: the yearly
 * figures on a large history. Creates and migrates its own database (`referral_hub_bench`, on the
 * server of `MIGRATION_DATABASE_URL`), fills it once with generated referrals (kept for the next
 * run unless `--refill` or another count is asked), vacuums and analyses it as autovacuum would,
 * then times `StatsService` as the HTTP route calls it.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      referrals: { type: 'string', default: '1000000' },
      runs: { type: 'string', default: '7' },
      refill: { type: 'boolean', default: false },
    },
  });
  const count = Number(values.referrals);
  const runs = Number(values.runs);
  if (!Number.isInteger(count) || count < 1 || !Number.isInteger(runs) || runs < 1) {
    throw new Error('--referrals and --runs must be positive integers');
  }
  const url = new URL(loadEnv().MIGRATION_DATABASE_URL);
  url.pathname = `/${BENCH_DATABASE}`;
  console.log(`bench database: ${redact(url.toString())}`);
  await ensureDatabase(url.toString());
  await migrateDatabase(url.toString());
  // StatsService reads on two connections at once.
  const dataSource = new DataSource({ type: 'postgres', url: url.toString(), poolSize: 4 });
  await dataSource.initialize();
  try {
    const [{ ready } = { ready: false }] = await dataSource.query<{ ready: boolean }[]>(
      `SELECT to_regclass('referral_step_times') IS NOT NULL AS ready`,
    );
    if (!ready) throw new Error('the reporting migration is not applied (is it in MIGRATIONS?)');
    const [{ present } = { present: 0 }] = await dataSource.query<{ present: number }[]>(
      `SELECT count(*)::int AS present FROM referrals`,
    );
    if (values.refill || present !== count) {
      console.log(`filling ${count} referrals (had ${present})`);
      await dataSource.query(`TRUNCATE referrals, referral_changes, referral_step_times CASCADE`);
      await fillBenchDatabase(dataSource, count);
      console.log('VACUUM (ANALYZE)');
      await dataSource.query(`VACUUM (ANALYZE) referrals`);
      await dataSource.query(`VACUUM (ANALYZE) referral_changes`);
      await dataSource.query(`VACUUM (ANALYZE) referral_step_times`);
    } else {
      console.log(`reusing ${present} referrals (--refill to regenerate)`);
    }
    await timeStats(dataSource, runs);
  } finally {
    await dataSource.destroy();
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(`bench-stats: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  });
}
