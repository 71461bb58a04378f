import { Injectable } from '@nestjs/common';

/**
 * The hub's notion of "now" for deadlines. Real time, plus an offset that tests (and drills)
 * move forward instead of sleeping; nothing else in the hub shifts it.
 */
@Injectable()
export class Clock {
  private offsetMs = 0;

  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  /** Moves this process's clock forward (tests): deadlines fall due without waiting. */
  advance(ms: number): void {
    this.offsetMs += ms;
  }
}
