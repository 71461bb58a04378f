import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { Producer } from 'kafkajs';
import { AppConfig } from '../config/app-config';
import { LeaderLock } from '../database/leader-lock';
import { Transactions } from '../database/transactions';
import { KafkaGateway } from '../kafka/kafka-gateway';

/** Advisory-lock key of the relay leader (any constant; shared by every hub instance). */
const RELAY_LOCK_KEY = 727_001;
const STANDBY_RETRY_MS = 1000;
const IDLE_POLL_MS = 1000;

interface OutboxRow {
  id: string;
  topic: string;
  message_key: string;
  value: string;
  headers: Record<string, string>;
}

/** Counters of this instance's relay, for tests, health and benchmarks. */
export interface RelayStats {
  leader: boolean;
  published: number;
  batches: number;
  failures: number;
}

/**
 * Publishes the outbox to Kafka, in insertion order, with an idempotent producer (`acks` all).
 *
 * One leader at a time: whoever holds a PostgreSQL session advisory lock on a dedicated connection
 * relays; other instances stand by and take over when that connection dies (crash, kill). A single
 * reader is what keeps one referral's events in order — several `SKIP LOCKED` workers would not.
 * Rows are selected as "not yet published", never as "id above a high-water mark", so a row whose
 * transaction commits late is still sent. A row is marked published only after the broker
 * acknowledged it; a crash in between sends it again, which consumers de-duplicate by id.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(OutboxRelay.name);
  private readonly lock: LeaderLock;
  private producer: Producer | undefined;
  private stopping = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  /** Set by NOTIFY; checked before sleeping so a notification between query and sleep is kept. */
  private notified = false;
  private readonly counters = { published: 0, batches: 0, failures: 0 };

  constructor(
    private readonly config: AppConfig,
    private readonly transactions: Transactions,
    @Inject(KafkaGateway) private readonly kafka: KafkaGateway,
  ) {
    this.lock = new LeaderLock({
      databaseUrl: config.env.DATABASE_URL,
      key: RELAY_LOCK_KEY,
      name: 'outbox relay',
      channels: ['outbox'],
      logger: this.logger,
      onWake: () => {
        this.notified = true;
        this.wake?.();
      },
    });
  }

  onApplicationBootstrap(): void {
    if (this.config.env.OUTBOX_RELAY_ENABLED) this.loop = this.run();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.loop;
    await this.producer?.disconnect().catch(() => undefined);
    await this.lock.release();
  }

  stats(): RelayStats {
    return { leader: this.lock.isLeader, ...this.counters };
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopping) {
      try {
        if (!(await this.lock.hold())) {
          await this.sleep(STANDBY_RETRY_MS);
          continue;
        }
        this.notified = false;
        const sent = await this.drainOnce();
        failures = 0;
        // `notified` may have been set by a NOTIFY during the drain.
        if (sent === 0 && !this.wasNotified()) await this.sleep(IDLE_POLL_MS);
      } catch (error) {
        failures++;
        this.counters.failures++;
        const delay = Math.min(10_000, 200 * 2 ** Math.min(failures, 6));
        this.logger.warn(`outbox relay: ${(error as Error).message}; retrying in ${delay} ms`);
        // kafkajs's idempotent producer can stay broken after reconnects (sequence errors,
        // kafkajs #598): a fresh producer is the reliable recovery.
        await this.resetProducer();
        await this.sleep(delay);
      }
    }
  }

  /** Publishes the oldest unpublished rows; returns how many. */
  private async drainOnce(): Promise<number> {
    const rows = await this.transactions.query<OutboxRow>(
      `SELECT id, topic, message_key, value, headers FROM outbox
       WHERE published_at IS NULL ORDER BY id LIMIT $1`,
      [this.config.env.OUTBOX_BATCH_SIZE],
    );
    if (rows.length === 0) return 0;
    // Fencing: make sure we still hold the lock (our session is alive) before sending.
    await this.lock.confirm();
    const producer = await this.connectedProducer();
    const byTopic = new Map<
      string,
      { key: string; value: string; headers: Record<string, string> }[]
    >();
    for (const row of rows) {
      const messages = byTopic.get(row.topic) ?? [];
      messages.push({ key: row.message_key, value: row.value, headers: row.headers });
      byTopic.set(row.topic, messages);
    }
    await producer.sendBatch({
      acks: -1,
      topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
    });
    await this.transactions.query(
      `UPDATE outbox SET published_at = now() WHERE id = ANY($1::bigint[])`,
      [rows.map((r) => r.id)],
    );
    this.counters.published += rows.length;
    this.counters.batches++;
    return rows.length;
  }

  private async connectedProducer(): Promise<Producer> {
    if (this.producer) return this.producer;
    const producer = this.kafka.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
    });
    await producer.connect();
    this.producer = producer;
    return producer;
  }

  private async resetProducer(): Promise<void> {
    const producer = this.producer;
    this.producer = undefined;
    await producer?.disconnect().catch(() => undefined);
    // A broken lock session shows here as a failed query; drop it so leadership is retaken.
    await this.lock.confirm().catch(() => this.lock.release());
  }

  private wasNotified(): boolean {
    return this.notified;
  }

  private sleep(ms: number): Promise<void> {
    if (this.stopping) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }
}
