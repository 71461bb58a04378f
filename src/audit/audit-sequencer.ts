import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { LeaderLoop } from '../database/leader-loop';
import { AuditLog } from './audit-log.service';

/** Advisory-lock key of the audit sequencer (distinct from the relay's). */
const SEQUENCER_LOCK_KEY = 727_002;
/**
 * Entries per round: each is hashed on the event loop, so a round of 2,000 held every request for
 * tens of milliseconds when a backlog was sequenced; 500 keep that pause short.
 */
const BATCH = 500;

/**
 * The single sequencer of the audit log (as in Trillian): after commit, it gives pending entries
 * their leaf positions — a true, gap-free total order although requests commit concurrently — and
 * signs a checkpoint when the log has grown and the interval has passed. One instance leads at a
 * time; the request path never waits for it.
 */
@Injectable()
export class AuditSequencer extends LeaderLoop {
  protected readonly logger = new Logger(AuditSequencer.name);
  private lastCheckpointAt = 0;

  constructor(
    private readonly config: AppConfig,
    private readonly log: AuditLog,
  ) {
    super({
      databaseUrl: config.env.DATABASE_URL,
      key: SEQUENCER_LOCK_KEY,
      name: 'audit sequencer',
      channels: ['audit'],
      enabled: config.env.AUDIT_SEQUENCER_ENABLED,
      idleMs: 500,
      // Sequencing is deferred work: under load one round per 100 ms takes many commits at once.
      coalesceMs: 100,
    });
  }

  protected async round(): Promise<boolean> {
    await this.confirmLeadership();
    const sequenced = await this.log.sequence(BATCH);
    const interval = this.config.env.AUDIT_CHECKPOINT_INTERVAL_SECONDS * 1000;
    if (Date.now() - this.lastCheckpointAt >= interval) {
      this.lastCheckpointAt = Date.now();
      await this.log.checkpoint();
    }
    return sequenced === BATCH;
  }
}
