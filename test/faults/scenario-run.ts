import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { HubProcess } from '../support/hub-process';
import { tokenFor } from '../support/tokens';
import type { AnsweringPartner } from './answering-partner';
import {
  backlogOf,
  checkInvariants,
  committedSeqs,
  deliveryOf,
  figuresTable,
  inboundOf,
  withDb,
  type ScenarioFigures,
} from './fault-checks';
import type { OfficerStream } from './officer-stream';

const IDLE_TIMEOUT_MS = 120_000;
const RECOVERY_TIMEOUT_MS = 120_000;
/** No progress for this long with nothing left in the outbox: something is lost, stop waiting. */
const STALL_MS = 30_000;
const RESULTS = join(__dirname, '..', '..', '.cache', 'faults');

/** A readiness answer seen while something was down. */
export interface Readiness {
  status: number;
  type: string;
  body: any;
}

/** Polls `/health/ready` until `stop` resolves; every answer is kept. */
export async function watchReadiness(url: string, stop: Promise<unknown>): Promise<Readiness[]> {
  const seen: Readiness[] = [];
  let done = false;
  void stop.finally(() => {
    done = true;
  });
  while (!done) {
    try {
      const res = await fetch(`${url}/health/ready`, { signal: AbortSignal.timeout(10_000) });
      seen.push({
        status: res.status,
        type: res.headers.get('content-type') ?? '',
        body: await res.json(),
      });
    } catch (error) {
      seen.push({ status: 0, type: '', body: String(error) });
    }
    await sleep(500);
  }
  return seen;
}

export async function untilReady(url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await fetch(`${url}/health/ready`, { signal: AbortSignal.timeout(5000) }).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) return;
    await sleep(100);
  }
  throw new Error(`${url} not ready within ${timeoutMs} ms`);
}

/** Tokens of the Lao officer who sends the stream's referrals, and of the auditor who checks. */
export async function faultTokens(): Promise<{ officer: string; auditor: string }> {
  const officer = await tokenFor({
    party: 'LA-BOKEO-POLICE',
    roles: ['liaison_officer'],
    expiresIn: '2h',
  });
  const auditor = await tokenFor({
    party: 'LA-PDPCHT',
    roles: ['auditor'],
    sub: 'fault-auditor',
    expiresIn: '2h',
  });
  return { officer, auditor };
}

export function randomBetween(minMs: number, maxMs: number): number {
  return Math.round(minMs + Math.random() * (maxMs - minMs));
}

/**
 * The fault scenarios of one database, one partner and one officers' stream: waits for recovery,
 * settles each scenario (checking everything a skeptical reader would) and keeps its figures.
 */
export class ScenarioRun {
  readonly rows: ScenarioFigures[] = [];

  constructor(
    private readonly ownerUrl: string,
    private readonly partner: AnsweringPartner,
    private readonly stream: OfficerStream,
    private readonly auditor: string,
    /** The instance the checks talk to. */
    public live: HubProcess,
  ) {}

  /**
   * Polls `probe` until its backlog is all zeros. Gives up early when nothing has moved for
   * {@link STALL_MS} while the hub has nothing left to publish — waiting longer cannot help then,
   * and the figures will show what is missing — and at the latest after `timeoutMs`.
   */
  async drain(
    probe: () => Promise<Record<string, number>>,
    timeoutMs: number,
  ): Promise<{ drained: boolean; backlog: Record<string, number> }> {
    const deadline = Date.now() + timeoutMs;
    let last = '';
    let movedAt = Date.now();
    for (;;) {
      const backlog = await probe();
      if (Object.values(backlog).every((n) => n === 0)) return { drained: true, backlog };
      const state = JSON.stringify(backlog);
      if (state !== last) {
        last = state;
        movedAt = Date.now();
      }
      const stalled = backlog['unpublished'] === 0 && Date.now() - movedAt > STALL_MS;
      if (stalled || Date.now() > deadline) return { drained: false, backlog };
      await sleep(200);
    }
  }

  /**
   * Time from `since` until every number committed by then has reached the partner and every
   * partner event decided by then has been answered; undefined when that never happened.
   */
  async recovery(since: number): Promise<number | undefined> {
    const owed = await committedSeqs(this.ownerUrl);
    const { drained } = await this.drain(async () => {
      const { unpublished } = await backlogOf(this.ownerUrl, this.partner);
      return {
        unpublished,
        behind: [...owed].filter(([id, seq]) => this.partner.lastSeqOf(id) < seq).length,
        unanswered: this.partner.unanswered(since).length,
      };
    }, RECOVERY_TIMEOUT_MS);
    return drained ? Date.now() - since : undefined;
  }

