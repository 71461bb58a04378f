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

  @Column({ type: 'jsonb' })
  content!: Record<string, unknown>;

  @Column({ type: 'timestamptz', name: 'updated_at' })
  updatedAt!: Date;

  @Column({ type: 'timestamptz', name: 'submitted_at', nullable: true })
  submittedAt!: Date | null;
}
