import type { Logger } from '@nestjs/common';

/**
 * Runs `work` now and then every `intervalMs` until stopped — the background scans every instance
 * runs (overdue deadlines, retention). A failed round is logged and the next one retries; `stop`
 * cuts the pause short and waits for a round in progress, so shutdown never interrupts one.
 */
export class IntervalLoop {
  private stopping = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;

  constructor(
    private readonly name: string,
    private readonly logger: Logger,
    private readonly work: () => Promise<unknown>,
    private readonly intervalMs: number,
  ) {}

  start(): void {
    this.loop ??= this.run();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.loop;
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      try {
        await this.work();
      } catch (error) {
        // The round rolled back with the failure: the same work is due at the next one.
        this.logger.warn(`${this.name}: ${(error as Error).message}`);
      }
      await this.sleep(this.intervalMs);
    }
  }

  private sleep(ms: number): Promise<void> {
    if (this.stopping) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
    });
  }
}
