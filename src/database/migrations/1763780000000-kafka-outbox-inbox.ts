import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The two tables that carry every event across the database/Kafka boundary.
 *
 * `outbox`: events written in the same transaction as the change they announce, published later
 * by the relay and marked only after the broker acknowledged them. The relay selects unpublished
 * rows (never `id > high-water mark`, which skips rows whose transaction commits late).
 *
 * `inbox`: one row per partner event applied, keyed by CloudEvents identity (`source`, `id`), with
 * a digest of the payload so a reused id carrying a different payload is caught, not ignored.
 */
export class KafkaOutboxInbox1763780000000 implements MigrationInterface {
  name = 'KafkaOutboxInbox1763780000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE outbox (
        id            bigserial PRIMARY KEY,
        event_id      uuid        NOT NULL UNIQUE,
        topic         text        NOT NULL,
        message_key   text        NOT NULL,
        referral_id   uuid,
        referral_seq  integer,
        value         text        NOT NULL,
        headers       jsonb       NOT NULL DEFAULT '{}'::jsonb,
        created_at    timestamptz NOT NULL DEFAULT now(),
        published_at  timestamptz,
        CONSTRAINT outbox_seq_positive CHECK (referral_seq IS NULL OR referral_seq > 0)
      )`);
    await queryRunner.query(
      `CREATE INDEX outbox_unpublished ON outbox (id) WHERE published_at IS NULL`,
    );
    await queryRunner.query(`
      CREATE TABLE inbox (
        source          text        NOT NULL,
        event_id        text        NOT NULL,
        payload_sha256  bytea       NOT NULL,
        topic           text        NOT NULL,
        kafka_partition integer     NOT NULL,
        kafka_offset    bigint      NOT NULL,
        outcome         text        NOT NULL,
        received_at     timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (source, event_id),
        CONSTRAINT inbox_outcome CHECK (outcome IN ('applied', 'rejected'))
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE inbox`);
    await queryRunner.query(`DROP TABLE outbox`);
  }
}
