import type { MigrationInterface, QueryRunner } from 'typeorm';
import { APP_ROLE } from './1763800000000-audit-trail';

/**
 * A victim's withdrawal of consent to share data: the withdrawal in force, kept with the referral
 * (null while consent holds), and keyed blind indexes of the person's identifiers (HMAC-SHA-256 of
 * normalised document numbers, and of names with the birth date, under a key derived from the
 * personal-data master key) so that a new referral of the same person is recognised without a
 * clear identifier in the database. An index row lives while the withdrawal is in force; a
 * restoration or an erasure of the referral's personal data deletes it.
 */
export class ConsentWithdrawal1763880000000 implements MigrationInterface {
  name = 'ConsentWithdrawal1763880000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE referrals ADD COLUMN consent_withdrawal jsonb`);
    await queryRunner.query(`
      CREATE TABLE consent_person_index (
        token        bytea NOT NULL,
        referral_id  uuid  NOT NULL REFERENCES referrals (id),
        key_id       text  NOT NULL,
        PRIMARY KEY (token, referral_id),
        CONSTRAINT consent_person_index_token_length CHECK (octet_length(token) = 32)
      )`);
    await queryRunner.query(
      `CREATE INDEX consent_person_index_referral ON consent_person_index (referral_id)`,
    );
    await queryRunner.query(`GRANT SELECT, INSERT, DELETE ON consent_person_index TO ${APP_ROLE}`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE consent_person_index`);
    await queryRunner.query(`ALTER TABLE referrals DROP COLUMN consent_withdrawal`);
  }
}
