import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A draft withdrawn before it was ever submitted keeps `seq` 0: drafts are private and
 * unnumbered (contract v1, `referralseq`), and no partner ever saw one. The old constraint
 * (`DRAFT` if and only if `seq = 0`) forced such a withdrawal to take number 1. Referrals
 * withdrawn as drafts before this migration keep the number they were given.
 */
export class UnnumberedWithdrawnDrafts1763840000000 implements MigrationInterface {
  name = 'UnnumberedWithdrawnDrafts1763840000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE referrals
        DROP CONSTRAINT referrals_draft_unnumbered,
        ADD CONSTRAINT referrals_draft_unnumbered CHECK (
          CASE
            WHEN status = 'DRAFT' THEN seq = 0
            WHEN submitted_at IS NULL THEN status = 'WITHDRAWN'
            ELSE seq > 0
          END)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    // Back to the old rule: an unnumbered withdrawn draft takes the number it would have had.
    await queryRunner.query(`UPDATE referrals SET seq = 1 WHERE status <> 'DRAFT' AND seq = 0`);
    await queryRunner.query(`
      ALTER TABLE referrals
        DROP CONSTRAINT referrals_draft_unnumbered,
        ADD CONSTRAINT referrals_draft_unnumbered CHECK ((status = 'DRAFT') = (seq = 0))`);
  }
}
