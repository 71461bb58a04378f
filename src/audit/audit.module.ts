import { Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { OutboxModule } from '../partners/outbox.module';
import { ReferralsModule } from '../referrals/referrals.module';
import { AuditController } from './audit.controller';
import { AuditLog } from './audit-log.service';
import { AuditSequencer } from './audit-sequencer';
import { HubSigningKey } from './hub-signing-key';
import { ReferralAccess } from './referral-access';

/** The audit trail as a verifiable log: sequencer, checkpoints, proofs, auditors' routes. */
@Module({
  imports: [OutboxModule, ReferralsModule],
  controllers: [AuditController],
  providers: [
    AuditLog,
    AuditSequencer,
    ReferralAccess,
    {
      provide: HubSigningKey,
      inject: [AppConfig],
      useFactory: (config: AppConfig) =>
        HubSigningKey.fromJwkFile(config.env.HUB_SIGNING_KEY_FILE, config.env.AUDIT_LOG_ORIGIN),
    },
  ],
  exports: [AuditLog, AuditSequencer],
})
export class AuditModule {}
