import type { Kafka, Producer } from 'kafkajs';
import type { OutgoingRecord, ProducerOptions } from './kafka-client';
import { byTopic, ReconnectingProducer } from './reconnecting-producer';

/**
 * {@link KafkaProducer} on kafkajs, replaced after a failed send (see
 * {@link ReconnectingProducer}): kafkajs's idempotent producer above all can stay broken after
 * reconnects (sequence errors, kafkajs #598).
 */
export class KafkajsProducer extends ReconnectingProducer<Producer> {
  constructor(
    private readonly kafka: Kafka,
    private readonly options: ProducerOptions,
  ) {
    super();
  }

  protected create(): Producer {
    return this.kafka.producer({
      allowAutoTopicCreation: false,
      ...(this.options.idempotent && { idempotent: true, maxInFlightRequests: 1 }),
    });
  }

  protected connect(producer: Producer): Promise<void> {
    return producer.connect();
  }

  protected disconnect(producer: Producer): Promise<void> {
    return producer.disconnect();
  }

  protected async sendWith(producer: Producer, records: readonly OutgoingRecord[]): Promise<void> {
    await producer.sendBatch({
      acks: -1,
      topicMessages: byTopic(records, (r) => ({
        key: r.key,
        value: r.value,
        ...(r.headers !== undefined && { headers: { ...r.headers } }),
      })),
    });
  }
}
