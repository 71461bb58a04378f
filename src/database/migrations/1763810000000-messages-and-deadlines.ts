import type { MigrationInterface, QueryRunner } from 'typeorm';
import { APP_ROLE } from './1763800000000-audit-trail';

/**
 * Case messages (each one a numbered change of its referral) and the deadlines of waiting steps.
 *
 * `referral_deadlines`: one row per step a referral waits on, opened when it enters the waiting
 * state and met when it leaves it. The overdue notice is claimed by setting `overdue_at` in the
 * same transaction that queues its events, so it happens once whatever the number of instances.
 */
export class MessagesAndDeadlines1763810000000 implements MigrationInterface {
  name = 'MessagesAndDeadlines1763810000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE case_messages (
        id            uuid        PRIMARY KEY,
        referral_id   uuid        NOT NULL REFERENCES referrals (id),
        seq           integer     NOT NULL,
        author_party  text        NOT NULL,
        author        text        NOT NULL,
        language      text        NOT NULL,
        body          text        NOT NULL,
        attachments   jsonb       NOT NULL DEFAULT '[]'::jsonb,
        event_id      uuid        NOT NULL UNIQUE,
        created_at    timestamptz NOT NULL,
        delivered_at  timestamptz,
        read_at       timestamptz,
        UNIQUE (referral_id, seq)
      )`);
    await queryRunner.query(`
      CREATE TABLE referral_deadlines (
        referral_id   uuid        NOT NULL REFERENCES referrals (id),
        step          text        NOT NULL,
        opened_seq    integer     NOT NULL,
        due_at        timestamptz NOT NULL,
        waiting_party text        NOT NULL,
        met_at        timestamptz,
        overdue_at    timestamptz,
        PRIMARY KEY (referral_id, step, opened_seq),
        CONSTRAINT referral_deadlines_step CHECK
          (step IN ('ACKNOWLEDGE', 'DECIDE', 'PROVIDE_INFO', 'COMPLETE'))
      )`);
    // The scanner's question: open deadlines that are due and not yet notified.
    await queryRunner.query(`
      CREATE INDEX referral_deadlines_due ON referral_deadlines (due_at)
      WHERE met_at IS NULL AND overdue_at IS NULL`);
    await queryRunner.query(
      `GRANT SELECT, INSERT, UPDATE, DELETE ON case_messages, referral_deadlines TO ${APP_ROLE}`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE referral_deadlines`);
    await queryRunner.query(`DROP TABLE case_messages`);
  }
}
