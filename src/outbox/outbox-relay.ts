import { Inject, Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { LeaderLoop } from '../database/leader-loop';
import { Transactions } from '../database/transactions';
import type { KafkaProducer } from '../kafka/kafka-client';
import { KafkaGateway } from '../kafka/kafka-gateway';
import { TopicProvisioner } from '../kafka/topic-provisioner';
import type { DataKey } from '../vault/data-key';
import { PersonalDataVault, type StoredKey } from '../vault/personal-data-vault';
import { sealedEventPurpose } from './outbox-writer';

/** Advisory-lock key of the relay leader (any constant; shared by every hub instance). */
const RELAY_LOCK_KEY = 727_001;
const IDLE_POLL_MS = 1000;

interface OutboxRow extends StoredKey {
  id: string;
  event_id: string;
  topic: string;
  message_key: string;
  referral_id: string | null;
  value: string | null;
  sealed_value: Buffer | null;
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
  private readonly producer: KafkaProducer;
  private readonly counters = { published: 0, batches: 0, failures: 0 };
  /** The next batch, read while the current one is sent. */
  private readAhead: Promise<OutboxRow[]> | undefined;
  /** The last sent batch's "published" mark, written while the next batch is sent. */
  private marking: Promise<void> | undefined;
  /** Ids sent or being sent and not yet marked: the read-ahead must not pick them again. */
  private readonly inFlight = new Set<string>();

  constructor(
    private readonly config: AppConfig,
    private readonly transactions: Transactions,
    @Inject(KafkaGateway) private readonly kafka: KafkaGateway,
    private readonly vault: PersonalDataVault,
    @Inject(TopicProvisioner) private readonly topics: TopicProvisioner,
  ) {
    super({
      databaseUrl: config.env.DATABASE_URL,
      key: RELAY_LOCK_KEY,
      name: 'outbox relay',
      channels: ['outbox'],
      enabled: config.env.OUTBOX_RELAY_ENABLED,
      idleMs: IDLE_POLL_MS,
      // A send that fails has already waited out the producer's own retries; after a Kafka
      // outage the backlog should start draining within seconds of the broker's return.
      maxBackoffMs: 2000,
    });
    this.producer = kafka.producer({ idempotent: true });
  }

  override async onApplicationShutdown(): Promise<void> {
    await super.onApplicationShutdown();
    await this.marking?.catch(() => undefined); // what was sent is marked, not sent again
    await this.producer.close();
  }

  stats(): RelayStats {
    return { leader: this.isLeader, ...this.counters };
  }

  /**
   * Publishes the oldest unpublished rows; more may wait when a full batch went out.
   *
   * Pipelined: while a full batch is on its way to the broker, the next one is read, and the
   * previous batch's "published" mark is written while this one is sent, so the database and
   * Kafka work side by side instead of read → send → mark in series. Sends stay one at a time,
   * in id order (one referral's events in order, the idempotent producer's sequence intact); the
   * read-ahead skips only rows already sent or being sent and not yet marked, never "rows above
   * an id", so a row whose transaction commits late is still picked up by a later read.
   */
  protected async round(): Promise<boolean> {
    // Nothing goes out before the topics are known to be as durable as configured: a write
    // acknowledged by a weaker topic is exactly the silent downgrade the check is there to stop.
    if (!this.topics.isProvisioned) return false;
    const rows = await (this.readAhead ?? this.unpublished());
    this.readAhead = undefined;
    if (rows.length === 0) {
      await this.settleMark();
      return false;
    }
    for (const row of rows) this.inFlight.add(row.id);
    const { sendable, unreadable } = this.open(rows);
    // Fencing: make sure we still hold the lock (our session is alive) before sending.
    await this.confirmLeadership();
    if (rows.length === this.config.env.OUTBOX_BATCH_SIZE) {
      const next = this.unpublished();
      next.catch(() => undefined); // awaited by the next round, or dropped by recover()
      this.readAhead = next;
    }
    if (sendable.length > 0) {
      await this.producer.send(
        sendable.map(({ row, value }) => ({
          topic: row.topic,
          key: row.message_key,
          value,
          headers: row.headers,
        })),
      );
    }
    await this.settleMark();
    const ids = sendable.map((s) => s.row.id);
    const mark = ids.length === 0 ? Promise.resolve() : this.markPublished(ids);
    this.marking = mark.finally(() => {
      for (const id of ids) this.inFlight.delete(id);
    });
    this.marking.catch(() => undefined); // settled (and its failure thrown) by the next round
    if (unreadable.length > 0) await this.discard(unreadable);
    this.counters.published += rows.length;
    this.counters.batches++;
    return true;
  }

  /** The oldest unpublished rows not already sent (or being sent) by this relay. */
  private unpublished(): Promise<OutboxRow[]> {
    return this.transactions.query<OutboxRow>(
      `SELECT o.id, o.event_id, o.topic, o.message_key, o.referral_id, o.value, o.sealed_value,
         o.headers, k.master_key_id, k.wrapped_key
       FROM outbox o
       LEFT JOIN referral_keys k ON o.sealed_value IS NOT NULL AND k.referral_id = o.referral_id
       WHERE o.published_at IS NULL AND o.id <> ALL($2::bigint[]) ORDER BY o.id LIMIT $1`,
      [this.config.env.OUTBOX_BATCH_SIZE, [...this.inFlight]],
    );
  }

  private async markPublished(ids: readonly string[]): Promise<void> {
    await this.transactions.query(
      `UPDATE outbox SET published_at = now() WHERE id = ANY($1::bigint[])`,
      [ids],
    );
  }

  /** Waits for the previous batch's mark; throws when it failed (its rows are sent again). */
  private async settleMark(): Promise<void> {
    const marking = this.marking;
    this.marking = undefined;
    await marking;
  }

  /**
   * The events of a round as they go on the wire, opened where sealed (one unwrap per referral).
   * A sealed event whose key is gone cannot be sent by anyone any more; erasure refuses while a
   * referral has events in the outbox, so this is a defect to report, not a state to wait out.
   */
  private open(rows: OutboxRow[]): {
    sendable: { row: OutboxRow; value: string }[];
    unreadable: OutboxRow[];
  } {
    const keys = new Map<string, DataKey | null>();
    const sendable: { row: OutboxRow; value: string }[] = [];
    const unreadable: OutboxRow[] = [];
    for (const row of rows) {
      if (row.sealed_value === null || row.referral_id === null) {
        if (row.value !== null) sendable.push({ row, value: row.value });
        else unreadable.push(row);
        continue;
      }
      let key = keys.get(row.referral_id);
      if (key === undefined) {
        key = this.vault.fromRow(row.referral_id, row);
        keys.set(row.referral_id, key);
      }
      if (key)
        sendable.push({
          row,
          value: key.openText(sealedEventPurpose(row.event_id), row.sealed_value),
        });
      else unreadable.push(row);
    }
    return { sendable, unreadable };
  }

  private async discard(rows: OutboxRow[]): Promise<void> {
    this.logger.error(
      `outbox relay: ${rows.length} sealed event(s) whose referral's data key was destroyed ` +
        `cannot be sent and are discarded: ${rows.map((r) => r.event_id).join(', ')}`,
    );
    await this.transactions.query(
      `UPDATE outbox SET published_at = now(), discarded = 'data key destroyed before publication'
       WHERE id = ANY($1::bigint[])`,
      [rows.map((r) => r.id)],
    );
    this.counters.failures += rows.length;
  }

  /**
   * A failed round: counted; the producer replaced itself after a failed send. The read-ahead
   * and the rows held back as in flight are dropped once the last mark settled, so every row not
   * marked is read again and sent again (consumers de-duplicate by event id).
   */
  protected override async recover(): Promise<void> {
    this.counters.failures++;
    this.readAhead = undefined;
    await this.marking?.catch(() => undefined);
    this.marking = undefined;
    this.inFlight.clear();
  }
}
