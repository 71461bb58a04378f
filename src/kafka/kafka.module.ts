import { Module } from '@nestjs/common';
import type { Logger as PinoLogger } from 'pino';
import { AppConfig } from '../config/app-config';
import { ROOT_LOGGER } from '../common/logging/logging.module';
import { KafkaGateway } from './kafka-gateway';
import { TopicProvisioner } from './topic-provisioner';

/** Kafka access for the hub's features: the gateway and the topic provisioning. */
@Module({
  providers: [
    {
      provide: KafkaGateway,
      inject: [AppConfig, ROOT_LOGGER],
      useFactory: (config: AppConfig, logger: PinoLogger) =>
        new KafkaGateway({
          brokers: config.kafkaBrokers,
          clientId: config.env.KAFKA_CLIENT_ID,
          logger,
          ...(config.kafkaSasl !== undefined && { sasl: config.kafkaSasl }),
          ...(config.kafkaTls !== undefined && { tls: config.kafkaTls }),
        }),
    },
    TopicProvisioner,
  ],
  exports: [KafkaGateway, TopicProvisioner],
})
export class KafkaModule {}
