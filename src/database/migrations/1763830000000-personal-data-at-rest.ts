import type { MigrationInterface, QueryRunner } from 'typeorm';
import { APP_ROLE } from './1763800000000-audit-trail';
import { PERSON_FACTS_FUNCTION_SQL, PERSON_FACTS_TRIGGER_SQL } from './1763820000000-reporting';

/**
 * Personal data encrypted at rest (envelope encryption, see src/privacy/).
 *
 * - `referral_keys`: one AES-256 data key per referral, stored only wrapped by a master key from
 *   configuration (`master_key_id` names it). Erasure destroys it (`wrapped_key` NULL): every
 *   sealed copy of that referral's personal data becomes unreadable (crypto-shredding).
 * - Sealed columns replace the clear ones that held personal data: the referral content, the
 *   data of each change (questions, answers, notes, escorts' names), case messages (body and
 *   attachments), the outbox's copy of each event, and the replayable responses of idempotency
 *   keys. Each is AES-256-GCM under the referral's key, bound to the row it belongs to.
 * - The person facts the yearly figures count (sex, nationality, minor, exploitation types) are
 *   written by the hub beside the sealed content; the trigger that derived them from the clear
 *   content goes, as the reporting migration foresaw.
 *
 * Clear personal data cannot be sealed in SQL (the master key never reaches the database), so the
 * migration refuses a database that already holds referrals: nothing of this project has been
 * deployed with clear content; a development database is recreated (`dropdb`, then migrate).
 */
export class PersonalDataAtRest1763830000000 implements MigrationInterface {
  name = 'PersonalDataAtRest1763830000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const [held] = (await queryRunner.query(`SELECT count(*)::int AS n FROM referrals`)) as {
      n: number;
    }[];
    if ((held?.n ?? 0) > 0) {
      throw new Error(
        `this database holds ${held?.n} referrals with personal data in clear, from before it was ` +
          'encrypted at rest; it cannot be converted in SQL. Recreate it (development data): ' +
          'drop the database and run `npm run migrate` again.',
      );
    }
    await queryRunner.query(`DELETE FROM idempotency_keys`);
    await queryRunner.query(`
      CREATE TABLE referral_keys (
        referral_id    uuid        PRIMARY KEY REFERENCES referrals (id),
        master_key_id  text        NOT NULL,
        wrapped_key    bytea,
        created_at     timestamptz NOT NULL DEFAULT now(),
        destroyed_at   timestamptz,
        CONSTRAINT referral_keys_destroyed CHECK ((wrapped_key IS NULL) = (destroyed_at IS NOT NULL))
      )`);
    await queryRunner.query(`
      COMMENT ON TABLE referral_keys IS
        'Per-referral data keys, wrapped by the master key master_key_id. wrapped_key NULL: '
        'destroyed by erasure; the referral''s sealed personal data can no longer be read.'`);

    await queryRunner.query(`DROP TRIGGER referrals_person_facts ON referrals`);
    await queryRunner.query(`DROP FUNCTION referral_person_facts()`);
    await queryRunner.query(`
      ALTER TABLE referrals
        DROP COLUMN content,
        ADD COLUMN sealed_content bytea NOT NULL,
        ADD COLUMN personal_data_erased_at timestamptz,
        ADD COLUMN erasure jsonb`);
    for (const column of [
      'person_sex',
      'person_nationality',
      'person_minor',
      'exploitation_types',
    ]) {
      await queryRunner.query(`
        COMMENT ON COLUMN referrals.${column} IS
          'Non-identifying fact of the person for the yearly figures, written by the hub from the'
          ' content (src/referrals/person-facts.ts); kept after erasure.'`);
    }
    await queryRunner.query(`
      COMMENT ON COLUMN referrals.erasure IS
        'Who erased the personal data, when and why: {by, party, reason, at}.'`);

    // The retention scan's question: closed referrals whose personal data is still kept.
    await queryRunner.query(`
      CREATE INDEX referrals_retention ON referrals (closed_at)
      WHERE closed_at IS NOT NULL AND personal_data_erased_at IS NULL`);
    await queryRunner.query(`
      ALTER TABLE referral_changes DROP COLUMN data, ADD COLUMN sealed_data bytea NOT NULL`);
    await queryRunner.query(`
      ALTER TABLE case_messages
        DROP COLUMN body,
        DROP COLUMN attachments,
        ADD COLUMN sealed_content bytea NOT NULL`);
    await queryRunner.query(`
      ALTER TABLE outbox
        ALTER COLUMN value DROP NOT NULL,
        ADD COLUMN sealed_value bytea,
        ADD COLUMN discarded text,
        ADD CONSTRAINT outbox_one_value CHECK ((value IS NULL) <> (sealed_value IS NULL))`);
    await queryRunner.query(`
      COMMENT ON COLUMN outbox.sealed_value IS
        'The event, sealed with its referral''s data key; value holds events of no referral.'`);
    await queryRunner.query(`
      ALTER TABLE idempotency_keys
        DROP COLUMN response,
        ADD COLUMN referral_id uuid NOT NULL,
        ADD COLUMN sealed_response bytea NOT NULL`);
    // Erasure updates a key; nobody deletes one.
    await queryRunner.query(`GRANT SELECT, INSERT, UPDATE ON referral_keys TO ${APP_ROLE}`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    // Sealed data cannot go back to clear in SQL: down leaves an empty schema of the old shape.
    for (const table of ['idempotency_keys', 'case_messages', 'referral_changes', 'outbox']) {
      await queryRunner.query(`DELETE FROM ${table}`);
    }
    await queryRunner.query(`DELETE FROM referral_deadlines`);
    await queryRunner.query(`DELETE FROM referral_step_times`);
    await queryRunner.query(`DROP TABLE referral_keys`);
    await queryRunner.query(`DELETE FROM referrals`);
    await queryRunner.query(`
      ALTER TABLE idempotency_keys DROP COLUMN sealed_response, DROP COLUMN referral_id,
        ADD COLUMN response jsonb NOT NULL`);
    await queryRunner.query(`
      ALTER TABLE outbox DROP CONSTRAINT outbox_one_value, DROP COLUMN discarded,
        DROP COLUMN sealed_value, ALTER COLUMN value SET NOT NULL`);
    await queryRunner.query(`
      ALTER TABLE case_messages DROP COLUMN sealed_content, ADD COLUMN body text NOT NULL,
        ADD COLUMN attachments jsonb NOT NULL DEFAULT '[]'::jsonb`);
    await queryRunner.query(
      `ALTER TABLE referral_changes DROP COLUMN sealed_data, ADD COLUMN data jsonb NOT NULL`,
    );
    await queryRunner.query(`DROP INDEX referrals_retention`);
    await queryRunner.query(`
      ALTER TABLE referrals DROP COLUMN erasure, DROP COLUMN personal_data_erased_at,
        DROP COLUMN sealed_content, ADD COLUMN content jsonb NOT NULL`);
    await queryRunner.query(PERSON_FACTS_FUNCTION_SQL);
    await queryRunner.query(PERSON_FACTS_TRIGGER_SQL);
  }
}
