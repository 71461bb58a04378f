import type { MigrationInterface, QueryRunner } from 'typeorm';
import { APP_ROLE } from './1763800000000-audit-trail';

const TABLES = ['audit_cosignatures', 'audit_witness_refusals'];

/**
 * Partner countries as witnesses of the audit log (C2SP tlog-cosignature): the cosignatures the
 * hub verified, one per checkpoint and country, and the refusals (forks) witnesses reported,
 * with both notes as evidence. Append-only like the rest of the trail: the triggers refuse
 * UPDATE, DELETE and TRUNCATE, and the application role may only INSERT and SELECT.
 */
export class AuditWitnesses1763870000000 implements MigrationInterface {
  name = 'AuditWitnesses1763870000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE audit_cosignatures (
        tree_size       bigint      NOT NULL REFERENCES audit_checkpoints (tree_size),
        country         text        NOT NULL,
        witness_name    text        NOT NULL,
        signature_line  text        NOT NULL,
        cosigned_at     timestamptz NOT NULL,
        received_at     timestamptz NOT NULL DEFAULT now(),
        event_id        text        NOT NULL,
        PRIMARY KEY (tree_size, country)
      )`);
    await queryRunner.query(`
      CREATE TABLE audit_witness_refusals (
        id                 bigserial   PRIMARY KEY,
        country            text        NOT NULL,
        held_note          text        NOT NULL,
        held_size          bigint      NOT NULL,
        offered_note       text        NOT NULL,
        offered_size       bigint      NOT NULL,
        reason             text        NOT NULL,
        consistency_proof  text[],
        received_at        timestamptz NOT NULL DEFAULT now(),
        event_id           text        NOT NULL UNIQUE
      )`);
    for (const table of TABLES) {
      await queryRunner.query(`
        CREATE TRIGGER ${table}_no_change BEFORE UPDATE OR DELETE ON ${table}
        FOR EACH ROW EXECUTE FUNCTION audit_append_only()`);
      await queryRunner.query(`
        CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ${table}
        FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only()`);
    }
    await queryRunner.query(`GRANT SELECT, INSERT ON ${TABLES.join(', ')} TO ${APP_ROLE}`);
    await queryRunner.query(
      `GRANT USAGE, SELECT ON SEQUENCE audit_witness_refusals_id_seq TO ${APP_ROLE}`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [...TABLES].reverse()) await queryRunner.query(`DROP TABLE ${table}`);
  }
}
