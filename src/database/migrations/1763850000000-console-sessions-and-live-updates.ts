import type { MigrationInterface, QueryRunner } from 'typeorm';
import { APP_ROLE } from './1763800000000-audit-trail';

/**
 * What the officers' console needs of the database:
 *
 * - `console_sessions`: one row per signed-in browser. The cookie carries a random secret; only
 *   its SHA-256 is stored, so a copy of the table signs nobody in. The row holds the principal
 *   the sign-in established (never a token), the CSRF token, and both expiries.
 * - `console_logins`: an OpenID Connect sign-in under way (state, PKCE verifier, nonce), consumed
 *   once by the callback.
 * - `referral_changes.delivered_at`: when the counterpart's system confirmed receipt of the hub
 *   event that told it of the change (`mrh.receipt.v1`, `DELIVERED`), as case messages have had.
 * - `live_update()`: after every change to a referral, its messages or a delivery receipt, a
 *   NOTIFY on `live_updates` naming the referral and its two parties (no content), so every hub
 *   instance can push it to the open pages of those who may see it. NOTIFY is delivered at
 *   commit, so a page never hears of a change that was rolled back.
 */
export class ConsoleSessionsAndLiveUpdates1763850000000 implements MigrationInterface {
  name = 'ConsoleSessionsAndLiveUpdates1763850000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE console_sessions (
        id_hash       bytea       PRIMARY KEY,
        sub           text        NOT NULL,
        party         text        NOT NULL,
        roles         text[]      NOT NULL,
        csrf_token    text        NOT NULL,
        signed_in_by  text        NOT NULL CHECK (signed_in_by IN ('dev', 'oidc')),
        created_at    timestamptz NOT NULL,
        last_seen_at  timestamptz NOT NULL,
        expires_at    timestamptz NOT NULL
      )`);
    await queryRunner.query(
      `CREATE INDEX console_sessions_expiry ON console_sessions (expires_at)`,
    );
    await queryRunner.query(`
      CREATE TABLE console_logins (
        state         text        PRIMARY KEY,
        code_verifier text        NOT NULL,
        nonce         text        NOT NULL,
        return_to     text        NOT NULL,
        created_at    timestamptz NOT NULL
      )`);
    await queryRunner.query(
      `GRANT SELECT, INSERT, UPDATE, DELETE ON console_sessions, console_logins TO ${APP_ROLE}`,
    );
    await queryRunner.query(`ALTER TABLE referral_changes ADD COLUMN delivered_at timestamptz`);

    await queryRunner.query(`
      CREATE FUNCTION live_update() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        r referrals%ROWTYPE;
        kind text;
      BEGIN
        IF TG_TABLE_NAME = 'referrals' THEN
          r := NEW;
          kind := 'changed';
        ELSE
          SELECT * INTO r FROM referrals WHERE id = NEW.referral_id;
          kind := CASE WHEN TG_TABLE_NAME = 'case_messages' AND TG_OP = 'INSERT'
                       THEN 'message' ELSE 'delivery' END;
        END IF;
        PERFORM pg_notify('live_updates', json_build_object(
          'referralId', r.id, 'from', r.sender_party, 'to', r.receiver_party,
          'version', r.version, 'status', r.status, 'kind', kind)::text);
        RETURN NULL;
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER live_update AFTER INSERT OR UPDATE ON referrals
      FOR EACH ROW EXECUTE FUNCTION live_update()`);
    await queryRunner.query(`
      CREATE TRIGGER live_update AFTER INSERT OR UPDATE OF delivered_at, read_at ON case_messages
      FOR EACH ROW EXECUTE FUNCTION live_update()`);
    await queryRunner.query(`
      CREATE TRIGGER live_update AFTER UPDATE OF delivered_at ON referral_changes
      FOR EACH ROW EXECUTE FUNCTION live_update()`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER live_update ON referral_changes`);
    await queryRunner.query(`DROP TRIGGER live_update ON case_messages`);
    await queryRunner.query(`DROP TRIGGER live_update ON referrals`);
    await queryRunner.query(`DROP FUNCTION live_update()`);
    await queryRunner.query(`ALTER TABLE referral_changes DROP COLUMN delivered_at`);
    await queryRunner.query(`DROP TABLE console_logins`);
    await queryRunner.query(`DROP TABLE console_sessions`);
  }
}
