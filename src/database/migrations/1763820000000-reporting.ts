import type { MigrationInterface, QueryRunner } from 'typeorm';
import { APP_ROLE } from './1763800000000-audit-trail';

/**
 * The trigger that derived the person facts from the clear content (until personal data was
 * sealed at rest, migration 1763830000000, which drops it and recreates it when reverted). Mirrors
 * isMinor() of libs/contracts: an estimated age under 18 is enough; a birth date makes a minor
 * until the 18th birthday has begun everywhere (the date at UTC−12), compared as strings so that
 * someone born on 29 February comes of age on 1 March in other years.
 */
export const PERSON_FACTS_FUNCTION_SQL = `
      CREATE FUNCTION referral_person_facts() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        person       jsonb := NEW.content -> 'person';
        sex          text  := person ->> 'sex';
        nationality  text  := person ->> 'nationality';
        birth        text  := person ->> 'birthDate';
        age          jsonb := person -> 'estimatedAge';
        exploitation jsonb := NEW.content -> 'victim' -> 'exploitation';
        on_day       text;
        b_month      integer;
        b_day        integer;
        minor        boolean;
      BEGIN
        NEW.person_sex := CASE WHEN sex IN ('F', 'M', 'X', 'U') THEN sex END;
        NEW.person_nationality := CASE WHEN nationality ~ '^[A-Z]{2}$' THEN nationality END;

        IF jsonb_typeof(age) = 'number' THEN
          minor := age::numeric < 18;
        END IF;
        IF birth ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' THEN
          b_month := substr(birth, 6, 2)::integer;
          b_day := substr(birth, 9, 2)::integer;
          -- Nested, not AND: make_date() must never see a month that does not exist.
          IF substr(birth, 1, 4)::integer >= 1 AND b_month BETWEEN 1 AND 12 AND b_day >= 1 THEN
            IF b_day <= extract(day FROM make_date(substr(birth, 1, 4)::integer, b_month, 1)
                                         + interval '1 month - 1 day') THEN
              on_day := to_char(
                COALESCE(NEW.submitted_at, NEW.created_at, now()) AT TIME ZONE interval '-12:00',
                'YYYY-MM-DD');
              minor := COALESCE(minor, false) OR on_day COLLATE "C" <
                (lpad((substr(birth, 1, 4)::integer + 18)::text, 4, '0') || substr(birth, 5));
            END IF;
          END IF;
        END IF;
        NEW.person_minor := minor;

        NEW.exploitation_types := CASE WHEN jsonb_typeof(exploitation) = 'array' THEN
          ARRAY(SELECT DISTINCT e.value #>> '{}' FROM jsonb_array_elements(exploitation) e
                WHERE jsonb_typeof(e.value) = 'string' ORDER BY 1)
          ELSE '{}' END;
        RETURN NEW;
      END $$`;

export const PERSON_FACTS_TRIGGER_SQL = `
      CREATE TRIGGER referrals_person_facts BEFORE INSERT OR UPDATE ON referrals
      FOR EACH ROW EXECUTE FUNCTION referral_person_facts()`;

/**
 * What the yearly figures (`GET /v1/stats`) need to stay fast on a long history, without reading
 * the referrals' content.
 *
 * - Plain, non-identifying facts about each referral's person on `referrals` itself: `person_sex`,
 *   `person_nationality`, `person_minor` (under 18 when submitted) and `exploitation_types`. A
 *   BEFORE INSERT OR UPDATE trigger derives them from `content` on every write, so they cannot
 *   drift from it and the code that writes referrals needs no change. Should `content` ever be
 *   encrypted at rest, the trigger can no longer read it: the writer must then fill these columns
 *   itself and the trigger go.
 * - `referral_step_times`: when each measured step of a referral started and ended, maintained
 *   from `referral_changes` by a statement-level trigger (set-based, so bulk inserts stay cheap),
 *   with the referral's two countries, so that a period's step times are one index range and no
 *   join. Changes are only ever appended, so the trigger handles INSERT alone.
 * - A covering index on `submitted_at` (the period filter) that holds every column the figures
 *   read, so a year is an index-only scan instead of a walk through the wide content rows; and a
 *   partial one on `closed_at` for repatriations completed in a period.
 */
