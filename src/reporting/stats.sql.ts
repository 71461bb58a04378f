import { EXPLOITATION_TYPES } from '@hub/contracts';

/*
 * The two statements behind the yearly figures, run side by side on two connections that share
 * one snapshot (see `readInOneSnapshot`): the distinct cases are about as much work as all the
 * rest. Aggregates only, each part folded into a JSON array of a few rows, so no referral ever
 * leaves PostgreSQL. Parameters of both: $1 and $2 the period's bounds (timestamptz, [$1, $2)),
 * $3 the viewpoint country, $4 the scope country (NULL: every referral).
 *
 * Each part reads one index of the reporting migration, range-scanned on the period and never
 * joined: `referrals_stats_by_submission` (cases, persons), `referrals_stats_repatriated`
 * (repatriations completed), `referral_step_times_by_submission` (step times). On a vacuumed
 * table these are index-only scans, whose cost follows the period, not the whole history.
 */

const IN_PERIOD = `submitted_at >= $1 AND submitted_at < $2`;

const IN_SCOPE = `($4::text IS NULL OR sender_country = $4 OR receiver_country = $4)`;

const COUNTERPART = `(CASE WHEN sender_country = $3 THEN receiver_country ELSE sender_country END)
  COLLATE "C"`;

const AGE = `CASE WHEN person_minor THEN 'minor' WHEN NOT person_minor THEN 'adult'
  ELSE 'unknown' END`;

// Victims per form, in the order of EXPLOITATION_TYPES: one FILTER per code, in the same pass.
// The codes are the contract's own constants, checked to be plain words before they reach SQL.
const EXPLOITATION_COUNTS = EXPLOITATION_TYPES.map((code) => {
  if (!/^[A-Z_]+$/.test(code)) throw new Error(`unexpected exploitation code ${code}`);
  return `count(*) FILTER (WHERE '${code}' = ANY (exploitation_types))`;
}).join(',\n      ');

/** The case and referral counts; see the file comment for its parameters. */
export const CASES_SQL = `
WITH cases AS (
  SELECT
    CASE GROUPING(type, status, ${COUNTERPART})
      WHEN 7 THEN 'total' WHEN 3 THEN 'type' WHEN 5 THEN 'status' ELSE 'counterpart'
    END AS dimension,
    COALESCE(type, status, ${COUNTERPART}) AS "group",
    count(*) AS referrals,
    -- A case is a national case number: the sender's country and its reference. Counted by a
    -- 64-bit hash, which sorts several times faster than the text; two case numbers of one
    -- period would have to collide (odds under 1 in 10^9 at 100,000 cases).
    count(DISTINCT hashtextextended(sender_country || ' ' || sender_reference, 0)) AS cases
  FROM referrals
  WHERE ${IN_PERIOD} AND ${IN_SCOPE}
  GROUP BY GROUPING SETS ((), (type), (status), (${COUNTERPART}))
)
SELECT COALESCE(json_agg(c), '[]') AS cases FROM cases c`;

/** The persons, repatriations and step times; see the file comment for its parameters. */
export const PERSONS_AND_STEPS_SQL = `
WITH persons AS (
  SELECT type,
    COALESCE(person_sex, 'U') AS sex,
    CASE WHEN person_nationality IS NULL THEN 'unknown'
      WHEN person_nationality = $3 THEN 'national' ELSE 'foreign' END AS nationality,
    ${AGE} AS age,
    count(*) AS n,
    ARRAY[
      ${EXPLOITATION_COUNTS}
    ] AS exploitation
  FROM referrals
  WHERE ${IN_PERIOD} AND ${IN_SCOPE} AND type IN ('SUSPECT_HANDOFF', 'VICTIM_REPATRIATION')
  GROUP BY 1, 2, 3, 4
),
repatriated AS (
  SELECT COALESCE(person_sex, 'U') AS sex, ${AGE} AS age, count(*) AS n
  FROM referrals
  WHERE type = 'VICTIM_REPATRIATION' AND status = 'COMPLETED'
    AND closed_at >= $1 AND closed_at < $2 AND ${IN_SCOPE}
  GROUP BY 1, 2
),
-- Seconds each step took (NULL: not taken); date_part stays in float8, extract() would not.
durations AS (
  SELECT ${COUNTERPART} AS counterpart,
    date_part('epoch', acknowledged_at - submitted_at) AS acknowledge,
    date_part('epoch', decided_at - decision_from_at) AS decide,
    date_part('epoch', completed_at - accepted_at) AS complete,
    date_part('epoch', completed_at - submitted_at) AS overall
  FROM referral_step_times
  WHERE ${IN_PERIOD} AND ${IN_SCOPE}
),
steps AS (
  SELECT counterpart,
    count(acknowledge) AS acknowledge_n,
    percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY acknowledge) AS acknowledge_p,
    count(decide) AS decide_n,
    percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY decide) AS decide_p,
    count(complete) AS complete_n,
    percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY complete) AS complete_p,
    count(overall) AS overall_n,
    percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY overall) AS overall_p
  FROM durations
  GROUP BY GROUPING SETS ((counterpart), ())
)
SELECT
  (SELECT COALESCE(json_agg(p), '[]') FROM persons p) AS persons,
  (SELECT COALESCE(json_agg(r), '[]') FROM repatriated r) AS repatriated,
  (SELECT COALESCE(json_agg(t), '[]') FROM steps t) AS steps`;

/** One group of the case counts: the total, or a type, status or counterpart country. */
export interface CaseRow {
  dimension: 'total' | 'type' | 'status' | 'counterpart';
  group: string | null;
  referrals: number;
  cases: number;
}

/**
 * Persons of suspect hand-offs and victim repatriations, by sex, nationality and age, with how
 * many of them suffered each form of exploitation (in the order of `EXPLOITATION_TYPES`).
 */
export interface PersonRow {
  type: 'SUSPECT_HANDOFF' | 'VICTIM_REPATRIATION';
  sex: string;
  nationality: 'national' | 'foreign' | 'unknown';
  age: 'minor' | 'adult' | 'unknown';
  n: number;
  exploitation: number[];
}

/** Repatriations completed in the period, by sex and age. */
export interface RepatriatedRow {
  sex: string;
  age: 'minor' | 'adult' | 'unknown';
  n: number;
}

/**
 * The step durations of one counterpart (`null`: all of them): per step, how many referrals took
 * it, and the median and 90th percentile in seconds (`null` when none did).
 */
export interface StepRow {
  counterpart: string | null;
  acknowledge_n: number;
  acknowledge_p: [number, number] | null;
  decide_n: number;
  decide_p: [number, number] | null;
  complete_n: number;
  complete_p: [number, number] | null;
  overall_n: number;
  overall_p: [number, number] | null;
}

/** The one row {@link CASES_SQL} returns. */
export interface CasesResult {
  cases: CaseRow[];
}

/** The one row {@link PERSONS_AND_STEPS_SQL} returns. */
export interface PersonsAndStepsResult {
  persons: PersonRow[];
  repatriated: RepatriatedRow[];
  steps: StepRow[];
}
