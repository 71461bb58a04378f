import type { Kafka, Producer } from 'kafkajs';
import type { KafkaProducer, OutgoingRecord, ProducerOptions } from './kafka-client';

/**
 * {@link KafkaProducer} on kafkajs. Connects on first use; after a failed send it drops the
 * producer and the next send connects a fresh one, because kafkajs's producer (the idempotent one
 * above all: sequence errors, kafkajs #598) can stay broken after reconnects.
 */
export class KafkajsProducer implements KafkaProducer {
  private producer: Producer | undefined;

  constructor(
    private readonly kafka: Kafka,
    private readonly options: ProducerOptions,
  ) {}

  async send(records: readonly OutgoingRecord[]): Promise<void> {
    if (records.length === 0) return;
    const producer = await this.connected();
    const byTopic = new Map<string, OutgoingRecord[]>();
    for (const record of records) {
      const list = byTopic.get(record.topic) ?? [];
      list.push(record);
      byTopic.set(record.topic, list);
    }
    try {
      await producer.sendBatch({
        acks: -1,
        topicMessages: [...byTopic].map(([topic, list]) => ({
          topic,
          messages: list.map((r) => ({
            key: r.key,
            value: r.value,
            ...(r.headers !== undefined && { headers: { ...r.headers } }),
          })),
        })),
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

  private async connected(): Promise<Producer> {
    if (this.producer) return this.producer;
    const producer = this.kafka.producer({
      allowAutoTopicCreation: false,
      ...(this.options.idempotent && { idempotent: true, maxInFlightRequests: 1 }),
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
