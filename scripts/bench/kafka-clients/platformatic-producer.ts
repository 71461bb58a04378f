import { ProduceAcks, Producer, type MessageToProduce } from '@platformatic/kafka';
import type { OutgoingRecord, ProducerOptions } from '../../../src/kafka/kafka-client';
import { ReconnectingProducer } from '../../../src/kafka/reconnecting-producer';

/** Where an alternative client connects (plaintext, as on the benchmark's own broker). */
export interface ClientConnection {
  brokers: readonly string[];
  clientId: string;
}

/**
 * {@link KafkaProducer} on `@platformatic/kafka` (measured by `npm run bench:kafka-clients`, not
 * used by the hub). `send` resolves once the broker acknowledged every record with `acks=all`
 * (-1); an idempotent producer is the client's own (it forces one request in flight and acks=all).
 * After a failed send the producer is closed and the next send starts a fresh one, as the
 * interface asks.
 */
export class PlatformaticProducer extends ReconnectingProducer<Producer> {
  constructor(
    private readonly connection: ClientConnection,
    private readonly options: ProducerOptions,
  ) {
    super();
  }

  protected create(): Producer {
    return new Producer({
      clientId: this.connection.clientId,
      bootstrapBrokers: [...this.connection.brokers],
      acks: ProduceAcks.ALL,
      idempotent: this.options.idempotent,
      autocreateTopics: false,
      // As the kafkajs gateway: a few retries, then the send fails (an idempotent producer would
      // otherwise retry without end: the client sets MAX_SAFE_INTEGER when retries is <= 1).
      retries: 8,
      retryDelay: 300,
      timeout: 30_000,
    });
  }

  /** The client connects on its first send. */
  protected connect(): Promise<void> {
    return Promise.resolve();
  }

  protected disconnect(producer: Producer): Promise<void> {
    return closeForcibly(producer);
  }

  protected async sendWith(producer: Producer, records: readonly OutgoingRecord[]): Promise<void> {
    await producer.send({ messages: records.map(toMessage), acks: ProduceAcks.ALL });
  }
}

/**
 * Closes a client of `@platformatic/kafka` without waiting for its pending work, ignoring errors
 * (the promise form of `close` is the one without `force`).
 */
export function closeForcibly(client: {
  close(force: boolean, callback: (error: Error | null) => void): void;
}): Promise<void> {
  return new Promise((resolve) => {
    client.close(true, () => resolve());
  });
}

/** The client takes keys, values and headers as bytes (its default serialisers pass them on). */
function toMessage(record: OutgoingRecord): MessageToProduce {
  const headers = new Map<Buffer, Buffer>();
  for (const [name, value] of Object.entries(record.headers ?? {})) {
    headers.set(Buffer.from(name), bytes(value));
  }
  return {
    topic: record.topic,
    ...(record.key !== null && { key: bytes(record.key) }),
    ...(record.value !== null && { value: bytes(record.value) }),
    headers,
  };
}

function bytes(data: string | Buffer): Buffer {
  return typeof data === 'string' ? Buffer.from(data) : data;
}
