import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { LeaderLock } from '../database/leader-lock';
import { AuditLog } from './audit-log.service';

/** Advisory-lock key of the audit sequencer (distinct from the relay's). */
const SEQUENCER_LOCK_KEY = 727_002;
const BATCH = 2000;
const IDLE_MS = 500;

/**
 * The single sequencer of the audit log (as in Trillian): after commit, it gives pending entries
 * their leaf positions — a true, gap-free total order although requests commit concurrently — and
 * signs a checkpoint when the log has grown and the interval has passed. One instance leads at a
 * time through a PostgreSQL advisory lock; the request path never waits for it.
 */
@Injectable()
export class AuditSequencer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(AuditSequencer.name);
  private readonly lock: LeaderLock;
  private stopping = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private notified = false;
  private lastCheckpointAt = 0;

  constructor(
    private readonly config: AppConfig,
    private readonly log: AuditLog,
  ) {
    this.lock = new LeaderLock({
      databaseUrl: config.env.DATABASE_URL,
      key: SEQUENCER_LOCK_KEY,
      name: 'audit sequencer',
      channels: ['audit'],
      logger: this.logger,
      onWake: () => {
        this.notified = true;
        this.wake?.();
      },
    });
  }

  onApplicationBootstrap(): void {
    if (this.config.env.AUDIT_SEQUENCER_ENABLED) this.loop = this.run();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.loop;
    await this.lock.release();
  }

  get isLeader(): boolean {
    return this.lock.isLeader;
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopping) {
      try {
        if (!(await this.lock.hold())) {
          await this.sleep(1000);
          continue;
        }
        this.notified = false;
        await this.lock.confirm();
        const sequenced = await this.log.sequence(BATCH);
        await this.maybeCheckpoint();
        failures = 0;
        if (sequenced < BATCH && !this.wasNotified()) await this.sleep(IDLE_MS);
      } catch (error) {
        failures++;
        const delay = Math.min(10_000, 200 * 2 ** Math.min(failures, 6));
        this.logger.warn(`audit sequencer: ${(error as Error).message}; retrying in ${delay} ms`);
        await this.lock.confirm().catch(() => this.lock.release());
        await this.sleep(delay);
      }
    }
  }

  private async maybeCheckpoint(): Promise<void> {
    const interval = this.config.env.AUDIT_CHECKPOINT_INTERVAL_SECONDS * 1000;
    if (Date.now() - this.lastCheckpointAt < interval) return;
    this.lastCheckpointAt = Date.now();
    await this.log.checkpoint();
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
