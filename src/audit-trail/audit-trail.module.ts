import { Global, Module } from '@nestjs/common';
import { AuditWriter } from './audit-writer';

/** Writing to the audit trail; every feature that changes or reads referral data uses it. */
@Global()
@Module({ providers: [AuditWriter], exports: [AuditWriter] })
export class AuditTrailModule {}
