import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * The naive implementation's view of the `referrals` table: a TypeORM entity, as the NestJS
 * samples would write it. Column types are spelt out because the benchmark runs it with tsx,
 * which emits no decorator metadata.
 */
@Entity('referrals')
export class NaiveReferral {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ type: 'text' })
  status!: string;

  @Column({ type: 'int' })
  version!: number;

  @Column({ type: 'int' })
  seq!: number;

  @Column({ type: 'text', name: 'sender_party' })
  senderParty!: string;

  @Column({ type: 'text', name: 'receiver_party' })
  receiverParty!: string;

  /** The content, sealed with the referral's data key as the hub stores it. */
  @Column({ type: 'bytea', name: 'sealed_content' })
  sealedContent!: Buffer;

  @Column({ type: 'timestamptz', name: 'updated_at' })
  updatedAt!: Date;

  @Column({ type: 'timestamptz', name: 'submitted_at', nullable: true })
  submittedAt!: Date | null;
}

/** The referral's data key, wrapped by the master key (`referral_keys`). */
@Entity('referral_keys')
export class NaiveReferralKey {
  @PrimaryColumn({ type: 'uuid', name: 'referral_id' })
  referralId!: string;

  @Column({ type: 'text', name: 'master_key_id' })
  masterKeyId!: string;

  @Column({ type: 'bytea', name: 'wrapped_key', nullable: true })
  wrappedKey!: Buffer | null;
}
