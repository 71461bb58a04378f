import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The role the application connects as; it may only INSERT and SELECT the audit tables. */
export const APP_ROLE = 'referral_hub_app';

const AUDIT_TABLES = ['audit_entries', 'audit_leaves', 'audit_checkpoints'];
const APP_TABLES = [
  'referrals',
  'referral_changes',
  'outbox',
  'inbox',
  'idempotency_keys',
  'audit_pending',
];

/**
 * The audit trail: append-only entries, their leaf positions in the transparency log (assigned
 * after commit by one sequencer), and signed checkpoints.
 *
 * Append-only is enforced twice: triggers refuse UPDATE, DELETE and TRUNCATE for everyone (an
 * owner or superuser could disable them, which is why checkpoints go to partners), and the
 * application connects as {@link APP_ROLE}, which is granted INSERT and SELECT only.
 * `audit_pending` is the sequencer's work queue, not part of the trail: rows leave it when their
 * entry gets a leaf.
 */
export class AuditTrail1763800000000 implements MigrationInterface {
  name = 'AuditTrail1763800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE audit_entries (
        id              bigserial   PRIMARY KEY,
        recorded_at     timestamptz NOT NULL,
        actor_kind      text        NOT NULL,
        actor           text        NOT NULL,
        actor_party     text,
        actor_roles     text[]      NOT NULL DEFAULT '{}',
        action          text        NOT NULL,
        referral_id     uuid,
        state_before    text,
        state_after     text,
        event_id        text,
        payload_sha256  text,
        outcome         text,
        CONSTRAINT audit_entries_actor_kind CHECK (actor_kind IN ('officer', 'partner-system', 'hub'))
      )`);
    await queryRunner.query(
      `CREATE INDEX audit_entries_by_referral ON audit_entries (referral_id, id)`,
    );
    await queryRunner.query(`CREATE TABLE audit_pending (entry_id bigint PRIMARY KEY)`);
    // Wake the sequencer at commit (one notification per statement, folded per transaction).
    await queryRunner.query(`
      CREATE FUNCTION audit_notify() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('audit', '');
        RETURN NULL;
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER audit_pending_notify AFTER INSERT ON audit_pending
      FOR EACH STATEMENT EXECUTE FUNCTION audit_notify()`);
    await queryRunner.query(`
      CREATE TABLE audit_leaves (
        leaf_index    bigint      PRIMARY KEY,
        entry_id      bigint      NOT NULL UNIQUE REFERENCES audit_entries (id),
        leaf_hash     bytea       NOT NULL,
        sequenced_at  timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT audit_leaves_index CHECK (leaf_index >= 0)
      )`);
    await queryRunner.query(`
      CREATE TABLE audit_checkpoints (
        tree_size   bigint      PRIMARY KEY,
        root_hash   bytea       NOT NULL,
        note        text        NOT NULL,
        created_at  timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`
      CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'the audit trail is append-only: % on % refused', TG_OP, TG_TABLE_NAME
          USING ERRCODE = 'insufficient_privilege';
      END $$`);
    for (const table of AUDIT_TABLES) {
      await queryRunner.query(`
        CREATE TRIGGER ${table}_no_change BEFORE UPDATE OR DELETE ON ${table}
        FOR EACH ROW EXECUTE FUNCTION audit_append_only()`);
      // Row triggers do not fire on TRUNCATE: a statement-level one does.
      await queryRunner.query(`
        CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ${table}
        FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only()`);
    }
    await queryRunner.query(`
      DO $$ BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${APP_ROLE}') THEN
          CREATE ROLE ${APP_ROLE} LOGIN;
        END IF;
      END $$`);
    await queryRunner.query(`
      DO $$ BEGIN
        EXECUTE format('GRANT CONNECT ON DATABASE %I TO ${APP_ROLE}', current_database());
      END $$`);
    await queryRunner.query(`GRANT USAGE ON SCHEMA public TO ${APP_ROLE}`);
    await queryRunner.query(
      `GRANT SELECT, INSERT, UPDATE, DELETE ON ${APP_TABLES.join(', ')} TO ${APP_ROLE}`,
    );
    await queryRunner.query(`GRANT SELECT, INSERT ON ${AUDIT_TABLES.join(', ')} TO ${APP_ROLE}`);
    await queryRunner.query(`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${APP_ROLE}`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`REVOKE ALL ON ALL TABLES IN SCHEMA public FROM ${APP_ROLE}`);
    await queryRunner.query(`REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM ${APP_ROLE}`);
    await queryRunner.query(`REVOKE USAGE ON SCHEMA public FROM ${APP_ROLE}`);
    await queryRunner.query(`
      DO $$ BEGIN
        EXECUTE format('REVOKE CONNECT ON DATABASE %I FROM ${APP_ROLE}', current_database());
      END $$`);
    for (const table of [...AUDIT_TABLES].reverse()) {
      await queryRunner.query(`DROP TABLE ${table}`);
    }
    await queryRunner.query(`DROP TABLE audit_pending`);
    await queryRunner.query(`DROP FUNCTION audit_notify()`);
    await queryRunner.query(`DROP FUNCTION audit_append_only()`);
  }
}
