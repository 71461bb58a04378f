import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Producer } from 'kafkajs';
import { AppConfig } from '../config/app-config';
import { LeaderLoop } from '../database/leader-loop';
import { Transactions } from '../database/transactions';
import { KafkaGateway } from '../kafka/kafka-gateway';

/** Advisory-lock key of the relay leader (any constant; shared by every hub instance). */
const RELAY_LOCK_KEY = 727_001;
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
export class OutboxRelay extends LeaderLoop {
  protected readonly logger = new Logger(OutboxRelay.name);
  private producer: Producer | undefined;
  private readonly counters = { published: 0, batches: 0, failures: 0 };

  constructor(
    private readonly config: AppConfig,
    private readonly transactions: Transactions,
    @Inject(KafkaGateway) private readonly kafka: KafkaGateway,
  ) {
    super({
      databaseUrl: config.env.DATABASE_URL,
      key: RELAY_LOCK_KEY,
      name: 'outbox relay',
      channels: ['outbox'],
      enabled: config.env.OUTBOX_RELAY_ENABLED,
      idleMs: IDLE_POLL_MS,
    });
  }

  override async onApplicationShutdown(): Promise<void> {
    await super.onApplicationShutdown();
    await this.producer?.disconnect().catch(() => undefined);
  }

  stats(): RelayStats {
    return { leader: this.isLeader, ...this.counters };
  }

  /** Publishes the oldest unpublished rows; more may wait when a full batch went out. */
  protected async round(): Promise<boolean> {
    const rows = await this.transactions.query<OutboxRow>(
      `SELECT id, topic, message_key, value, headers FROM outbox
       WHERE published_at IS NULL ORDER BY id LIMIT $1`,
      [this.config.env.OUTBOX_BATCH_SIZE],
    );
    if (rows.length === 0) return false;
    // Fencing: make sure we still hold the lock (our session is alive) before sending.
    await this.confirmLeadership();
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
    return rows.length > 0;
  }

  /**
   * kafkajs's idempotent producer can stay broken after reconnects (sequence errors, kafkajs
   * #598): a fresh producer is the reliable recovery.
   */
  protected override async recover(): Promise<void> {
    this.counters.failures++;
    const producer = this.producer;
    this.producer = undefined;
    await producer?.disconnect().catch(() => undefined);
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
}