  /** Stops the stream, waits until the hub is idle, checks everything, and records the row. */
  async settle(
    scenario: string,
    startedAt: number,
    readyAfterMs: number[],
    recoveredAfterMs: (number | undefined)[],
  ): Promise<ScenarioFigures> {
    const { ownerUrl, partner, stream } = this;
    await stream.stop();
    const idle = await this.drain(
      async () => ({ ...(await backlogOf(ownerUrl, partner)) }),
      IDLE_TIMEOUT_MS,
    );
    const endedAt = Date.now();
    const inWindow = (at: number): boolean => at >= startedAt && at <= endedAt;
    const accepted = stream.accepted(scenario);
    const all = await committedSeqs(ownerUrl);
    const mine = new Map(accepted.map((r) => [r.id, all.get(r.id) ?? 0]));
    const delivery = deliveryOf(mine, partner);
    const inbound = await inboundOf(ownerUrl, partner, new Set(mine.keys()));
    const anomalies = partner.anomalies.filter((a) => inWindow(a.at));
    const row: ScenarioFigures = {
      scenario,
      referralsAccepted: accepted.length,
      eventsExpected: delivery.expected,
      eventsDelivered: delivery.delivered,
      duplicatedOnWire: partner.duplicateArrivals.filter(inWindow).length,
      appliedTwice: anomalies.filter((a) => a.kind === 'applied-twice').length,
      lost: delivery.lost,
      orderViolations: anomalies.filter((a) => a.kind === 'out-of-order').length,
      partnerEventsSent: inbound.sent,
      partnerEventsAppliedOnce: inbound.appliedOnce,
      http: stream.outcomes(scenario),
      slowestAnswerMs: Math.round(stream.slowestOf(scenario)),
      readyAfterMs,
      recoveredAfterMs,
    };
    this.rows.push(row);
    process.stdout.write(`\n${figuresTable([row])}\n`);

    // Everything so far, not only this scenario's referrals: a fault must not disturb the past.
    const everything = deliveryOf(all, partner);
    const everyInbound = await inboundOf(ownerUrl, partner, new Set(all.keys()));
    const invariants = await checkInvariants(ownerUrl);
    const statuses = await withDb(ownerUrl, (db) =>
      db
        .query<{ status: string; n: number }>(
          `SELECT status, count(*)::int AS n FROM referrals GROUP BY status`,
        )
        .then((r) => Object.fromEntries(r.rows.map((s) => [s.status, s.n]))),
    );
    const auth = { authorization: `Bearer ${this.auditor}` };
    await fetch(`${this.live.url}/v1/audit/checkpoint`, { method: 'POST', headers: auth });
    const verify = await fetch(`${this.live.url}/v1/audit/verify`, { headers: auth }).then(
      async (r) => ({ status: r.status, body: (await r.json()) as any }),
    );

    if (!idle.drained) process.stdout.write(`${this.live.logs().slice(-4000)}\n`);
    expect({ backlog: idle.backlog }).toEqual({
      backlog: { unpublished: 0, unsequenced: 0, behind: 0, unanswered: 0 },
    });
    expect(recoveredAfterMs.filter((ms) => ms === undefined)).toEqual([]);
    expect(accepted.length).toBeGreaterThan(0);
    expect({ lost: row.lost, sample: delivery.lostSample }).toEqual({ lost: 0, sample: [] });
    expect(row.eventsDelivered).toBe(row.eventsExpected);
    expect(anomalies).toEqual([]);
    expect(partner.anomalies).toEqual([]);
    expect({ lost: everything.lost, sample: everything.lostSample }).toEqual({
      lost: 0,
      sample: [],
    });
    expect(inbound.sample).toEqual([]);
    expect(inbound.sent).toBe(2 * accepted.length);
    expect(everyInbound.sample).toEqual([]);
    expect(everyInbound.appliedOnce).toBe(2 * all.size);
    expect(invariants.filter((i) => i.violations > 0)).toEqual([]);
    // Every referral went the whole way: submitted, acknowledged and accepted by the partner.
    expect(statuses).toEqual({ ACCEPTED: all.size });
    expect(stream.failures).toEqual([]);
    expect(row.http.hung).toBe(0);
    expect(row.http.failed).toBe(0);
    expect(verify.status).toBe(200);
    expect(verify.body.ok).toBe(true);
    expect(verify.body.entriesChecked).toBeGreaterThan(0);
    return row;
  }

  /**
   * Writes the figures to `.cache/faults/<file>` and prints them with their legend, and `note`
   * (what "ready" and "recovered" mean where a scenario measures them differently).
   */
  report(file: string, title: string, note = ''): void {
    if (this.rows.length === 0) return;
    mkdirSync(RESULTS, { recursive: true });
    writeFileSync(join(RESULTS, file), `${JSON.stringify(this.rows, null, 2)}\n`);
    process.stdout.write(`\n${title}\n${figuresTable(this.rows)}\n`);
    process.stdout.write(
      'dup wire: records whose event id had already arrived; applied 2x: one number under two ids; ' +
        'order: a number that was not the next one; partner ev (once): partner events sent (applied ' +
        'once and answered once); HTTP: ok / 503 problem+json / no answer (hub down) / anything else / ' +
        'no answer within 15 s; slowest: longest wait for an HTTP answer; ready: repair → /health/ready 200; recovered: repair → everything ' +
        'committed or sent before it delivered and answered\n',
    );
    if (note !== '') process.stdout.write(`${note}\n`);
  }

  /** Keeps each hub's output beside the figures, as `<prefix>-<n>.log`. */
  saveLogs(prefix: string, hubs: readonly HubProcess[]): void {
    mkdirSync(RESULTS, { recursive: true });
    hubs.forEach((h, i) => writeFileSync(join(RESULTS, `${prefix}-${i + 1}.log`), h.logs()));
  }
}
