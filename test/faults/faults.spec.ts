import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { faultInfraFromEnv } from '../../scripts/lib/fault-infra';
import { startBroker, stopBroker } from '../../scripts/lib/kafka-broker';
import { PgCluster } from '../../scripts/lib/pg-cluster';
import { HubProcess } from '../support/hub-process';
import { tokenFor } from '../support/tokens';
import { AnsweringPartner } from './answering-partner';
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
import { lockHolder, RELAY_LOCK_KEY } from './leader';
import { OfficerStream } from './officer-stream';

const infra = faultInfraFromEnv();
const BROKERS = [`${infra.broker.host}:${infra.broker.port}`];
const PARTNER = 'VN-MPS';
/** Referrals started per second by the officers (a steady stream, not a benchmark). */
const RATE = Number(process.env.FAULTS_RATE ?? 10);
const BROKER_DOWN_MS = 30_000;
const DATABASE_DOWN_MS = 6_000;
const IDLE_TIMEOUT_MS = 120_000;
const RECOVERY_TIMEOUT_MS = 120_000;
/** No progress for this long with nothing left in the outbox: something is lost, stop waiting. */
const STALL_MS = 30_000;
const RESULTS = join(__dirname, '..', '..', '.cache', 'faults');
// These partners do not witness the audit log (witness-fork.spec.ts has witnesses): trust the
// hub's signature alone.
const HUB_ENV = {
  AUDIT_CHECKPOINT_INTERVAL_SECONDS: '5',
  AUDIT_WITNESS_QUORUM: '0',
  LOG_LEVEL: 'warn',
};

/** A readiness answer seen while something was down. */
interface Readiness {
  status: number;
  type: string;
  body: any;
}

