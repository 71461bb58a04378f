import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { victimReferral } from '../support/referral-fixtures';

/** How one HTTP request of the stream ended. */
export type RequestOutcome =
  /** 2xx, or 409 on a retried submit that had in fact gone through. */
  | 'ok'
  /** 503 problem+json: the hub says a dependency is down; the officer retries. */
  | 'unavailable'
  /** No HTTP answer: refused or reset (the hub process is down). */
  | 'unreachable'
  /** No answer within the request timeout: a hang. */
  | 'hung'
  /** Anything else (a 500, a 503 that is not problem+json, an unexpected 4xx): a bug. */
  | 'failed';

/** A referral the stream created, and whether the hub accepted its submission. */
export interface StreamedReferral {
  id: string;
  phase: string;
  /** When the submission was confirmed (ms since the epoch); undefined if it never was. */
  acceptedAt?: number;
}

/** One request the stream made that did not end well, for the failure message. */
export interface RequestFailure {
  phase: string;
  what: string;
  outcome: RequestOutcome;
  detail: string;
  at: number;
}

const REQUEST_TIMEOUT_MS = 15_000;
const RETRY_PAUSE_MS = 200;
/** An officer gives up on one referral after this long (the run then fails on "gave up"). */
const GIVE_UP_MS = 120_000;

/**
 * Lao officers sending referrals to a partner over HTTP at a steady rate: create a draft (with an
 * `Idempotency-Key`), submit it, read it back. A request that gets no answer or a 503 is retried as a person
 * would — the same key for the draft, the submit again (409 then means it had gone through) — so
 * every referral the stream started ends up accepted, whatever is broken meanwhile. Every
 * request's outcome is counted per phase.
 */
export class OfficerStream {
  readonly referrals: StreamedReferral[] = [];
  readonly failures: RequestFailure[] = [];
  private readonly counts = new Map<string, Record<RequestOutcome, number>>();
  /** Per phase: the problem `code` of each 503, and the slowest answer (ms). */
  private readonly unavailableCodes = new Map<string, Record<string, number>>();
  private readonly slowest = new Map<string, number>();
  private phase = 'idle';
  private running = false;
  private workers: Promise<void>[] = [];
  private nextStart = 0;
  private turn = 0;
  gaveUp = 0;

  constructor(
    private targets: readonly string[],
    private readonly token: string,
    private readonly to: string,
    private readonly perSecond: number,
    private readonly concurrency = 4,
  ) {}

  /** Hub base URLs the officers use, round robin (a load balancer in front of the instances). */
  setTargets(targets: readonly string[]): void {
    this.targets = targets;
  }

  start(phase: string): void {
    if (this.running) throw new Error('the stream is already running');
    this.phase = phase;
    this.running = true;
    this.nextStart = Date.now();
    this.workers = Array.from({ length: this.concurrency }, () => this.work());
  }

