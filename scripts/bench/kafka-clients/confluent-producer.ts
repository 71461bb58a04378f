import type {
  KafkaProducer,
  OutgoingRecord,
  ProducerOptions,
} from '../../../src/kafka/kafka-client';
import type { ConfluentKafka, ConfluentMessage, ConfluentProducer } from './confluent-api';

/**
 * {@link KafkaProducer} on `@confluentinc/kafka-javascript`'s KafkaJS-compatible API (librdkafka
 * underneath; measured by `npm run bench:kafka-clients`, not used by the hub). `acks` is a
 * producer setting there (-1: all in-sync replicas), and `sendBatch` resolves once librdkafka
 * reported every record delivered. Idempotent as kafkajs is here: one request in flight. After a
 * failed send the producer is disconnected and the next send connects a fresh one. `linger.ms` is
 * 0: each send is a whole batch, and librdkafka's default (5 ms) only delayed every batch of the
 * relay's send-and-wait loop (it halved the measured rate).
 */
export class ConfluentKafkaProducer implements KafkaProducer {
  private producer: ConfluentProducer | undefined;

  constructor(
    private readonly kafka: ConfluentKafka,
    private readonly options: ProducerOptions,
  ) {}

  async send(records: readonly OutgoingRecord[]): Promise<void> {
    if (records.length === 0) return;
    const producer = await this.connected();
    const byTopic = new Map<string, ConfluentMessage[]>();
    for (const record of records) {
      const list = byTopic.get(record.topic) ?? [];
      list.push({
        key: record.key,
        value: record.value,
        ...(record.headers !== undefined && { headers: { ...record.headers } }),
      });
      byTopic.set(record.topic, list);
    }
    try {
      await producer.sendBatch({
        topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
      });
    } catch (error) {
      this.producer = undefined;
      await producer.disconnect().catch(() => undefined);
      throw error;
    }
  }

  async close(): Promise<void> {
    const producer = this.producer;
    this.producer = undefined;
    await producer?.disconnect().catch(() => undefined);
  }

  private async connected(): Promise<ConfluentProducer> {
    if (this.producer) return this.producer;
    const producer = this.kafka.producer({
      kafkaJS: {
        acks: -1,
        idempotent: this.options.idempotent,
        ...(this.options.idempotent && { maxInFlightRequests: 1 }),
        allowAutoTopicCreation: false,
      },
      'linger.ms': 0,
    });
    try {
      await producer.connect();
    } catch (error) {
      await producer.disconnect().catch(() => undefined);
      throw error;
    }
    this.producer = producer;
    return producer;
  }
}
