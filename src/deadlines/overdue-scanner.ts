import {
  Inject,
  Injectable,
  Logger,
  Optional,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import {
  EVENT_TYPES,
  HUB_SOURCE,
  type DeadlineStep,
  type ReferralOverdueData,
} from '@hub/contracts';
import { AuditWriter } from '../audit-trail/audit-writer';
import { IntervalLoop } from '../common/interval-loop';
import { Clock } from '../common/clock';
import { AppConfig } from '../config/app-config';
import { Transactions, type Tx } from '../database/transactions';
import { buildEvent } from '../outbox/hub-events';
import { OutboxWriter } from '../outbox/outbox-writer';

/** How often and how much the {@link OverdueScanner} scans. */
export interface OverdueScanOptions {
  /** Pause between two scans of the background loop. */
  intervalMs: number;
  /** Most steps claimed (and notified) in one transaction. */
  batchSize: number;
}

/** Injection token to override {@link DEFAULT_OVERDUE_SCAN_OPTIONS} (fields may be left out). */
export const OVERDUE_SCAN_OPTIONS = Symbol('OVERDUE_SCAN_OPTIONS');

/**
 * Every 5 s: a notice goes out at most 5 s after its deadline, and an idle scan is one index
 * lookup on the partial index of open, un-notified deadlines.
 */
export const DEFAULT_OVERDUE_SCAN_OPTIONS: OverdueScanOptions = {
  intervalMs: 5000,
  batchSize: 100,
};

/** A due deadline as claimed, with what the notice needs of its referral. */
interface DueRow {
  referral_id: string;
  step: DeadlineStep;
  opened_seq: number;
  due_at: Date;
  status: string;
  sender_party: string;
  receiver_party: string;
}

/**
 * Notices deadlines that passed: emits `mrh.referral.overdue.v1` to each party of the referral
 * served over Kafka (HTTP parties see the referral in `GET /v1/referrals?overdue=true`) and
 * records `referral.overdue` in the audit trail — once per opened step.
 *
 * Exactly once across instances and restarts, without a leader: each scan claims due rows with
 * `FOR UPDATE SKIP LOCKED` and, in the same transaction, sets `overdue_at` and queues the events
 * and the audit entry in the outbox. Two instances scanning at once claim disjoint rows (and
 * re-check a row another just committed, which no longer qualifies); a crash before commit leaves
 * the row unclaimed for the next scan. "Now" is the hub's {@link Clock}, never the database's, so
 * tests move time instead of sleeping.
 */
@Injectable()
export class OverdueScanner implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(OverdueScanner.name);
  private readonly options: OverdueScanOptions;
  private readonly loop: IntervalLoop;

  constructor(
    private readonly transactions: Transactions,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly outbox: OutboxWriter,
    private readonly audit: AuditWriter,
    @Optional() @Inject(OVERDUE_SCAN_OPTIONS) options?: Partial<OverdueScanOptions>,
  ) {
    this.options = { ...DEFAULT_OVERDUE_SCAN_OPTIONS, ...options };
    this.loop = new IntervalLoop(
      'overdue scan',
      this.logger,
      () => this.scanOnce(),
      this.options.intervalMs,
    );
  }

  onApplicationBootstrap(): void {
    this.loop.start();
  }

  /** Before the connection pool closes (`onApplicationShutdown`), so no scan is cut off. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.loop.stop();
  }

  /**
   * Notifies every step that is due now and not yet notified, one batch per transaction, and
   * returns how many this instance notified (others scanning at once notify the rest).
   */
  async scanOnce(): Promise<number> {
    let total = 0;
    for (;;) {
      const claimed = await this.transactions.run((tx) => this.notifyBatch(tx));
      total += claimed;
      if (claimed < this.options.batchSize) return total;
    }
  }

  private async notifyBatch(tx: Tx): Promise<number> {
    const now = this.clock.now();
    // FOR UPDATE OF d: the deadline rows are claimed, the referrals are only read, so a scan
    // never waits for (or holds up) a lifecycle change of the referral.
    const due = await tx.query<DueRow[]>(
      `SELECT d.referral_id, d.step, d.opened_seq, d.due_at,
              r.status, r.sender_party, r.receiver_party
         FROM referral_deadlines d JOIN referrals r ON r.id = d.referral_id
        WHERE d.met_at IS NULL AND d.overdue_at IS NULL AND d.due_at <= $1
        ORDER BY d.due_at
        LIMIT $2
          FOR UPDATE OF d SKIP LOCKED`,
      [now, this.options.batchSize],
    );
    if (due.length === 0) return 0;
    await tx.query(
      `UPDATE referral_deadlines d SET overdue_at = $1
         FROM unnest($2::uuid[], $3::text[], $4::int[]) AS c(referral_id, step, opened_seq)
        WHERE d.referral_id = c.referral_id AND d.step = c.step AND d.opened_seq = c.opened_seq`,
      [
        now,
        due.map((row) => row.referral_id),
        due.map((row) => row.step),
        due.map((row) => row.opened_seq),
      ],
    );
    for (const row of due) await this.notify(tx, row, now);
    this.logger.log(`${due.length} overdue step(s) notified`);
    return due.length;
  }

  private async notify(tx: Tx, row: DueRow, now: Date): Promise<void> {
    const data: ReferralOverdueData = {
      referralId: row.referral_id,
      step: row.step,
      dueAt: row.due_at.toISOString(),
    };
    for (const party of [row.sender_party, row.receiver_party]) {
      if (this.config.registry.party(party)?.channel !== 'kafka') continue;
      // No referralseq: a notice is not a change of the referral, so it takes no number.
      const event = buildEvent({
        type: EVENT_TYPES.referralOverdue,
        source: { hub: HUB_SOURCE },
        subject: row.referral_id,
        recipient: party,
        time: now,
        data,
      });
      await this.outbox.notify(tx, { party }, event);
    }
    // One entry per overdue step, whoever was told: the events differ only in their recipient.
    await this.audit.record(tx, {
      actorKind: 'hub',
      actor: 'hub',
      actorParty: null,
      action: 'referral.overdue',
      referralId: row.referral_id,
      stateBefore: row.status,
      stateAfter: row.status,
      outcome: row.step,
      payload: data,
    });
  }
}
