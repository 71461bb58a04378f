import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { Client } from 'pg';
import { AppConfig } from '../config/app-config';

/** One change to a referral, as the `live_update()` trigger announces it (no content). */
export interface LiveUpdate {
  referralId: string;
  from: string;
  to: string;
  version: number;
  status: string;
  /** `changed`: the referral row; `message`: a case message; `delivery`: a receipt or a read. */
  kind: 'changed' | 'message' | 'delivery';
}

type Listener = (update: LiveUpdate) => void;

/** After a lost connection, the next attempt waits this long (doubling up to the maximum). */
const RETRY_MS = { first: 500, max: 10_000 };

/**
 * Changes to referrals as they commit, from PostgreSQL's `NOTIFY live_updates` (migration
 * 1763850000000): every hub instance hears every change, whichever instance made it or whether a
 * partner's event did. One connection per instance LISTENs; subscribers (open pages) get each
 * update and filter by what their caller may see. A lost connection is re-opened with backoff;
 * subscribers are told (`onGap`) so they can re-read what they show, as a notice sent meanwhile
 * is gone.
 */
@Injectable()
export class LiveUpdates implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(LiveUpdates.name);
  private readonly listeners = new Set<Listener>();
  private readonly gapListeners = new Set<() => void>();
  private client: Client | undefined;
  private stopped = false;
  private retryMs = RETRY_MS.first;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly config: AppConfig) {}

  onModuleInit(): void {
    void this.connect();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.listeners.clear();
    this.gapListeners.clear();
    await this.client?.end().catch(() => undefined);
  }

  /** Calls `listener` with every update until the returned function is called. */
  subscribe(listener: Listener, onGap: () => void): () => void {
    this.listeners.add(listener);
    this.gapListeners.add(onGap);
    return () => {
      this.listeners.delete(listener);
      this.gapListeners.delete(onGap);
    };
  }

  /** Open subscriptions (for tests and metrics). */
  get subscribers(): number {
    return this.listeners.size;
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const client = new Client({
      connectionString: this.config.env.DATABASE_URL,
      application_name: 'referral-hub live updates',
      connectionTimeoutMillis: 3000,
    });
    client.on('notification', (message) => this.dispatch(message.payload));
    client.on('error', (error) => this.lost(client, error));
    try {
      await client.connect();
      await client.query('LISTEN live_updates');
    } catch (error) {
      this.lost(client, error as Error);
      return;
    }
    // Stopped while connecting: `stopped` may have changed across the awaits above.
    if (this.isStopped()) {
      await client.end().catch(() => undefined);
      return;
    }
    const reconnected = this.retryMs !== RETRY_MS.first;
    this.client = client;
    this.retryMs = RETRY_MS.first;
    if (reconnected) for (const gap of this.gapListeners) gap();
  }

  private isStopped(): boolean {
    return this.stopped;
  }

  private lost(client: Client, error: Error): void {
    if (this.client === client) this.client = undefined;
    void client.end().catch(() => undefined);
    if (this.stopped) return;
    this.logger.warn(`live updates: connection lost (${error.message}); retrying`);
    for (const gap of this.gapListeners) gap();
    this.timer = setTimeout(() => void this.connect(), this.retryMs);
    this.retryMs = Math.min(this.retryMs * 2, RETRY_MS.max);
  }

  private dispatch(payload: string | undefined): void {
    let update: LiveUpdate;
    try {
      update = JSON.parse(payload ?? '') as LiveUpdate;
    } catch {
      this.logger.warn('live updates: a notice that is not JSON was ignored');
      return;
    }
    for (const listener of this.listeners) listener(update);
  }
}
