import { setTimeout as sleep } from 'node:timers/promises';
import { faultInfraFromEnv } from '../../scripts/lib/fault-infra';
import { startBroker, stopBroker } from '../../scripts/lib/kafka-broker';
import { PgCluster } from '../../scripts/lib/pg-cluster';
import { HubProcess } from '../support/hub-process';
import { AnsweringPartner } from './answering-partner';
import { lockHolder, RELAY_LOCK_KEY } from './leader';
import { OfficerStream } from './officer-stream';
import {
  faultTokens,
  randomBetween,
  ScenarioRun,
  untilReady,
  watchReadiness,
} from './scenario-run';

const infra = faultInfraFromEnv();
const BROKERS = [`${infra.broker.host}:${infra.broker.port}`];
const PARTNER = 'VN-MPS';
/** Referrals started per second by the officers (a steady stream, not a benchmark). */
const RATE = Number(process.env.FAULTS_RATE ?? 10);
const BROKER_DOWN_MS = 30_000;
const DATABASE_DOWN_MS = 6_000;
// These partners do not witness the audit log (witness-fork.spec.ts has witnesses): trust the
// hub's signature alone.
const HUB_ENV = {
  AUDIT_CHECKPOINT_INTERVAL_SECONDS: '5',
  AUDIT_WITNESS_QUORUM: '0',
  LOG_LEVEL: 'warn',
};

describe('the hub under faults, while referrals and partner answers flow', () => {
  const pg = PgCluster.attach(infra.pg);
  const hubs = infra.hubPorts.map((port) => new HubProcess(port, HUB_ENV));
  const [hubA, hubB] = hubs as [HubProcess, HubProcess];
  const partner = new AnsweringPartner(PARTNER, BROKERS);
  let stream: OfficerStream;
  let run: ScenarioRun;

  beforeAll(async () => {
    await hubA.start();
    await partner.start();
    const { officer, auditor } = await faultTokens();
    stream = new OfficerStream([hubA.url], officer, PARTNER, RATE);
    run = new ScenarioRun(infra.ownerUrl, partner, stream, auditor, hubA);
  }, 120_000);

  afterAll(async () => {
    await stream?.stop();
    await partner.stop();
    await Promise.all(hubs.map((h) => h.kill()));
    run?.saveLogs('hub', hubs);
    run?.report(
      'fault-figures.json',
      `fault figures (${RATE} referrals/s started by the officers)`,
    );
  }, 60_000);

  const recovery = (since: number): Promise<number | undefined> => run.recovery(since);
  const settle: ScenarioRun['settle'] = (...args) => run.settle(...args);

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
    const live = victim === hubA ? hubB : hubA;
    run.live = live;
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
