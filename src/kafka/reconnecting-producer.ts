import type { KafkaProducer, OutgoingRecord } from './kafka-client';

/**
 * The life of a {@link KafkaProducer} whatever the client under it: connect on first use, and
 * after a failed send drop the client's producer so the next send connects a fresh one (a
 * client's producer can stay wedged after a failure: kafkajs #598).
 */
export abstract class ReconnectingProducer<P> implements KafkaProducer {
  private producer: P | undefined;

  async send(records: readonly OutgoingRecord[]): Promise<void> {
    if (records.length === 0) return;
    const producer = await this.connected();
    try {
      await this.sendWith(producer, records);
    } catch (error) {
      this.producer = undefined;
      await this.disconnect(producer).catch(() => undefined);
      throw error;
    }
  }

  async close(): Promise<void> {
    const producer = this.producer;
    this.producer = undefined;
    if (producer !== undefined) await this.disconnect(producer).catch(() => undefined);
  }

  /** A new, unconnected client producer. */
  protected abstract create(): P;
  /** Connects it (may be a no-op for a client that connects on first send). */
  protected abstract connect(producer: P): Promise<void>;
  protected abstract disconnect(producer: P): Promise<void>;
  /** Writes the records, resolving once all in-sync replicas acknowledged them. */
  protected abstract sendWith(producer: P, records: readonly OutgoingRecord[]): Promise<void>;

  private async connected(): Promise<P> {
    if (this.producer !== undefined) return this.producer;
    const producer = this.create();
    try {
      await this.connect(producer);
    } catch (error) {
      await this.disconnect(producer).catch(() => undefined);
      throw error;
    }
    this.producer = producer;
    return producer;
  }
}

/** Records grouped by topic, in order within each: the shape of a batch send. */
export function byTopic<M>(
  records: readonly OutgoingRecord[],
  toMessage: (record: OutgoingRecord) => M,
): { topic: string; messages: M[] }[] {
  const groups = new Map<string, M[]>();
  for (const record of records) {
    const messages = groups.get(record.topic) ?? [];
    messages.push(toMessage(record));
    groups.set(record.topic, messages);
  }
  return [...groups].map(([topic, messages]) => ({ topic, messages }));
}
