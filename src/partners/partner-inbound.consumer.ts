import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { fromTopic } from '@hub/contracts';
import { AppConfig } from '../config/app-config';
import { correlationStorage } from '../common/logging/correlation';
import { isDatabaseUnavailable } from '../common/problem/render-problem';
import type { GroupConsumer, PartitionBatch } from '../kafka/kafka-client';
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

/** Counters of this instance's consumer, for tests and benchmarks. */
export interface ConsumerStats {
  applied: number;
  duplicates: number;
  rejected: number;
  deadLettered: number;
  retries: number;
}

/**
 * Consumes every partner country's `referral-hub.from.<CC>` topic with the gateway's group
 * consumer (manual commits, restarted after a crash): the Nest Kafka transport would retry a
 * failing record forever and has no dead-letter topic.
 *
 * Records of one partition are handled one after another (one referral's events share a
 * partition, so they are applied in order); partitions run concurrently. Ordinary traffic goes in
 * runs of consecutive records, one transaction per run; a run that meets anything else (an
 * unusable record, a refusal, an outage) is undone and its records are handled one at a time. An
 * offset is committed only after the record's transaction committed. While the database is down
 * the consumer waits and retries the same record (heartbeating), so nothing is skipped; a record
 * that keeps failing for another reason is dead-lettered after a few attempts, so it never blocks
 * its partition.
 */
@Injectable()
export class PartnerInboundConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(PartnerInboundConsumer.name);
  private consumer: GroupConsumer | undefined;
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
    const consumer = this.kafka.groupConsumer({
      groupId: this.config.env.KAFKA_CONSUMER_GROUP,
      topics: this.config.registry.partnerCountries().map(fromTopic),
      partitionsConcurrently: 3,
      handle: (batch) => this.handleBatch(batch),
    });
    this.consumer = consumer;
    // Subscribing needs the topics; they may wait for Kafka to come up.
    void this.topics.whenProvisioned().then(() => consumer.start());
  }

  async onApplicationShutdown(): Promise<void> {
    await this.consumer?.stop();
  }

  stats(): ConsumerStats {
    return { ...this.counters };
  }

  /** Handles a partition's batch in runs; returns the offset of the last record handled. */
  private async handleBatch(batch: PartitionBatch): Promise<string | undefined> {
    const country = batch.topic.split('.').at(-1) ?? '';
    let last: string | undefined;
    runs: for (let start = 0; start < batch.records.length; start += RUN_SIZE) {
      if (batch.stopped()) break;
      const records = batch.records
        .slice(start, start + RUN_SIZE)
        .map((record): InboundRecord => ({ ...record, country }));
      const together = records.length > 1 ? await this.tryRun(records) : undefined;
      if (together) {
        together.forEach((outcome) => this.count(outcome));
        last = records.at(-1)?.offset;
      } else {
        for (const record of records) {
          if (batch.stopped() || !(await this.handleWithRetries(record, batch))) break runs;
          last = record.offset;
        }
      }
      await batch.heartbeat();
    }
    return last;
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
  private async handleWithRetries(record: InboundRecord, batch: PartitionBatch): Promise<boolean> {
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
        if (batch.stopped()) return false;
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
        await batch.heartbeat().catch(() => undefined);
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

/** Serialization failures and deadlocks: retrying the same record is the right answer. */
function isTransientConflict(error: unknown): boolean {
  const code =
    (error as { code?: unknown }).code ??
    (error as { driverError?: { code?: unknown } }).driverError?.code;
  return code === '40001' || code === '40P01';
}
