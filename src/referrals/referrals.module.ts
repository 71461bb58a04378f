import { Module } from '@nestjs/common';
import { DeadlinesModule } from '../deadlines/deadlines.module';
import { OutboxModule } from '../outbox/outbox.module';
import { IdempotencyRepository } from './idempotency.repository';
import { ReferralRepository } from './referral.repository';
import { ReferralLifecycleService } from './referral-lifecycle.service';
import { ReferralRules } from './referral-rules';
import { ReferralsController } from './referrals.controller';
import { ReferralsService } from './referrals.service';
import { VisibleReferrals } from './visible-referrals';

/** Referrals: the lifecycle, officers' HTTP routes, and the core partners' events also use. */
@Module({
  imports: [OutboxModule, DeadlinesModule],
  controllers: [ReferralsController],
  providers: [
    ReferralRepository,
    ReferralLifecycleService,
    ReferralRules,
    ReferralsService,
    IdempotencyRepository,
    VisibleReferrals,
  ],
  exports: [ReferralRepository, ReferralLifecycleService, ReferralRules, VisibleReferrals],
})
export class ReferralsModule {}
