import { Module } from '@nestjs/common';
import { KafkaModule } from '../kafka/kafka.module';
import { AppConfig } from '../config/app-config';
import { HubSigningKey } from '../common/hub-signing-key';
import { EventSigner } from './event-signer';
import { OutboxRelay } from './outbox-relay';
import { OutboxWriter } from './outbox-writer';

/** The transactional outbox: writing events with the change, and relaying them to Kafka. */
@Module({
  imports: [KafkaModule],
  providers: [
    OutboxWriter,
    OutboxRelay,
    EventSigner,
    {
      provide: HubSigningKey,
      inject: [AppConfig],
      useFactory: (config: AppConfig) =>
        HubSigningKey.fromJwkFile(config.env.HUB_SIGNING_KEY_FILE, config.env.AUDIT_LOG_ORIGIN),
    },
  ],
  exports: [OutboxWriter, OutboxRelay, EventSigner, HubSigningKey],
})
export class OutboxModule {}
