import type { Logger } from '@nestjs/common';
import { Client } from 'pg';

/** How a {@link LeaderLock} is taken and what it listens to. */
export interface LeaderLockOptions {
  databaseUrl: string;
  /** Advisory-lock key shared by every hub instance for this role. */
  key: number;
  /** Shown in pg_stat_activity and in logs, e.g. `outbox relay`. */
  name: string;
  /** NOTIFY channels to LISTEN on while leading. */
  channels: readonly string[];
  logger: Pick<Logger, 'log' | 'warn'>;
  /** Called on every notification and when leadership is lost (so a sleeper wakes up). */
  onWake: () => void;
}

/**
 * Leadership of one background role (outbox relay, audit sequencer) among hub instances: the
 * holder of a PostgreSQL session advisory lock on its own connection. When that session dies —
 * the process was killed, the database restarted — the lock is released by PostgreSQL itself and a
 * standby instance takes it on its next try. No lease to expire, no clock to trust.
 */
export class LeaderLock {
  private client: Client | undefined;
  private leading = false;

  constructor(private readonly options: LeaderLockOptions) {}

  get isLeader(): boolean {
    return this.leading && this.client !== undefined;
  }

  /** True while this instance holds the lock; tries to take it otherwise. */
  async hold(): Promise<boolean> {
    if (this.isLeader) return true;
    const client = this.client ?? (await this.connect());
    const result = await client.query<{ locked: boolean }>(
      'SELECT pg_try_advisory_lock($1) AS locked',
      [this.options.key],
    );
    this.leading = result.rows[0]?.locked === true;
    if (this.leading) {
      for (const channel of this.options.channels) await client.query(`LISTEN ${channel}`);
      this.options.logger.log(`${this.options.name}: this instance is now the leader`);
    }
    return this.leading;
  }

  /** Fencing before side effects: throws when our session (and so the lock) is gone. */
  async confirm(): Promise<void> {
    if (!this.client) throw new Error(`${this.options.name}: no longer the leader`);
    await this.client.query('SELECT 1');
  }

  /** Ends the session, which releases the lock. */
  async release(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    this.leading = false;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<Client> {
    const client = new Client({
      connectionString: this.options.databaseUrl,
      application_name: `referral-hub ${this.options.name}`,
      connectionTimeoutMillis: 3000,
    });
    client.on('error', (error) => {
      this.options.logger.warn(`${this.options.name}: lock connection lost: ${error.message}`);
      this.leading = false;
      this.client = undefined;
      this.options.onWake();
    });
    client.on('notification', () => this.options.onWake());
    await client.connect();
    this.client = client;
    return client;
  }
}
