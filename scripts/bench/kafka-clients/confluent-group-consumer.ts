import type { Logger as PinoLogger } from 'pino';
import type { ConsumedRecord, GroupConsumerOptions } from '../../../src/kafka/kafka-client';
import { RestartingGroupConsumer } from '../../../src/kafka/restarting-group-consumer';
import type {
  ConfluentConsumedMessage,
  ConfluentConsumer,
  ConfluentEachBatchPayload,
  ConfluentKafka,
} from './confluent-api';

/**
 * Largest batch handed to the handler. The client's default is 32 (its batches are cut client
 * side, not the broker's); 500 records of the hub's ~2 KB are about the 1 MB a kafkajs fetch
 * brings per partition, so both commit about as often.
 */
const MAX_BATCH = 500;

/**
 * {@link GroupConsumer} on `@confluentinc/kafka-javascript`'s KafkaJS-compatible API (measured by
 * `npm run bench:kafka-clients`, not used by the hub). As the kafkajs one: autocommit off (a
 * consumer setting there, as is reading from the earliest offset), `eachBatch` without
 * auto-resolve, and the offset after the record the handler returns resolved and committed only
 * after it resolved. A throwing handler restarts the member (the client alone would seek back
 * and hand the batch again); so does a start that fails. librdkafka heartbeats by itself.
 */
export class ConfluentGroupConsumer extends RestartingGroupConsumer {
  private consumer: ConfluentConsumer | undefined;

  constructor(
    private readonly kafka: ConfluentKafka,
    options: GroupConsumerOptions,
    logger: PinoLogger,
  ) {
    super(options, logger);
  }

  protected async join(member: number): Promise<void> {
    const consumer = this.kafka.consumer({
      kafkaJS: {
        groupId: this.options.groupId,
        fromBeginning: true,
        autoCommit: false,
        allowAutoTopicCreation: false,
        // The kafkajs gateway's group timings (rebalanceTimeout is max.poll.interval.ms here too).
        sessionTimeout: 10_000,
        rebalanceTimeout: 15_000,
        heartbeatInterval: 1000,
      },
      'js.consumer.max.batch.size': MAX_BATCH,
    });
    this.consumer = consumer;
    await consumer.connect();
    await consumer.subscribe({ topics: [...this.options.topics] });
    await consumer.run({
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitionsConcurrently,
      eachBatch: (payload) => this.eachBatch(member, consumer, payload),
    });
  }

  /** The client has no stop(): disconnecting waits for the running batches and leaves the group. */
  protected async leave(): Promise<void> {
    const consumer = this.consumer;
    this.consumer = undefined;
    await consumer?.disconnect().catch(() => undefined);
  }

  private async eachBatch(
    member: number,
    consumer: ConfluentConsumer,
    payload: ConfluentEachBatchPayload,
  ): Promise<void> {
    const { batch } = payload;
    if (member !== this.member) return;
    try {
      const last = await this.options.handle({
        topic: batch.topic,
        partition: batch.partition,
        records: batch.messages.map((m) => toRecord(batch.topic, batch.partition, m)),
        heartbeat: () => payload.heartbeat(),
        stopped: () => member !== this.member || !payload.isRunning() || payload.isStale(),
      });
      if (last === undefined || member !== this.member) return;
      payload.resolveOffset(last);
      await consumer.commitOffsets([
        { topic: batch.topic, partition: batch.partition, offset: (BigInt(last) + 1n).toString() },
      ]);
    } catch (error) {
      this.crashed(member, error as Error);
    }
  }
}

function toRecord(
  topic: string,
  partition: number,
  message: ConfluentConsumedMessage,
): ConsumedRecord {
  return {
    topic,
    partition,
    offset: message.offset,
    key: message.key,
    value: message.value,
    headers: Object.fromEntries(
      Object.entries(message.headers ?? {}).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v]),
    ),
  };
}
