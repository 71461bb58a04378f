import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { deadLetterTopic } from '@hub/contracts';
import type { ConsumedRecord, KafkaProducer } from '../kafka/kafka-client';
import { KafkaGateway } from '../kafka/kafka-gateway';
import type { InboundErrorCode } from './inbound-error';

/** An inbound record as read from Kafka, kept byte for byte. */
export interface InboundRecord extends ConsumedRecord {
  /** Partner country whose `from` topic the record came from. */
  country: string;
}

/** Headers the hub adds to a dead-lettered record. */
export const DLQ_HEADERS = {
  code: 'mrh-dlq-code',
  detail: 'mrh-dlq-detail',
  topic: 'mrh-dlq-original-topic',
  partition: 'mrh-dlq-original-partition',
  offset: 'mrh-dlq-original-offset',
  at: 'mrh-dlq-at',
} as const;

/**
 * Copies refused records to `referral-hub.from.<CC>.dlq` unchanged (key, value, headers), adding
 * the reason and the original position. Awaited before the record's offset may be committed.
 */
@Injectable()
export class DeadLetterPublisher implements OnApplicationShutdown {
  private readonly producer: KafkaProducer;

  constructor(@Inject(KafkaGateway) kafka: KafkaGateway) {
    this.producer = kafka.producer({ idempotent: false });
  }

  async publish(record: InboundRecord, code: InboundErrorCode, detail: string): Promise<void> {
    const headers: Record<string, Buffer | string> = {};
    for (const [name, value] of Object.entries(record.headers)) {
      if (value !== undefined) headers[name] = value;
    }
    headers[DLQ_HEADERS.code] = code;
    headers[DLQ_HEADERS.detail] = detail.slice(0, 1000);
    headers[DLQ_HEADERS.topic] = record.topic;
    headers[DLQ_HEADERS.partition] = String(record.partition);
    headers[DLQ_HEADERS.offset] = record.offset;
    headers[DLQ_HEADERS.at] = new Date().toISOString();
    await this.producer.send([
      { topic: deadLetterTopic(record.country), key: record.key, value: record.value, headers },
    ]);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.producer.close();
  }
}
