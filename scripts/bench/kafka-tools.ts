import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Consumer } from 'kafkajs';

/** The benchmark's own Kafka client: silent, on the broker the hub uses. */
export function benchKafka(brokers: string[], clientId: string): Kafka {
  return new Kafka({ clientId, brokers, logLevel: logLevel.NOTHING });
}

/**
 * Current end offset of every partition of `topic`. On a fresh broker a topic created a moment
 * ago may not have its leaders yet ("not the leader for that topic-partition"): retry.
 */
export async function endOffsets(
  kafka: Kafka,
  topic: string,
): Promise<{ partition: number; offset: string }[]> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await endOffsetsOnce(kafka, topic);
    } catch (error) {
      if (attempt >= 20) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250 * attempt));
    }
  }
}

async function endOffsetsOnce(
  kafka: Kafka,
  topic: string,
): Promise<{ partition: number; offset: string }[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return (await admin.fetchTopicOffsets(topic)).map((p) => ({
      partition: p.partition,
      offset: p.offset,
    }));
  } finally {
    await admin.disconnect();
  }
}

/** Points consumer group `groupId` at the given offsets (a new group starts exactly there). */
export async function setGroupOffsets(
  kafka: Kafka,
  groupId: string,
  topic: string,
  offsets: { partition: number; offset: string }[],
): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.setOffsets({ groupId, topic, partitions: offsets });
  } finally {
    await admin.disconnect();
  }
}

/** Creates `topics` if missing, with the hub's partition count, and waits for their leaders. */
export async function ensureTopics(
  kafka: Kafka,
  topics: readonly string[],
  partitions: number,
): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({
      topics: topics.map((topic) => ({ topic, numPartitions: partitions, replicationFactor: 1 })),
      waitForLeaders: true,
    });
  } finally {
    await admin.disconnect();
  }
}

/**
 * A partner system's reader, as thin as a consumer gets: reads `topic` from its current end and
 * notes when each record whose key is watched (and whose `ce_type` matches) arrived. Reads keys
 * and headers only, so its own cost stays out of the figures as far as possible.
 */
export class PartnerReader {
  private readonly arrived = new Map<string, number>();
  /** Per watched key: the record's timestamp (the producer's CreateTime), epoch milliseconds. */
  private readonly produced = new Map<string, number>();
  private watched = new Set<string>();
  private waiter: (() => void) | undefined;
  private consumer: Consumer | undefined;

  constructor(
    private readonly kafka: Kafka,
    private readonly topic: string,
    private readonly ceType: string | undefined,
  ) {}

  async start(): Promise<void> {
    const groupId = `bench-partner-${randomUUID()}`;
    await setGroupOffsets(
      this.kafka,
      groupId,
      this.topic,
      await endOffsets(this.kafka, this.topic),
    );
    const consumer = this.kafka.consumer({ groupId, maxWaitTimeInMs: 50 });
    this.consumer = consumer;
    await consumer.connect();
    await consumer.subscribe({ topic: this.topic, fromBeginning: false });
    let joined: () => void = () => undefined;
    const ready = new Promise<void>((resolve) => (joined = resolve));
    consumer.on(consumer.events.GROUP_JOIN, () => joined());
    await consumer.run({
      partitionsConsumedConcurrently: 6,
      eachBatch: async ({ batch }) => {
        const now = performance.now();
        for (const message of batch.messages) {
          const key = message.key?.toString();
          if (key === undefined || !this.watched.has(key) || this.arrived.has(key)) continue;
          if (this.ceType !== undefined && message.headers?.['ce_type']?.toString() !== this.ceType)
            continue;
          this.arrived.set(key, now);
          this.produced.set(key, Number(message.timestamp));
        }
        if (this.waiter && this.arrived.size >= this.watched.size) this.waiter();
        return Promise.resolve();
      },
    });
    await ready;
  }

  /** Starts noting these keys (and forgets earlier ones). */
  watch(keys: Iterable<string>): void {
    this.watched = new Set(keys);
    this.arrived.clear();
    this.produced.clear();
  }

  /**
   * When each arrived record was handed to the producer (its CreateTime), on the bench's
   * `performance.now()` clock: the hub's relay sets it as it sends, so it marks "published".
   */
  producedAt(): Map<string, number> {
    const origin = performance.timeOrigin;
    return new Map([...this.produced].map(([key, epochMs]) => [key, epochMs - origin]));
  }

  /** Resolves with each watched key's arrival time once all arrived; rejects after `timeoutMs`. */
  async all(timeoutMs: number): Promise<Map<string, number>> {
    const deadline = performance.now() + timeoutMs;
    while (this.arrived.size < this.watched.size) {
      const left = deadline - performance.now();
      if (left <= 0) {
        throw new Error(
          `partner reader on ${this.topic}: ${this.arrived.size} of ${this.watched.size} records arrived in ${timeoutMs} ms`,
        );
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 200));
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.waiter = undefined;
    }
    return new Map(this.arrived);
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
  }
}
