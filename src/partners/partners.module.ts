import { Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { KafkaModule } from '../kafka/kafka.module';
import { AuditModule } from '../audit/audit.module';
import { PartnerKeys } from './partner-keys';
import { ReferralsModule } from '../referrals/referrals.module';
import { DeadLetterPublisher } from './dead-letter-publisher';
import { InboxRepository } from './inbox.repository';
import { InboundProcessor } from './inbound-processor';
import { OutboxModule } from '../outbox/outbox.module';
import { PartnerAnswers } from './partner-answers';
import { PartnerInboundConsumer } from './partner-inbound.consumer';

// The feature's public surface (metrics reads the consumer's counters).
export { PartnerInboundConsumer, type ConsumerStats } from './partner-inbound.consumer';

/** Partner systems over Kafka: the inbound consumer, inbox and dead-letter topic. */
@Module({
  imports: [KafkaModule, OutboxModule, ReferralsModule, AuditModule],
  providers: [
    InboxRepository,
    InboundProcessor,
    PartnerAnswers,
    DeadLetterPublisher,
    PartnerInboundConsumer,
    {
      provide: PartnerKeys,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => PartnerKeys.fromRegistry(config.registry),
    },
  ],
  exports: [PartnerInboundConsumer, InboundProcessor],
})
export class PartnersModule {}
