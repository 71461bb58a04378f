import { Module } from '@nestjs/common';
import { OutboxModule } from '../outbox/outbox.module';
import { ReferralsModule } from '../referrals/referrals.module';
import { AuditController } from './audit.controller';
import { AuditLog } from './audit-log.service';
import { AuditProofs } from './audit-proofs';
import { AuditProofsController } from './audit-proofs.controller';
import { AuditSequencer } from './audit-sequencer';
import { ReferralAccess } from './referral-access';

/** The audit trail as a verifiable log: sequencer, checkpoints, proofs, auditors' routes. */
@Module({
  imports: [OutboxModule, ReferralsModule],
  controllers: [AuditController, AuditProofsController],
  providers: [AuditLog, AuditProofs, AuditSequencer, ReferralAccess],
  exports: [AuditLog, AuditSequencer],
})
export class AuditModule {}