/** Polls `/health/ready` until `stop` resolves; every answer is kept. */
async function watchReadiness(url: string, stop: Promise<unknown>): Promise<Readiness[]> {
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

async function untilReady(url: string, timeoutMs = 60_000): Promise<void> {
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

function randomBetween(minMs: number, maxMs: number): number {
  return Math.round(minMs + Math.random() * (maxMs - minMs));
}

describe('the hub under faults, while referrals and partner answers flow', () => {
  const pg = PgCluster.attach(infra.pg);
  const hubs = infra.hubPorts.map((port) => new HubProcess(port, HUB_ENV));
  const [hubA, hubB] = hubs as [HubProcess, HubProcess];
  const partner = new AnsweringPartner(PARTNER, BROKERS);
  const rows: ScenarioFigures[] = [];
  let stream: OfficerStream;
  let auditor: string;
  /** The instance the checks talk to. */
  let live: HubProcess = hubA;

  beforeAll(async () => {
    await hubA.start();
    await partner.start();
    const officer = await tokenFor({
      party: 'LA-BOKEO-POLICE',
      roles: ['liaison_officer'],
      expiresIn: '2h',
    });
    auditor = await tokenFor({
      party: 'LA-PDPCHT',
      roles: ['auditor'],
      sub: 'fault-auditor',
      expiresIn: '2h',
    });
    stream = new OfficerStream([hubA.url], officer, PARTNER, RATE);
  }, 120_000);

  afterAll(async () => {
    await stream?.stop();
    await partner.stop();
    await Promise.all(hubs.map((h) => h.kill()));
    mkdirSync(RESULTS, { recursive: true });
    hubs.forEach((h, i) => writeFileSync(join(RESULTS, `hub-${i + 1}.log`), h.logs()));
    if (rows.length > 0) {
      writeFileSync(join(RESULTS, 'fault-figures.json'), `${JSON.stringify(rows, null, 2)}\n`);
      process.stdout.write(`\nfault figures (${RATE} referrals/s started by the officers)\n`);
      process.stdout.write(`${figuresTable(rows)}\n`);
      process.stdout.write(
        'dup wire: records whose event id had already arrived; applied 2x: one number under two ids; ' +
          'order: a number that was not the next one; partner ev (once): partner events sent (applied ' +
          'once and answered once); HTTP: ok / 503 problem+json / no answer (hub down) / anything else / ' +
          'no answer within 15 s; slowest: longest wait for an HTTP answer; ready: repair → /health/ready 200; recovered: repair → everything ' +
          'committed or sent before it delivered and answered\n',
      );
    }
  }, 60_000);

  /**
   * Polls `probe` until its backlog is all zeros. Gives up early when nothing has moved for
   * {@link STALL_MS} while the hub has nothing left to publish — waiting longer cannot help then,
   * and the figures will show what is missing — and at the latest after `timeoutMs`.
   */
  async function drain(
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
   * Time from `repairedAt` until every number committed by then has reached the partner and every
   * partner event decided by then has been answered; undefined when that never happened.
   */
  async function recovery(repairedAt: number): Promise<number | undefined> {
    const owed = await committedSeqs(infra.ownerUrl);
    const { drained } = await drain(async () => {
      const { unpublished } = await backlogOf(infra.ownerUrl, partner);
      return {
        unpublished,
        behind: [...owed].filter(([id, seq]) => partner.lastSeqOf(id) < seq).length,
        unanswered: partner.unanswered(repairedAt).length,
      };
    }, RECOVERY_TIMEOUT_MS);
    return drained ? Date.now() - repairedAt : undefined;
  }

  /** Stops the stream, waits until the hub is idle, checks everything, and records the row. */
  async function settle(
    scenario: string,
    startedAt: number,
    readyAfterMs: number[],
    recoveredAfterMs: (number | undefined)[],
  ): Promise<ScenarioFigures> {
    await stream.stop();
    const idle = await drain(
      async () => ({ ...(await backlogOf(infra.ownerUrl, partner)) }),
      IDLE_TIMEOUT_MS,
    );
    const endedAt = Date.now();
    const inWindow = (at: number): boolean => at >= startedAt && at <= endedAt;
    const accepted = stream.accepted(scenario);
    const all = await committedSeqs(infra.ownerUrl);
    const mine = new Map(accepted.map((r) => [r.id, all.get(r.id) ?? 0]));
    const delivery = deliveryOf(mine, partner);
    const inbound = await inboundOf(infra.ownerUrl, partner, new Set(mine.keys()));
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
    rows.push(row);
    process.stdout.write(`\n${figuresTable([row])}\n`);

    // Everything so far, not only this scenario's referrals: a fault must not disturb the past.
    const everything = deliveryOf(all, partner);
    const everyInbound = await inboundOf(infra.ownerUrl, partner, new Set(all.keys()));
    const invariants = await checkInvariants(infra.ownerUrl);
    const statuses = await withDb(infra.ownerUrl, (db) =>
      db
        .query<{ status: string; n: number }>(
          `SELECT status, count(*)::int AS n FROM referrals GROUP BY status`,
        )
        .then((r) => Object.fromEntries(r.rows.map((s) => [s.status, s.n]))),
    );
    await fetch(`${live.url}/v1/audit/checkpoint`, {
      method: 'POST',
      headers: { authorization: `Bearer ${auditor}` },
    });
    const verify = await fetch(`${live.url}/v1/audit/verify`, {
      headers: { authorization: `Bearer ${auditor}` },
    }).then(async (r) => ({ status: r.status, body: (await r.json()) as any }));

    if (!idle.drained) process.stdout.write(`${live.logs().slice(-4000)}\n`);
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

  it('loses nothing when the hub is killed with SIGKILL three times at random moments', async () => {
    const scenario = 'hub SIGKILL x3';
    const startedAt = Date.now();
    const ready: number[] = [];
    const recovered: (number | undefined)[] = [];
    stream.start(scenario);
    for (let kill = 1; kill <= 3; kill++) {
      await sleep(randomBetween(1500, 6000));
      await hubA.kill();
      await sleep(randomBetween(200, 1500));
      const repairedAt = Date.now();
      await hubA.start();
      ready.push(Date.now() - repairedAt);
      recovered.push(await recovery(repairedAt));
    }
    await sleep(2000);
    const row = await settle(scenario, startedAt, ready, recovered);

    expect(row.http.unreachable).toBeGreaterThan(0);
  }, 240_000);

  it('keeps accepting referrals while the broker is down for 30 s, and drains the backlog after', async () => {
    const scenario = 'Kafka down 30 s';
    const startedAt = Date.now();
    stream.start(scenario);
    await sleep(3000);
    await stopBroker(infra.broker);
    const downAt = Date.now();
    const outage = sleep(BROKER_DOWN_MS);
    const readiness = watchReadiness(hubA.url, outage);
    await outage;
    const acceptedWhileDown = stream
      .accepted(scenario)
      .filter((r) => (r.acceptedAt ?? 0) > downAt).length;
    const started = await startBroker(infra.broker);
    expect(started.reused).toBe(false);
    const repairedAt = Date.now();
    await untilReady(hubA.url);
    const ready = Date.now() - repairedAt;
    const recovered = await recovery(repairedAt);
    await sleep(2000);
    const row = await settle(scenario, startedAt, [ready], [recovered]);

    expect(acceptedWhileDown).toBeGreaterThan(BROKER_DOWN_MS / 1000);
    const whileDown = await readiness;
    const kafkaDown = whileDown.filter(
      (r) =>
        r.status === 503 &&
        r.type.startsWith('application/problem+json') &&
        r.body?.checks?.error?.kafka?.status === 'down',
    );
    expect(kafkaDown.length).toBeGreaterThan(0);
    expect(whileDown.filter((r) => r.status !== 503)).toEqual([]);
    expect(row.http.unreachable).toBe(0);
    expect(row.http.unavailable).toBe(0);
    expect(hubA.running).toBe(true);
  }, 240_000);

  it('answers 503 problem+json while PostgreSQL restarts, and half-writes nothing', async () => {
    const scenario = 'PostgreSQL restart';
    const startedAt = Date.now();
    stream.start(scenario);
    await sleep(3000);
    await pg.stop('fast');
    const outage = sleep(DATABASE_DOWN_MS);
    const readiness = watchReadiness(hubA.url, outage);
    await outage;
    await pg.start();
    const repairedAt = Date.now();
    await untilReady(hubA.url);
    const ready = Date.now() - repairedAt;
    const recovered = await recovery(repairedAt);
    await sleep(2000);
    const row = await settle(scenario, startedAt, [ready], [recovered]);

    const whileDown = await readiness;
    expect(
      whileDown.filter(
        (r) =>
          r.status === 503 &&
          r.type.startsWith('application/problem+json') &&
          r.body?.checks?.error?.database?.status === 'down',
      ).length,
    ).toBeGreaterThan(0);
    expect(whileDown.filter((r) => r.status !== 503)).toEqual([]);
    // Refused requests were refused cleanly (counted as 503 problem+json, none failed or hung).
    expect(row.http.unavailable).toBeGreaterThan(0);
    expect(Object.keys(stream.unavailableCodesOf(scenario))).toEqual(['database-unavailable']);
    expect(row.http.unreachable).toBe(0);
    expect(hubA.running).toBe(true);
  }, 240_000);

  it('carries on when one of two running instances is killed', async () => {
    const scenario = 'two hubs, one killed';
    const startedAt = Date.now();
    await hubB.start();
    stream.setTargets([hubA.url, hubB.url]);
    stream.start(scenario);
    await sleep(randomBetween(3000, 6000));
    // Kill the one that relays the outbox: the other must take over the relay.
    const pids = hubs.map((h) => h.pid ?? -1);
    const leaderPid = await lockHolder(infra.ownerUrl, RELAY_LOCK_KEY, pids);
    const victim = hubs.find((h) => h.pid === leaderPid) ?? hubA;
    live = victim === hubA ? hubB : hubA;
    await victim.kill();
    const repairedAt = Date.now();
    const recovered = await recovery(repairedAt);
    stream.setTargets([live.url]);
    await sleep(2000);
    const row = await settle(scenario, startedAt, [], [recovered]);

    expect(leaderPid).toBeDefined();
    expect(live.running).toBe(true);
    const newLeader = await lockHolder(infra.ownerUrl, RELAY_LOCK_KEY, [live.pid ?? -1]);
    expect(newLeader).toBe(live.pid);
    expect(row.referralsAccepted).toBeGreaterThan(0);
  }, 240_000);
});
