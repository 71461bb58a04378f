import type { Logger as PinoLogger } from 'pino';
import type { GroupConsumer, GroupConsumerOptions } from './kafka-client';

const RESTART_DELAY_MS = 2000;
/** How long a stop waits for a start that is still joining the group. */
const START_WAIT_MS = 10_000;

/**
 * The life of a {@link GroupConsumer} whatever the client under it: start, stop, and restart
 * after a crash or a failed start, every {@link RESTART_DELAY_MS}, until stopped. Each (re)start
 * is a new `member` number, so work of an older member can tell it is stale and not commit.
 * A client implementation says how to join the group and how to leave it.
 */
export abstract class RestartingGroupConsumer implements GroupConsumer {
  /** Bumped by each (re)start: work of an older member is stale. */
  protected member = 0;
  private stopping = false;
  private restartTimer: NodeJS.Timeout | undefined;
  private starting: Promise<void> | undefined;

  protected constructor(
    protected readonly options: GroupConsumerOptions,
    protected readonly logger: PinoLogger,
  ) {}

  start(): Promise<void> {
    this.starting = this.connectAndRun();
    return this.starting;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    // A start in progress goes on joining the group over new connections (each a SASL login on
    // a secured broker) after a disconnect: let it end first, for a while.
    if (this.starting) {
      let timer: NodeJS.Timeout | undefined;
      const waited = new Promise<void>((resolve) => (timer = setTimeout(resolve, START_WAIT_MS)));
      await Promise.race([this.starting, waited]);
      clearTimeout(timer);
    }
    await this.leave();
  }

  /** True once {@link stop} was called. */
  protected get isStopping(): boolean {
    return this.stopping;
  }

  /** Creates the client's consumer, joins the group and starts handling; throws if it cannot. */
  protected abstract join(member: number): Promise<void>;

  /** Leaves the group and drops the current client consumer, whatever state it is in. */
  protected abstract leave(): Promise<void>;

  /** `member` crashed (ignored when a newer member runs, or stopping): restart after a pause. */
  protected crashed(member: number, error: Error): void {
    if (member !== this.member || this.stopping) return;
    this.logger.error(`consumer ${this.options.groupId} crashed: ${error.message} (restarting)`);
    this.member++;
    this.restartLater();
  }

  private async connectAndRun(): Promise<void> {
    if (this.stopping) return;
    const member = ++this.member;
    try {
      await this.join(member);
      this.logger.info(`consumer ${this.options.groupId} running`);
    } catch (error) {
      this.logger.warn(
        `consumer ${this.options.groupId} cannot start: ${(error as Error).message}`,
      );
      this.restartLater();
    }
  }

  private restartLater(): void {
    if (this.stopping) return;
    clearTimeout(this.restartTimer);
    this.restartTimer = setTimeout(() => {
      void this.leave().then(() => this.start());
    }, RESTART_DELAY_MS);
  }
}
