import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { fromTopic } from '@hub/contracts';
import type { Consumer, EachBatchPayload, KafkaMessage } from 'kafkajs';
import { AppConfig } from '../config/app-config';
import { correlationStorage } from '../common/logging/correlation';
import { isDatabaseUnavailable } from '../common/problem/render-problem';
import { KafkaGateway } from '../kafka/kafka-gateway';
import { TopicProvisioner } from '../kafka/topic-provisioner';
import type { InboundRecord } from './dead-letter-publisher';
import { InboundProcessor, type InboundOutcome } from './inbound-processor';

/** Attempts at a record that fails for a reason other than an outage, before it is dead-lettered. */
const POISON_ATTEMPTS = 3;
/**
 * Records of a partition applied in one transaction when they are ordinary traffic: one commit for
 * many (the benchmark's inbound figure). Small enough that a run stays well inside a heartbeat.
 */
const RUN_SIZE = 50;
const RESTART_DELAY_MS = 2000;
/** How long a shutdown waits for a start that is still joining the group. */
const START_WAIT_MS = 10_000;

/** Counters of this instance's consumer, for tests and benchmarks. */
export interface ConsumerStats {
  applied: number;
  duplicates: number;
  rejected: number;
  deadLettered: number;
  retries: number;
}

/**
 * Consumes every partner country's `referral-hub.from.<CC>` topic with a raw kafkajs consumer:
 * the Nest Kafka transport would retry a failing record forever and has no dead-letter topic.
 *
 * Records of one partition are handled one after another (one referral's events share a
 * partition, so they are applied in order); partitions run concurrently. Ordinary traffic goes in
 * runs of consecutive records, one transaction per run; a run that meets anything else (an
 * unusable record, a refusal, an outage) is undone and its records are handled one at a time. An
 * offset is committed only after the record's transaction committed. While the database is down the consumer waits
 * and retries the same record (heartbeating), so nothing is skipped; a record that keeps failing
 * for another reason is dead-lettered after a few attempts, so it never blocks its partition.
 * kafkajs consumers can crash without restarting (kafkajs #1299, #1513): we restart them.
 */
