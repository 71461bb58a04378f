import {
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { IntervalLoop } from '../common/interval-loop';
import { Clock } from '../common/clock';
import { AppConfig } from '../config/app-config';
import { Transactions, type Tx } from '../database/transactions';
import { ReferralCommands } from '../referrals/referrals.module';

const DAY_MS = 24 * 60 * 60 * 1000;
const BATCH = 100;

/**
 * Erases the personal data of referrals whose retention period (`PERSONAL_DATA_RETENTION_DAYS`
 * after they reached a terminal state) has passed. Every instance may scan: referrals are
 * claimed with `FOR UPDATE SKIP LOCKED`, and an erased one no longer qualifies, so each is erased
 * once. One whose events still wait in the outbox is left for a later scan. "Now" is the hub's
 * {@link Clock}, so tests move time instead of waiting years.
 */
@Injectable()
export class RetentionScanner implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(RetentionScanner.name);
  private readonly loop: IntervalLoop;

  constructor(
    private readonly config: AppConfig,
    private readonly transactions: Transactions,
    private readonly commands: ReferralCommands,
    private readonly clock: Clock,
  ) {
    this.loop = new IntervalLoop(
      'retention scan',
      this.logger,
      () => this.scanOnce(),
      this.config.env.RETENTION_SCAN_INTERVAL_SECONDS * 1000,
    );
  }

  onApplicationBootstrap(): void {
    if (this.config.env.PERSONAL_DATA_RETENTION_DAYS > 0) this.loop.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.loop.stop();
  }

  /** Erases every referral past its retention now; returns how many this instance erased. */
  async scanOnce(): Promise<number> {
    const days = this.config.env.PERSONAL_DATA_RETENTION_DAYS;
    if (days === 0) return 0;
    let total = 0;
    for (;;) {
      const erased = await this.transactions.run((tx) => this.eraseBatch(tx, days));
      total += erased;
      if (erased < BATCH) return total;
    }
  }

  private async eraseBatch(tx: Tx, days: number): Promise<number> {
    const cutoff = new Date(this.clock.now().getTime() - days * DAY_MS);
    const due = await tx.query<{ id: string }[]>(
      `SELECT r.id FROM referrals r
       WHERE r.closed_at <= $1 AND r.personal_data_erased_at IS NULL
         AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.referral_id = r.id
                         AND o.published_at IS NULL AND o.sealed_value IS NOT NULL)
       ORDER BY r.closed_at LIMIT $2
       FOR UPDATE OF r SKIP LOCKED`,
      [cutoff, BATCH],
    );
    for (const { id } of due) {
      await this.commands.execute(
        tx,
        { kind: 'hub', rule: 'retention' },
        {
          kind: 'erase',
          referralId: id,
          reason: `retention period of ${days} days after the referral closed has passed`,
        },
      );
    }
    if (due.length > 0) this.logger.log(`${due.length} referral(s) erased after retention`);
    return due.length;
  }
}
