import type { Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { LeaderLock } from './leader-lock';

/** What a {@link LeaderLoop} needs to lead. */
export interface LeaderLoopOptions {
  databaseUrl: string;
  key: number;
  name: string;
  /** NOTIFY channels that mean "there is work". */
  channels: readonly string[];
  enabled: boolean;
  /** Pause when a round found nothing to do (a NOTIFY cuts it short). */
  idleMs: number;
  /** Longest pause after failed rounds (default 10 s): how soon work resumes after an outage. */
  maxBackoffMs?: number;
  /**
   * After a round that emptied the queue, wait this long before the next one even when notified
   * (default 0): under load every commit notifies, and a role that needs no immediacy (the audit
   * sequencer) then does one round for many commits instead of a round — five statements — each.
   */
  coalesceMs?: number;
}

/**
 * A background role that exactly one hub instance plays at a time (outbox relay, audit
 * sequencer): take the {@link LeaderLock}, do rounds of work while holding it, sleep until
 * notified when idle, back off on errors, stop cleanly on shutdown. Subclasses write one round.
 */
export abstract class LeaderLoop implements OnApplicationBootstrap, OnApplicationShutdown {
  protected abstract readonly logger: Logger;
  private lock: LeaderLock | undefined;
  private stopping = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  /** Set by NOTIFY; read after a round so a notification during the round is not lost. */
  private notified = false;

  protected constructor(private readonly options: LeaderLoopOptions) {}

  /** One round of work while leading; true when more work is likely waiting. */
  protected abstract round(): Promise<boolean>;

  /** Called after a failed round, before the back-off (e.g. to recreate a client). */
  protected async recover(): Promise<void> {
    // Nothing by default.
  }

  onApplicationBootstrap(): void {
    if (this.options.enabled) this.loop = this.run();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.loop;
    await this.lock?.release();
  }

  get isLeader(): boolean {
    return this.lock?.isLeader ?? false;
  }

  /** Fencing: throws when this instance no longer holds the lock. */
  protected async confirmLeadership(): Promise<void> {
    if (!this.lock) throw new Error(`${this.options.name}: not the leader`);
    await this.lock.confirm();
  }

  private async run(): Promise<void> {
    const lock = new LeaderLock({
      ...this.options,
      logger: this.logger,
      onWake: () => {
        this.notified = true;
        this.wake?.();
      },
    });
    this.lock = lock;
    let failures = 0;
    while (!this.stopping) {
      try {
        if (!(await lock.hold())) {
          await this.sleep(1000);
          continue;
        }
        this.notified = false;
        const more = await this.round();
        failures = 0;
        if (!more) {
          if (!this.wasNotified()) await this.sleep(this.options.idleMs);
          const coalesce = this.options.coalesceMs ?? 0;
          if (coalesce > 0) {
            await new Promise((resolve) => setTimeout(resolve, coalesce));
          }
        }
      } catch (error) {
        failures++;
        const delay = Math.min(
          this.options.maxBackoffMs ?? 10_000,
          200 * 2 ** Math.min(failures, 6),
        );
        this.logger.warn(
          `${this.options.name}: ${(error as Error).message}; retrying in ${delay} ms`,
        );
        await this.recover().catch(() => undefined);
        // A broken lock session shows here as a failed query; drop it so leadership is retaken.
        await lock.confirm().catch(() => lock.release());
        await this.sleep(delay);
      }
    }
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
