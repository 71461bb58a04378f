import { Module } from '@nestjs/common';
import { KafkaModule } from '../kafka/kafka.module';
import { EventSigner, UnsignedEventSigner } from './event-signer';
import { OutboxRelay } from './outbox-relay';
import { OutboxWriter } from './outbox-writer';

/** The transactional outbox: writing events with the change, and relaying them to Kafka. */
@Module({
  imports: [KafkaModule],
  providers: [OutboxWriter, OutboxRelay, { provide: EventSigner, useClass: UnsignedEventSigner }],
  exports: [OutboxWriter, OutboxRelay, EventSigner],
})
export class OutboxModule {}
