import type { Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import type { Logger as PinoLogger } from 'pino';
import type { ConsumedRecord, GroupConsumer, GroupConsumerOptions } from './kafka-client';

const RESTART_DELAY_MS = 2000;
/** How long a stop waits for a start that is still joining the group. */
const START_WAIT_MS = 10_000;

/**
 * {@link GroupConsumer} on kafkajs, with manual commits: an offset is committed only after the
 * handler finished the records before it. kafkajs consumers can crash without restarting (kafkajs
 * #1299, #1513), and a start can fail while the broker is away: both are retried here, every
 * {@link RESTART_DELAY_MS}, until {@link stop}.
 */
export class KafkajsGroupConsumer implements GroupConsumer {
  private consumer: Consumer | undefined;
  private stopping = false;
  private restartTimer: NodeJS.Timeout | undefined;
  private starting: Promise<void> | undefined;

  constructor(
    private readonly kafka: Kafka,
    private readonly options: GroupConsumerOptions,
    private readonly logger: PinoLogger,
  ) {}

  start(): Promise<void> {
    this.starting = this.connectAndRun();
    return this.starting;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    // kafkajs's run() goes on joining the group over new connections (each a SASL login on a
    // secured broker) after a disconnect: let a start in progress end first, for a while.
    if (this.starting) {
      let timer: NodeJS.Timeout | undefined;
      const waited = new Promise<void>((resolve) => (timer = setTimeout(resolve, START_WAIT_MS)));
      await Promise.race([this.starting, waited]);
      clearTimeout(timer);
    }
    await this.consumer?.disconnect().catch(() => undefined);
  }

  private async connectAndRun(): Promise<void> {
    if (this.stopping) return;
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
      this.logger.error(
        `consumer ${this.options.groupId} crashed: ${error.message} (kafkajs restarts it: ${restart})`,
      );
      if (!restart) this.scheduleRestart();
    });
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: [...this.options.topics], fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: this.options.partitionsConcurrently,
        eachBatch: (payload) => this.eachBatch(consumer, payload),
      });
      this.logger.info(`consumer ${this.options.groupId} running`);
    } catch (error) {
      this.logger.warn(
        `consumer ${this.options.groupId} cannot start: ${(error as Error).message}`,
      );
      this.scheduleRestart();
    }
  }

  private scheduleRestart(): void {
    if (this.stopping) return;
    const old = this.consumer;
    this.consumer = undefined;
    clearTimeout(this.restartTimer);
    this.restartTimer = setTimeout(() => {
      void (old?.disconnect().catch(() => undefined) ?? Promise.resolve()).then(() => this.start());
    }, RESTART_DELAY_MS);
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
