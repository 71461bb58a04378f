import { Module } from '@nestjs/common';
import { ReferralsModule } from '../referrals/referrals.module';
import { ErasureController } from './erasure.controller';
import { ErasureService } from './erasure.service';
import { RetentionScanner } from './retention-scanner';

/** Erasure of personal data: by a supervisor over HTTP, and by the retention policy. */
@Module({
  imports: [ReferralsModule],
  controllers: [ErasureController],
  providers: [ErasureService, RetentionScanner],
  exports: [RetentionScanner],
})
export class ErasureModule {}
