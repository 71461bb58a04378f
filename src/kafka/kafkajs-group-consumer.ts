import type { Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import type { Logger as PinoLogger } from 'pino';
import type { ConsumedRecord, GroupConsumerOptions } from './kafka-client';
import { RestartingGroupConsumer } from './restarting-group-consumer';

/**
 * {@link GroupConsumer} on kafkajs, with manual commits: an offset is committed only after the
 * handler finished the records before it. kafkajs consumers can crash without restarting (kafkajs
 * #1299, #1513), and a start can fail while the broker is away: both restart the member (see
 * {@link RestartingGroupConsumer}).
 */
export class KafkajsGroupConsumer extends RestartingGroupConsumer {
  private consumer: Consumer | undefined;

  constructor(
    private readonly kafka: Kafka,
    options: GroupConsumerOptions,
    logger: PinoLogger,
  ) {
    super(options, logger);
  }

  protected async join(member: number): Promise<void> {
    const consumer = this.kafka.consumer({
      groupId: this.options.groupId,
      allowAutoTopicCreation: false,
      // After a crash the group waits for the dead member's session to expire before handing its
      // partitions over: a short session keeps that pause to ~10 s (handlers heartbeat in waits).
      sessionTimeout: 10_000,
      rebalanceTimeout: 15_000,
      heartbeatInterval: 1000,
    });
    this.consumer = consumer;
    consumer.on(consumer.events.CRASH, (event) => {
      const { error, restart } = event.payload;
      if (restart) {
        this.logger.error(
          `consumer ${this.options.groupId} crashed: ${error.message} (kafkajs restarts it)`,
        );
      } else {
        this.crashed(member, error);
      }
    });
    await consumer.connect();
    await consumer.subscribe({ topics: [...this.options.topics], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitionsConcurrently,
      eachBatch: (payload) => this.eachBatch(consumer, payload),
    });
  }

  protected async leave(): Promise<void> {
    const consumer = this.consumer;
    this.consumer = undefined;
    await consumer?.disconnect().catch(() => undefined);
  }

  private async eachBatch(consumer: Consumer, payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    const last = await this.options.handle({
      topic: batch.topic,
      partition: batch.partition,
      records: batch.messages.map((m) => toRecord(batch.topic, batch.partition, m)),
      heartbeat: () => payload.heartbeat(),
      stopped: () => !payload.isRunning() || payload.isStale(),
    });
    if (last === undefined) return;
    payload.resolveOffset(last);
    await consumer.commitOffsets([
      { topic: batch.topic, partition: batch.partition, offset: (BigInt(last) + 1n).toString() },
    ]);
  }
}

function toRecord(topic: string, partition: number, message: KafkaMessage): ConsumedRecord {
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
