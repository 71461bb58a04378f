import { Module } from '@nestjs/common';
import { DeadlinesModule } from '../deadlines/deadlines.module';
import { OutboxModule } from '../outbox/outbox.module';
import { CaseMessageRepository } from './case-message.repository';
import { ConsentPersonIndex } from './consent-person-index';
import { IdempotencyRepository } from './idempotency.repository';
import { IdempotentRequests } from './idempotent-requests';
import { ReferralCommands } from './referral-commands';
import { ReferralErasure } from './referral-erasure';
import { ReferralLifecycleService } from './referral-lifecycle.service';
import { ReferralRepository } from './referral.repository';
import { ReferralRules } from './referral-rules';
import { ReferralsController } from './referrals.controller';
import { ReferralsService } from './referrals.service';
import { VisibleReferrals } from './visible-referrals';

// The feature's public surface: what other features may use (lint forbids reaching past it).
export { officerOf, type Actor, type OfficerActor, type PartnerActor } from './actor';
export { toMessageView, type CaseMessageView } from './case-message';
export { CaseMessageRepository } from './case-message.repository';
export {
  IdempotentRequests,
  type IdempotentOutcome,
  type IdempotentResponse,
} from './idempotent-requests';
export {
  ReferralCommands,
  type CommandResult,
  type MessageInput,
  type ReferralCommand,
} from './referral-commands';
export { ReferralError, type ReferralErrorCode } from './referral.error';
export type { ReferralRecord } from './referral.record';
export { toReferralView, viewerOf, type ReferralView } from './referral.view';
export { VisibleReferrals } from './visible-referrals';

/**
 * Referrals: the one command door every change goes through ({@link ReferralCommands}), the
 * lifecycle and its state machine, case messages' storage, erasure, and officers' HTTP routes.
 */
@Module({
  imports: [OutboxModule, DeadlinesModule],
  controllers: [ReferralsController],
  providers: [
    ReferralRepository,
    ReferralLifecycleService,
    ReferralRules,
    ReferralCommands,
    ReferralErasure,
    ReferralsService,
    IdempotencyRepository,
    IdempotentRequests,
    CaseMessageRepository,
    ConsentPersonIndex,
    VisibleReferrals,
  ],
  exports: [ReferralCommands, VisibleReferrals, CaseMessageRepository, IdempotentRequests],
})
export class ReferralsModule {}
