import type { HttpLoad, LoadRequest } from './http-load';
import type { PartnerReader } from './kafka-tools';
import { summarizeLatencies, type LatencySummary } from './latency';

/** Wait for the partner's records (and the hub's deferred work) at most this long. */
export const WAIT_MS = 180_000;

/** The submit of each draft, as an officer's client posts it. */
export function submitRequests(ids: readonly string[]): LoadRequest[] {
  return ids.map((id) => ({ id, path: `/v1/referrals/${id}/submit`, body: '{}' }));
}

/** Throws with the first failure when any request of a run was not answered 2xx. */
export function failIfAny(
  what: string,
  failures: readonly { id: string; status: number; body: string }[],
): void {
  if (failures.length === 0) return;
  const first = failures[0];
  throw new Error(
    `${what}: ${failures.length} requests failed; first: ${first?.status} ${first?.body}`,
  );
}

/** A closed-loop run's rates: end to end (partner read all, deferred work done) and HTTP alone. */
export interface MaxRate {
  rate: number;
  httpRate: number;
  seconds: number;
}

/**
 * Submits `ids` with `concurrency` requests in flight and returns submissions per second from
 * the first request until the partner's reader had read every submitted event and `settled()`
 * says the work the hub defers (the audit sequencer) caught up: a window that ends earlier would
 * leave that work to the next scenario.
 */
export async function maxRate(
  load: HttpLoad,
  reader: PartnerReader,
  ids: readonly string[],
  concurrency: number,
  settled: () => Promise<boolean>,
): Promise<MaxRate> {
  reader.watch(ids);
  const outcome = await load.closedLoop(submitRequests(ids), concurrency);
  failIfAny('submit', outcome.failures);
  await reader.all(WAIT_MS);
  const deadline = performance.now() + WAIT_MS;
  while (!(await settled())) {
    if (performance.now() > deadline) throw new Error('deferred work did not catch up');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  const seconds = (performance.now() - outcome.startedAt) / 1000;
  return {
    rate: ids.length / seconds,
    httpRate: ids.length / ((outcome.finishedAt - outcome.startedAt) / 1000),
    seconds,
  };
}

/** A constant-arrival-rate run: end-to-end latency, its stages, and what the generator cost. */
export interface PacedRun {
  targetRate: number;
  /** Requests over the time from the first due to the last due (what the generator kept up). */
  achievedRate: number;
  /** Due → the partner read the event. */
  endToEnd: LatencySummary;
  /** Due → HTTP answer (the hub answers right after its commit: HTTP → commit). */
  http: LatencySummary;
  /** HTTP answer → the record's CreateTime, set by the relay as it sends (commit → published). */
  toPublished: LatencySummary;
  /** CreateTime → the partner's reader had the record (published → partner read). */
  toRead: LatencySummary;
  /** CPU the load generator (this process, partner reader included) spent, in cores. */
  generatorCores: number;
}

/**
 * Sends the submits of `ids` at a constant arrival rate (open loop: request i is due at
 * start + i / rate whatever the hub does, and latency counts from when it was due, so a stalled
 * hub cannot hide its queue) and splits each one's latency at the HTTP answer and at the Kafka
 * record's CreateTime. Clocks: the bench's `performance.now()` and the CreateTime (epoch ms from
 * the hub's process) are one machine's clock; a stage measured below 0 (the relay sent the
 * record before the answer reached the client) counts as 0.
 */
export async function pacedRun(
  load: HttpLoad,
  reader: PartnerReader,
  ids: readonly string[],
  rate: number,
): Promise<PacedRun> {
  reader.watch(ids);
  const cpuBefore = process.cpuUsage();
  const wallBefore = performance.now();
  const outcome = await load.openLoop(submitRequests(ids), rate);
  failIfAny('paced submit', outcome.failures);
  const arrivals = await reader.all(WAIT_MS);
  const cpu = process.cpuUsage(cpuBefore);
  const generatorCores = (cpu.user + cpu.system) / 1000 / (performance.now() - wallBefore);
  const produced = reader.producedAt();
  const endToEnd: number[] = [];
  const http: number[] = [];
  const toPublished: number[] = [];
  const toRead: number[] = [];
  for (const id of ids) {
    const due = outcome.dueAt.get(id);
    const httpMs = outcome.httpMs.get(id);
    const read = arrivals.get(id);
    const published = produced.get(id);
    if (
      due === undefined ||
      httpMs === undefined ||
      read === undefined ||
      published === undefined
    ) {
      throw new Error(`paced submit: no complete timing for ${id}`);
    }
    endToEnd.push(read - due);
    http.push(httpMs);
    toPublished.push(Math.max(0, published - (due + httpMs)));
    toRead.push(Math.max(0, read - published));
  }
  const dues = [...outcome.dueAt.values()];
  const span = (Math.max(...dues) - Math.min(...dues)) / 1000;
  return {
    targetRate: rate,
    achievedRate: span > 0 ? (ids.length - 1) / span : rate,
    endToEnd: summarizeLatencies(endToEnd),
    http: summarizeLatencies(http),
    toPublished: summarizeLatencies(toPublished),
    toRead: summarizeLatencies(toRead),
    generatorCores: Math.round(generatorCores * 100) / 100,
  };
}

/**
 * The highest arrival rate at which a latency curve stays within a p99 budget, interpolating
 * linearly between measured points: `null` when even the lowest rate measured exceeds it (the
 * rate is then below anything measured), the highest rate when none does.
 */
export function rateAtP99(
  curve: readonly { rate: number; p99: number }[],
  budgetMs: number,
): number | null {
  const points = [...curve].sort((a, b) => a.rate - b.rate);
  const first = points[0];
  if (!first || first.p99 > budgetMs) return null;
  for (let i = 1; i < points.length; i++) {
    const lo = points[i - 1] as { rate: number; p99: number };
    const hi = points[i] as { rate: number; p99: number };
    if (hi.p99 > budgetMs) {
      return lo.rate + ((hi.rate - lo.rate) * (budgetMs - lo.p99)) / (hi.p99 - lo.p99);
    }
  }
  return (points[points.length - 1] as { rate: number }).rate;
}
