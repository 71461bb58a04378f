import { Injectable, Logger } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { Transactions } from '../database/transactions';
import { OutboxRelay } from '../outbox/outbox-relay';
import { PartnerInboundConsumer } from '../partners/partners.module';

/** How long the database figures of a scrape may be reused: scrapes cost no query in between. */
export const SNAPSHOT_MAX_AGE_MS = 10_000;

interface DatabaseSnapshot {
  outboxBacklog: number;
  auditLeaves: number;
  auditPending: number;
}

/**
 * The hub's Prometheus metrics (`GET /metrics`), one registry per application instance: process
 * metrics, HTTP requests by route and status, and the state of the outbox, the inbound consumer
 * and the audit log. Figures kept in memory by the relay and the consumer are read at scrape time;
 * database figures come from one cheap query (index-only counts) reused for
 * {@link SNAPSHOT_MAX_AGE_MS}, so a scraper hammering the endpoint costs no database load.
 */
@Injectable()
export class HubMetrics {
  readonly registry = new Registry();
  private readonly logger = new Logger(HubMetrics.name);
  private readonly requests: Counter<'method' | 'route' | 'status'>;
  private readonly durations: Histogram<'method' | 'route' | 'status'>;
  private snapshot: DatabaseSnapshot = { outboxBacklog: 0, auditLeaves: 0, auditPending: 0 };
  private snapshotAt = Number.NEGATIVE_INFINITY;
  private refreshing: Promise<void> | undefined;

  constructor(
    private readonly transactions: Transactions,
    private readonly relay: OutboxRelay,
    private readonly consumer: PartnerInboundConsumer,
  ) {
    collectDefaultMetrics({ register: this.registry });
    this.requests = new Counter({
      name: 'mrh_http_requests_total',
      help: 'HTTP requests answered, by method, route pattern and status',
      labelNames: ['method', 'route', 'status'],
      registers: [this.registry],
    });
    this.durations = new Histogram({
      name: 'mrh_http_request_duration_seconds',
      help: 'Time to answer HTTP requests, by method, route pattern and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [this.registry],
    });
    this.databaseGauges();
    this.inMemoryCounters();
  }

  /** Records one answered request; `route` is the route pattern (`unmatched` for 404s). */
  observeRequest(method: string, route: string, status: number, seconds: number): void {
    const labels = { method, route, status: String(status) };
    this.requests.inc(labels);
    this.durations.observe(labels, seconds);
  }

  /** The text exposition of every metric. */
  metrics(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  private databaseGauges(): void {
    const freshSnapshot = (): Promise<DatabaseSnapshot> => this.freshSnapshot();
    const gauge = (name: string, help: string, read: (s: DatabaseSnapshot) => number): void => {
      new Gauge({
        name,
        help,
        registers: [this.registry],
        async collect() {
          this.set(read(await freshSnapshot()));
        },
      });
    };
    gauge(
      'mrh_outbox_backlog',
      'Outbox rows not yet published to Kafka (cached up to 10 s)',
      (s) => s.outboxBacklog,
    );
    gauge(
      'mrh_audit_log_size',
      'Entries in the audit transparency log (leaves; cached up to 10 s)',
      (s) => s.auditLeaves,
    );
    gauge(
      'mrh_audit_pending_entries',
      'Audit entries written but not yet given a leaf by the sequencer (cached up to 10 s)',
      (s) => s.auditPending,
    );
  }

  private inMemoryCounters(): void {
    const relay = this.relay;
    const consumer = this.consumer;
    new Gauge({
      name: 'mrh_outbox_relay_leader',
      help: '1 when this instance is the outbox relay leader',
      registers: [this.registry],
      collect() {
        this.set(relay.stats().leader ? 1 : 0);
      },
    });
    monotonic(
      this.registry,
      'mrh_outbox_published_total',
      'Outbox rows published by this instance',
      () => ({
        '': relay.stats().published,
      }),
    );
    monotonic(
      this.registry,
      'mrh_outbox_publish_failures_total',
      'Failed relay rounds of this instance (the rows are sent again)',
      () => ({ '': relay.stats().failures }),
    );
    monotonic(
      this.registry,
      'mrh_inbound_events_total',
      'Partner records handled by this instance, by outcome',
      () => {
        const s = consumer.stats();
        return { applied: s.applied, duplicate: s.duplicates, rejected: s.rejected };
      },
      'outcome',
    );
    monotonic(
      this.registry,
      'mrh_inbound_dead_lettered_total',
      'Partner records this instance copied to a dead-letter topic',
      () => ({ '': consumer.stats().deadLettered }),
    );
    monotonic(
      this.registry,
      'mrh_inbound_retries_total',
      'Attempts at partner records that failed and were retried',
      () => ({ '': consumer.stats().retries }),
    );
  }

  private async freshSnapshot(): Promise<DatabaseSnapshot> {
    if (performance.now() - this.snapshotAt >= SNAPSHOT_MAX_AGE_MS) {
      // One query for all gauges of a scrape, and for concurrent scrapes.
      this.refreshing ??= this.refresh().finally(() => {
        this.refreshing = undefined;
      });
      await this.refreshing;
    }
    return this.snapshot;
  }

  private async refresh(): Promise<void> {
    try {
      const [row] = await this.transactions.query<{
        outbox_backlog: string;
        audit_leaves: string;
        audit_pending: string;
      }>(
        `SELECT (SELECT count(*) FROM outbox WHERE published_at IS NULL) AS outbox_backlog,
                (SELECT coalesce(max(leaf_index) + 1, 0) FROM audit_leaves) AS audit_leaves,
                (SELECT count(*) FROM audit_pending) AS audit_pending`,
      );
      if (row) {
        this.snapshot = {
          outboxBacklog: Number(row.outbox_backlog),
          auditLeaves: Number(row.audit_leaves),
          auditPending: Number(row.audit_pending),
        };
      }
    } catch (error) {
      // A scrape must still answer while the database is down; the figures are then stale.
      this.logger.warn(`metrics: cannot read the database figures: ${(error as Error).message}`);
    }
    this.snapshotAt = performance.now();
  }
}

/**
 * A Prometheus counter that mirrors totals kept elsewhere (the relay's and consumer's own
 * counters): at each scrape it adds what the totals grew by since the last one.
 */
function monotonic(
  registry: Registry,
  name: string,
  help: string,
  read: () => Record<string, number>,
  label?: string,
): void {
  const seen = new Map<string, number>();
  new Counter({
    name,
    help,
    labelNames: label === undefined ? [] : [label],
    registers: [registry],
    collect() {
      for (const [value, total] of Object.entries(read())) {
        const grown = total - (seen.get(value) ?? 0);
        if (grown > 0) {
          if (label === undefined) this.inc(grown);
          else this.inc({ [label]: value }, grown);
        }
        seen.set(value, total);
      }
    },
  });
}