@Injectable()
export class PartnerInboundConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(PartnerInboundConsumer.name);
  private consumer: Consumer | undefined;
  private stopping = false;
  private restartTimer: NodeJS.Timeout | undefined;
  private starting: Promise<void> | undefined;
  private readonly counters: ConsumerStats = {
    applied: 0,
    duplicates: 0,
    rejected: 0,
    deadLettered: 0,
    retries: 0,
  };

  constructor(
    private readonly config: AppConfig,
    @Inject(KafkaGateway) private readonly kafka: KafkaGateway,
    @Inject(TopicProvisioner) private readonly topics: TopicProvisioner,
    private readonly processor: InboundProcessor,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.env.INBOUND_CONSUMER_ENABLED) return;
    // Subscribing needs the topics; they may wait for Kafka to come up.
    void this.topics.whenProvisioned().then(() => this.start());
  }

  async onApplicationShutdown(): Promise<void> {
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

  stats(): ConsumerStats {
    return { ...this.counters };
  }

  private start(): Promise<void> {
    this.starting = this.connectAndRun();
    return this.starting;
  }

  private async connectAndRun(): Promise<void> {
    if (this.stopping) return;
    const consumer = this.kafka.kafka.consumer({
      groupId: this.config.env.KAFKA_CONSUMER_GROUP,
      allowAutoTopicCreation: false,
      // After a crash the group waits for the dead member's session to expire before handing its
      // partitions over: a short session keeps that pause to ~10 s (we heartbeat during waits).
      sessionTimeout: 10_000,
      rebalanceTimeout: 15_000,
      heartbeatInterval: 1000,
    });
    this.consumer = consumer;
    consumer.on(consumer.events.CRASH, (event) => {
      const { error, restart } = event.payload;
      this.logger.error(
        `inbound consumer crashed: ${error.message} (kafkajs restarts it: ${restart})`,
      );
      if (!restart) this.scheduleRestart();
    });
    try {
      await consumer.connect();
      await consumer.subscribe({
        topics: this.config.registry.partnerCountries().map(fromTopic),
        fromBeginning: true,
      });
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: 3,
        eachBatch: (payload) => this.eachBatch(payload),
      });
      this.logger.log('inbound consumer running');
    } catch (error) {
      this.logger.warn(`inbound consumer cannot start: ${(error as Error).message}`);
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

  private async eachBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    const country = batch.topic.split('.').at(-1) ?? '';
    let last: string | undefined;
    const handled = (record: InboundRecord): void => {
      payload.resolveOffset(record.offset);
      last = record.offset;
    };
    const stopped = (): boolean => !payload.isRunning() || payload.isStale();
    runs: for (let start = 0; start < batch.messages.length; start += RUN_SIZE) {
      if (stopped()) break;
      const records = batch.messages
        .slice(start, start + RUN_SIZE)
        .map((m) => toRecord(country, batch.topic, batch.partition, m));
      const together = records.length > 1 ? await this.tryRun(records) : undefined;
      if (together) {
        together.forEach((outcome) => this.count(outcome));
        records.forEach(handled);
      } else {
        for (const record of records) {
          if (stopped() || !(await this.handleWithRetries(record, payload))) break runs;
          handled(record);
        }
      }
      await payload.heartbeat();
    }
    if (last !== undefined && this.consumer) {
      await this.consumer.commitOffsets([
        { topic: batch.topic, partition: batch.partition, offset: (BigInt(last) + 1n).toString() },
      ]);
    }
  }

  /**
   * Ordinary traffic, a run of records in one transaction; `undefined` when the run held a case
   * for the one-record path or failed (that path then waits out outages and counts attempts).
   */
  private async tryRun(records: InboundRecord[]): Promise<InboundOutcome[] | undefined> {
    const first = records[0] as InboundRecord;
    const last = records.at(-1) as InboundRecord;
    try {
      return await correlationStorage.run(
        { correlationId: `${first.topic}/${first.partition}@${first.offset}-${last.offset}` },
        () => this.processor.handleRun(records),
      );
    } catch (error) {
      this.logger.debug(
        `inbound run ${first.topic}/${first.partition}@${first.offset}-${last.offset} failed (${(error as Error).message}); one record at a time`,
      );
      return undefined;
    }
  }

  /** False when the consumer is stopping or lost the partition: the record stays unhandled. */
  private async handleWithRetries(
    record: InboundRecord,
    payload: EachBatchPayload,
  ): Promise<boolean> {
    let failures = 0;
    for (;;) {
      try {
        const outcome = await correlationStorage.run(
          { correlationId: `${record.topic}/${record.partition}@${record.offset}` },
          () => this.processor.handle(record),
        );
        this.count(outcome);
        return true;
      } catch (error) {
        if (!payload.isRunning() || payload.isStale()) return false;
        this.counters.retries++;
        const outage = isDatabaseUnavailable(error) || isTransientConflict(error);
        if (!outage) failures++;
        if (failures >= POISON_ATTEMPTS) {
          this.count(await this.processor.giveUp(record, error));
          return true;
        }
        const delay = Math.min(5000, 250 * 2 ** Math.min(failures + (outage ? 2 : 0), 4));
        this.logger.warn(
          `inbound ${record.topic}/${record.partition}@${record.offset}: ${(error as Error).message}; retrying in ${delay} ms`,
        );
        await new Promise((resolve) => setTimeout(resolve, delay));
        await payload.heartbeat().catch(() => undefined);
      }
    }
  }

  private count(outcome: InboundOutcome): void {
    switch (outcome.kind) {
      case 'applied':
        this.counters.applied++;
        break;
      case 'duplicate':
        this.counters.duplicates++;
        break;
      case 'rejected':
        this.counters.rejected++;
        if (outcome.deadLettered) this.counters.deadLettered++;
        break;
    }
  }
}

function toRecord(
  country: string,
  topic: string,
  partition: number,
  message: KafkaMessage,
): InboundRecord {
  return {
    country,
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

/** Serialization failures and deadlocks: retrying the same record is the right answer. */
function isTransientConflict(error: unknown): boolean {
  const code =
    (error as { code?: unknown }).code ??
    (error as { driverError?: { code?: unknown } }).driverError?.code;
  return code === '40001' || code === '40P01';
}
