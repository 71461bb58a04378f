import type { OutgoingRecord, ProducerOptions } from '../../../src/kafka/kafka-client';
import { byTopic, ReconnectingProducer } from '../../../src/kafka/reconnecting-producer';
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
export class ConfluentKafkaProducer extends ReconnectingProducer<ConfluentProducer> {
  constructor(
    private readonly kafka: ConfluentKafka,
    private readonly options: ProducerOptions,
  ) {
    super();
  }

  protected create(): ConfluentProducer {
    return this.kafka.producer({
      kafkaJS: {
        acks: -1,
        idempotent: this.options.idempotent,
        ...(this.options.idempotent && { maxInFlightRequests: 1 }),
        allowAutoTopicCreation: false,
      },
      'linger.ms': 0,
    });
  }

  protected connect(producer: ConfluentProducer): Promise<void> {
    return producer.connect();
  }

  protected disconnect(producer: ConfluentProducer): Promise<void> {
    return producer.disconnect();
  }

  protected async sendWith(
    producer: ConfluentProducer,
    records: readonly OutgoingRecord[],
  ): Promise<void> {
    await producer.sendBatch({
      topicMessages: byTopic(records, (r): ConfluentMessage => ({
        key: r.key,
        value: r.value,
        ...(r.headers !== undefined && { headers: { ...r.headers } }),
      })),
    });
  }
}
