import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Referrals, their numbered changes, and the idempotency records of the HTTP API.
 *
 * `referrals.seq` is the last `referralseq` handed out; every change takes the referral's row lock
 * (`SELECT … FOR UPDATE`), increments it and inserts its `referral_changes` row and outbox rows in
 * the same transaction — which serialises one referral's changes and leaves others parallel.
 * `version` is the optimistic-concurrency token of the HTTP API (`ETag` / `If-Match`).
 */
export class Referrals1763790000000 implements MigrationInterface {
  name = 'Referrals1763790000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE referrals (
        id                 uuid        PRIMARY KEY,
        type               text        NOT NULL,
        status             text        NOT NULL,
        priority           text        NOT NULL,
        sender_party       text        NOT NULL,
        receiver_party     text        NOT NULL,
        sender_country     text        NOT NULL,
        receiver_country   text        NOT NULL,
        sender_reference   text        NOT NULL,
        receiver_reference text,
        handling_code      text        NOT NULL,
        origin             text        NOT NULL,
        content            jsonb       NOT NULL,
        consent_override   jsonb,
        version            integer     NOT NULL DEFAULT 1,
        seq                integer     NOT NULL DEFAULT 0,
        created_by         text        NOT NULL,
        created_at         timestamptz NOT NULL DEFAULT now(),
        updated_at         timestamptz NOT NULL DEFAULT now(),
        submitted_at       timestamptz,
        closed_at          timestamptz,
        CONSTRAINT referrals_type CHECK
          (type IN ('VICTIM_REPATRIATION', 'SUSPECT_HANDOFF', 'INFORMATION_REQUEST')),
        CONSTRAINT referrals_status CHECK (status IN ('DRAFT', 'SUBMITTED', 'ACKNOWLEDGED',
          'INFO_REQUESTED', 'ACCEPTED', 'REJECTED', 'HANDOVER_SCHEDULED', 'COMPLETED', 'WITHDRAWN')),
        CONSTRAINT referrals_origin CHECK (origin IN ('http', 'kafka')),
        CONSTRAINT referrals_parties CHECK (sender_party <> receiver_party),
        CONSTRAINT referrals_draft_unnumbered CHECK ((status = 'DRAFT') = (seq = 0))
      )`);
    // Keyset pagination of each party's inbox and outbox, newest first.
    await queryRunner.query(
      `CREATE INDEX referrals_by_sender ON referrals (sender_party, created_at DESC, id DESC)`,
    );
    await queryRunner.query(
      `CREATE INDEX referrals_by_receiver ON referrals (receiver_party, created_at DESC, id DESC)`,
    );
    await queryRunner.query(`
      CREATE TABLE referral_changes (
        referral_id   uuid        NOT NULL REFERENCES referrals (id),
        seq           integer     NOT NULL,
        action        text        NOT NULL,
        event_type    text        NOT NULL,
        event_id      uuid        NOT NULL UNIQUE,
        actor_party   text        NOT NULL,
        actor         text        NOT NULL,
        from_status   text        NOT NULL,
        to_status     text        NOT NULL,
        data          jsonb       NOT NULL,
        causation_id  text,
        occurred_at   timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (referral_id, seq),
        CONSTRAINT referral_changes_seq_positive CHECK (seq > 0)
      )`);
    await queryRunner.query(`
      CREATE TABLE idempotency_keys (
        party           text        NOT NULL,
        key             text        NOT NULL,
        request_sha256  bytea       NOT NULL,
        status          integer     NOT NULL,
        response        jsonb       NOT NULL,
        created_at      timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (party, key)
      )`);
    // Wake the outbox relay at commit instead of making it poll; one notification per statement
    // (PostgreSQL folds identical ones within a transaction).
    await queryRunner.query(`
      CREATE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('outbox', '');
        RETURN NULL;
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER outbox_notify AFTER INSERT ON outbox
      FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify()`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER outbox_notify ON outbox`);
    await queryRunner.query(`DROP FUNCTION outbox_notify()`);
    await queryRunner.query(`DROP TABLE idempotency_keys`);
    await queryRunner.query(`DROP TABLE referral_changes`);
    await queryRunner.query(`DROP TABLE referrals`);
  }
}