  /** Stops starting referrals and waits until those in progress are accepted (or given up). */
  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.workers);
    this.workers = [];
  }

  outcomes(phase: string): Record<RequestOutcome, number> {
    return { ...this.countsOf(phase) };
  }

  /** How many 503 answers carried each problem `code`. */
  unavailableCodesOf(phase: string): Record<string, number> {
    return { ...this.unavailableCodes.get(phase) };
  }

  /** The longest a request of the phase waited for its answer (or for failing), in ms. */
  slowestOf(phase: string): number {
    return this.slowest.get(phase) ?? 0;
  }

  accepted(phase?: string): StreamedReferral[] {
    return this.referrals.filter(
      (r) => r.acceptedAt !== undefined && (phase === undefined || r.phase === phase),
    );
  }

  private countsOf(phase: string): Record<RequestOutcome, number> {
    let counts = this.counts.get(phase);
    if (!counts) {
      counts = { ok: 0, unavailable: 0, unreachable: 0, hung: 0, failed: 0 };
      this.counts.set(phase, counts);
    }
    return counts;
  }

  private async work(): Promise<void> {
    while (this.running) {
      // Pacing shared by the workers: one referral every 1/perSecond seconds.
      const wait = this.nextStart - Date.now();
      this.nextStart = Math.max(this.nextStart, Date.now()) + 1000 / this.perSecond;
      if (wait > 0) await sleep(wait);
      if (!this.running) return;
      await this.sendOne();
    }
  }

  private async sendOne(): Promise<void> {
    const phase = this.phase;
    const deadline = Date.now() + GIVE_UP_MS;
    const key = randomUUID();
    const body = victimReferral(this.to);
    let id: string | undefined;
    while (id === undefined) {
      if (Date.now() > deadline) {
        this.giveUp(phase, 'create');
        return;
      }
      const res = await this.request(phase, 'POST /v1/referrals', '/v1/referrals', body, {
        headers: { 'idempotency-key': key },
      });
      if (res.outcome === 'ok' && (res.status === 201 || res.status === 200)) {
        id = (res.body as { id: string }).id;
      } else if (res.outcome === 'failed') {
        return;
      } else {
        await sleep(RETRY_PAUSE_MS);
      }
    }
    const referral: StreamedReferral = { id, phase };
    this.referrals.push(referral);
    for (let attempt = 0; ; attempt++) {
      if (Date.now() > deadline) {
        this.giveUp(phase, `submit ${id}`);
        return;
      }
      // After a lost answer the submit may have gone through: then 409 says it is submitted.
      const res = await this.request(
        phase,
        'POST …/submit',
        `/v1/referrals/${id}/submit`,
        {},
        {
          retriedSubmit: attempt > 0,
        },
      );
      if (res.outcome === 'ok') {
        referral.acceptedAt = Date.now();
        break;
      }
      if (res.outcome === 'failed') return;
      await sleep(RETRY_PAUSE_MS);
    }
    // The officer looks at what was sent (a read of personal data: itself an audit entry).
    while (Date.now() <= deadline) {
      const res = await this.request(phase, 'GET …/{id}', `/v1/referrals/${id}`);
      if (res.outcome === 'ok') {
        const status = (res.body as { status?: unknown }).status;
        if (status === 'DRAFT') {
          this.failures.push({
            phase,
            what: `GET ${id}`,
            outcome: 'failed',
            detail: 'still a draft after submit',
            at: Date.now(),
          });
        }
        return;
      }
      if (res.outcome === 'failed') return;
      await sleep(RETRY_PAUSE_MS);
    }
    this.giveUp(phase, `read ${id}`);
  }

  private giveUp(phase: string, what: string): void {
    this.gaveUp++;
    this.failures.push({ phase, what, outcome: 'failed', detail: 'gave up', at: Date.now() });
  }

  /**
   * One request (a POST of `body`, a GET without one) with its outcome counted; 409 on a retried
   * submit counts as done.
   */
  private async request(
    phase: string,
    what: string,
    path: string,
    body?: unknown,
    options: { headers?: Record<string, string>; retriedSubmit?: boolean } = {},
  ): Promise<{ outcome: RequestOutcome; status?: number; body?: unknown }> {
    const base = this.targets[this.turn++ % this.targets.length];
    const counts = this.countsOf(phase);
    const fail = (outcome: RequestOutcome, detail: string, status?: number) => {
      counts[outcome]++;
      if (outcome !== 'unreachable' && outcome !== 'unavailable') {
        this.failures.push({ phase, what, outcome, detail, at: Date.now() });
      }
      return { outcome, ...(status !== undefined && { status }) };
    };
    let res: Response;
    const sentAt = performance.now();
    const took = (): void => {
      const ms = performance.now() - sentAt;
      this.slowest.set(phase, Math.max(this.slowestOf(phase), ms));
    };
    try {
      res = await fetch(`${base}${path}`, {
        method: body === undefined ? 'GET' : 'POST',
        headers: {
          authorization: `Bearer ${this.token}`,
          ...(body !== undefined && { 'content-type': 'application/json' }),
          ...options.headers,
        },
        ...(body !== undefined && { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (error) {
      took();
      const e = error as Error & { cause?: { code?: string } };
      if (e.name === 'TimeoutError') return fail('hung', `no answer in ${REQUEST_TIMEOUT_MS} ms`);
      return fail('unreachable', `${e.message}: ${e.cause?.code ?? ''}`);
    }
    took();
    const type = res.headers.get('content-type') ?? '';
    let parsed: unknown;
    try {
      parsed = await res.json();
    } catch (error) {
      // The body was cut off: the process died mid-answer.
      if (res.ok) return fail('unreachable', `body lost: ${(error as Error).message}`);
      return fail('failed', `${res.status} without a JSON body`, res.status);
    }
    const code = (parsed as { code?: unknown }).code;
    if (res.ok) {
      counts.ok++;
      return { outcome: 'ok', status: res.status, body: parsed };
    }
    if (res.status === 503 && type.startsWith('application/problem+json')) {
      const codes = this.unavailableCodes.get(phase) ?? {};
      codes[String(code)] = (codes[String(code)] ?? 0) + 1;
      this.unavailableCodes.set(phase, codes);
      return fail('unavailable', String(code), 503);
    }
    if (res.status === 409 && code === 'invalid-transition' && options.retriedSubmit === true) {
      // Our earlier submit committed but its answer was lost: the referral is submitted.
      counts.ok++;
      return { outcome: 'ok', status: 409, body: parsed };
    }
    return fail(
      'failed',
      `${res.status} ${type} ${JSON.stringify(parsed).slice(0, 300)}`,
      res.status,
    );
  }
}