export class Reporting1763820000000 implements MigrationInterface {
  name = 'Reporting1763820000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE referrals
        ADD COLUMN person_sex         text,
        ADD COLUMN person_nationality text,
        ADD COLUMN person_minor       boolean,
        ADD COLUMN exploitation_types text[] NOT NULL DEFAULT '{}',
        ADD CONSTRAINT referrals_person_sex CHECK (person_sex IN ('F', 'M', 'X', 'U'))`);
    await queryRunner.query(`
      COMMENT ON COLUMN referrals.person_sex IS
        'content.person.sex (F, M, X, U); NULL when absent or not a code. Derived by trigger.'`);
    await queryRunner.query(`
      COMMENT ON COLUMN referrals.person_nationality IS
        'content.person.nationality (ISO 3166-1 alpha-2); NULL when not known. Derived by trigger.'`);
    await queryRunner.query(`
      COMMENT ON COLUMN referrals.person_minor IS
        'Under 18 at submission (creation for drafts) by birthDate or estimatedAge, as isMinor()'
        ' decides; NULL when neither is usable. Derived by trigger.'`);
    await queryRunner.query(`
      COMMENT ON COLUMN referrals.exploitation_types IS
        'content.victim.exploitation, distinct and sorted; empty when none. Derived by trigger.'`);

    await queryRunner.query(PERSON_FACTS_FUNCTION_SQL);
    await queryRunner.query(PERSON_FACTS_TRIGGER_SQL);
    // Fill the columns of the referrals that exist already (the trigger does the work).
    await queryRunner.query(`UPDATE referrals SET content = content`);

    await queryRunner.query(`
      CREATE TABLE referral_step_times (
        referral_id       uuid PRIMARY KEY REFERENCES referrals (id) ON DELETE CASCADE,
        sender_country    text NOT NULL,
        receiver_country  text NOT NULL,
        submitted_at      timestamptz,
        acknowledged_at   timestamptz,
        decision_from_at  timestamptz,
        decided_at        timestamptz,
        accepted_at       timestamptz,
        completed_at      timestamptz
      )`);
    await queryRunner.query(`
      COMMENT ON TABLE referral_step_times IS
        'When the measured steps of each referral started and ended, from referral_changes'
        ' (trigger referral_changes_step_times), with the referral''s countries so that a period'
        ' is one index range. decision_from_at: the last acknowledge or provide-info, from which'
        ' the receiver''s decision is timed.'`);
    // LEAST/GREATEST ignore NULLs: a batch that does not mention a step leaves it as it was.
    // The countries never change once a referral exists, so the first batch's stay.
    const stepsOf = (changes: string): string => `
      SELECT c.referral_id, r.sender_country, r.receiver_country,
        c.submitted_at, c.acknowledged_at, c.decision_from_at, c.decided_at, c.accepted_at,
        c.completed_at
      FROM (
        SELECT referral_id,
          min(occurred_at) FILTER (WHERE action = 'submit') AS submitted_at,
          min(occurred_at) FILTER (WHERE action = 'acknowledge') AS acknowledged_at,
          max(occurred_at) FILTER (WHERE action IN ('acknowledge', 'provide-info'))
            AS decision_from_at,
          min(occurred_at) FILTER (WHERE action IN ('accept', 'reject')) AS decided_at,
          min(occurred_at) FILTER (WHERE action = 'accept') AS accepted_at,
          min(occurred_at) FILTER (WHERE action = 'complete') AS completed_at
        FROM ${changes}
        WHERE action IN ('submit', 'acknowledge', 'provide-info', 'accept', 'reject', 'complete')
        GROUP BY referral_id
      ) AS c
      JOIN referrals r ON r.id = c.referral_id`;
    const columns = `referral_id, sender_country, receiver_country, submitted_at, acknowledged_at,
      decision_from_at, decided_at, accepted_at, completed_at`;
    await queryRunner.query(`
      CREATE FUNCTION referral_step_times_record() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO referral_step_times AS s (${columns})
        ${stepsOf('new_changes')}
        ON CONFLICT (referral_id) DO UPDATE SET
          submitted_at     = LEAST(s.submitted_at, EXCLUDED.submitted_at),
          acknowledged_at  = LEAST(s.acknowledged_at, EXCLUDED.acknowledged_at),
          decision_from_at = GREATEST(s.decision_from_at, EXCLUDED.decision_from_at),
          decided_at       = LEAST(s.decided_at, EXCLUDED.decided_at),
          accepted_at      = LEAST(s.accepted_at, EXCLUDED.accepted_at),
          completed_at     = LEAST(s.completed_at, EXCLUDED.completed_at);
        RETURN NULL;
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER referral_changes_step_times AFTER INSERT ON referral_changes
      REFERENCING NEW TABLE AS new_changes
      FOR EACH STATEMENT EXECUTE FUNCTION referral_step_times_record()`);
    await queryRunner.query(`
      INSERT INTO referral_step_times (${columns})
      ${stepsOf('referral_changes')}`);
    // The step times of a period: referrals submitted in it, read from this index alone.
    await queryRunner.query(`
      CREATE INDEX referral_step_times_by_submission ON referral_step_times (submitted_at)
      INCLUDE (sender_country, receiver_country, acknowledged_at, decision_from_at, decided_at,
        accepted_at, completed_at)
      WHERE submitted_at IS NOT NULL`);

    await queryRunner.query(`
      CREATE INDEX referrals_stats_by_submission ON referrals (submitted_at)
      INCLUDE (type, status, sender_country, receiver_country, sender_reference, person_sex,
        person_nationality, person_minor, exploitation_types)
      WHERE submitted_at IS NOT NULL`);
    await queryRunner.query(`
      CREATE INDEX referrals_stats_repatriated ON referrals (closed_at)
      INCLUDE (sender_country, receiver_country, person_sex, person_minor)
      WHERE type = 'VICTIM_REPATRIATION' AND status = 'COMPLETED'`);

    await queryRunner.query(
      `GRANT SELECT, INSERT, UPDATE, DELETE ON referral_step_times TO ${APP_ROLE}`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX referrals_stats_repatriated`);
    await queryRunner.query(`DROP INDEX referrals_stats_by_submission`);
    await queryRunner.query(`DROP TRIGGER referral_changes_step_times ON referral_changes`);
    await queryRunner.query(`DROP FUNCTION referral_step_times_record()`);
    await queryRunner.query(`DROP TABLE referral_step_times`);
    await queryRunner.query(`DROP TRIGGER referrals_person_facts ON referrals`);
    await queryRunner.query(`DROP FUNCTION referral_person_facts()`);
    await queryRunner.query(`
      ALTER TABLE referrals
        DROP CONSTRAINT referrals_person_sex,
        DROP COLUMN exploitation_types,
        DROP COLUMN person_minor,
        DROP COLUMN person_nationality,
        DROP COLUMN person_sex`);
  }
}
