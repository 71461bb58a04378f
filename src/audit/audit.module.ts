import { Module } from '@nestjs/common';

// The feature's public surface (partners apply the witnesses' events through it).
export { AuditWitnesses, WitnessEventError, type WitnessSender } from './audit-witnesses';
import { OutboxModule } from '../outbox/outbox.module';
import { ReferralsModule } from '../referrals/referrals.module';
import { AuditController } from './audit.controller';
import { AuditLog } from './audit-log.service';
import { AuditProofs } from './audit-proofs';
import { AuditProofsController } from './audit-proofs.controller';
import { AuditSequencer } from './audit-sequencer';
import { AuditWitnesses } from './audit-witnesses';
import { ReferralAccess } from './referral-access';

/**
 * The audit trail as a verifiable log: sequencer, checkpoints, proofs, partner witnesses and
 * their cosignatures, auditors' routes.
 */
@Module({
  imports: [OutboxModule, ReferralsModule],
  controllers: [AuditController, AuditProofsController],
  providers: [AuditLog, AuditProofs, AuditSequencer, AuditWitnesses, ReferralAccess],
  exports: [AuditLog, AuditSequencer, AuditWitnesses],
})
export class AuditModule {}
