import { Module } from '@nestjs/common';
import { KafkaModule } from '../kafka/kafka.module';
import { MessagingModule } from '../messaging/messaging.module';
import { ReferralsModule } from '../referrals/referrals.module';
import { DeadLetterPublisher } from './dead-letter-publisher';
import { InboxRepository } from './inbox.repository';
import { InboundProcessor } from './inbound-processor';
import { OutboxModule } from './outbox.module';
import { PartnerInboundConsumer } from './partner-inbound.consumer';

/** Partner systems over Kafka: the inbound consumer, inbox and dead-letter topic. */
@Module({
  imports: [KafkaModule, OutboxModule, ReferralsModule, MessagingModule],
  providers: [InboxRepository, InboundProcessor, DeadLetterPublisher, PartnerInboundConsumer],
  exports: [PartnerInboundConsumer, InboundProcessor],
})
export class PartnersModule {}
