import { setTimeout as sleep } from 'node:timers/promises';
import { fromTopic, toTopic } from '@hub/contracts';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import pino from 'pino';
import { faultInfraFromEnv } from '../../scripts/lib/fault-infra';
import {
  CLUSTER_MIN_INSYNC_REPLICAS,
  CLUSTER_SIZE,
  clusterBrokers,
  clusterNodes,
  killNode,
  startCluster,
  startNode,
} from '../../scripts/lib/kafka-cluster';
import { dropDatabase } from '../../src/database/ensure-database';
import { migrateDatabase } from '../../src/database/migrate';
import { KafkaGateway } from '../../src/kafka/kafka-gateway';
import { appRoleUrl, scratchDatabaseUrl } from '../support/databases';
import { HubProcess } from '../support/hub-process';
import { AnsweringPartner } from './answering-partner';
import { OfficerStream } from './officer-stream';
import {
  faultTokens,
  ScenarioRun,
  untilReady,
  watchReadiness,
  type Readiness,
} from './scenario-run';

/*
 * Issue 16: the hub on a replicated cluster (three KRaft nodes, topics with three replicas and
 * min.insync.replicas 2) while one broker, then the leader of the hub's partitions, dies with
 * SIGKILL and comes back. Acknowledged writes live on two nodes, so nothing may be lost, and the
 * idempotent relay must survive the leader moving.
 */

const infra = faultInfraFromEnv();
const cluster = infra.cluster;
const BROKERS = clusterBrokers(cluster);
const PARTNER = 'VN-MPS';
const COUNTRY = 'VN';
/** The topics the scenario's traffic uses: the hub's events out, the partner's answers in. */
const TRAFFIC = [toTopic(COUNTRY), fromTopic(COUNTRY)];
const RATE = Number(process.env.FAULTS_RATE ?? 10);
/** Long enough for the controller to fence the dead node (broker.session.timeout.ms is 9 s). */
const NODE_DOWN_MS = 15_000;
const ISR_TIMEOUT_MS = 90_000;
/** A database of its own: the other scenarios check every referral of theirs. */
const ownerUrl = scratchDatabaseUrl('hub_broker_cluster');
const HUB_ENV = {
  KAFKA_BROKERS: BROKERS.join(','),
  KAFKA_REPLICATION_FACTOR: String(CLUSTER_SIZE),
  KAFKA_MIN_INSYNC_REPLICAS: String(CLUSTER_MIN_INSYNC_REPLICAS),
  // One partition per topic: each has one leader, so "the leader" and "a follower" are clear.
  KAFKA_TOPIC_PARTITIONS: '1',
  DATABASE_URL: appRoleUrl(ownerUrl),
  DATABASE_ADMIN_URL: ownerUrl,
  MIGRATION_DATABASE_URL: ownerUrl,
  AUDIT_CHECKPOINT_INTERVAL_SECONDS: '5',
  AUDIT_WITNESS_QUORUM: '0',
  LOG_LEVEL: 'warn',
};

/** Leader and in-sync replicas of partition 0 of each topic. */
async function partitionsOf(
  admin: Admin,
  topics: readonly string[],
): Promise<Map<string, { leader: number; isr: number[] }>> {
  const { topics: found } = await admin.fetchTopicMetadata({ topics: [...topics] });
  return new Map(
    found.map((t) => {
      const p = t.partitions.find((q) => q.partitionId === 0);
      return [t.name, { leader: p?.leader ?? -1, isr: p?.isr ?? [] }];
    }),
  );
}

/** Waits until every replica of `topics` is in sync again; returns how long that took. */
async function untilInSync(admin: Admin, topics: readonly string[]): Promise<number> {
  const t0 = Date.now();
  while (Date.now() - t0 < ISR_TIMEOUT_MS) {
    try {
      const partitions = await partitionsOf(admin, topics);
      if ([...partitions.values()].every((p) => p.isr.length === CLUSTER_SIZE)) {
        return Date.now() - t0;
      }
    } catch {
      // Metadata from a node still catching up: ask again.
    }
    await sleep(500);
  }
  throw new Error(`replicas of ${topics.join(', ')} not in sync within ${ISR_TIMEOUT_MS} ms`);
}

describe('the hub on a three-node cluster, while brokers are killed with SIGKILL', () => {
  const hub = new HubProcess(infra.clusterHubPort, HUB_ENV);
  const partner = new AnsweringPartner(PARTNER, BROKERS);
  let admin: Admin;
  let stream: OfficerStream;
  let run: ScenarioRun;

  beforeAll(async () => {
    const started = await startCluster(cluster);
    process.stdout.write(
      `cluster of ${CLUSTER_SIZE} on ${BROKERS.join(',')} ready in ${(started.readyMs / 1000).toFixed(1)} s\n`,
    );
    await migrateDatabase(ownerUrl);
    admin = new Kafka({
      clientId: 'fault-cluster-admin',
      brokers: BROKERS,
      logLevel: logLevel.NOTHING,
      retry: { retries: 10, initialRetryTime: 300, maxRetryTime: 2000 },
    }).admin();
    await admin.connect();
    await hub.start(120_000);
    await partner.start();
    const { officer, auditor } = await faultTokens();
    stream = new OfficerStream([hub.url], officer, PARTNER, RATE);
    run = new ScenarioRun(ownerUrl, partner, stream, auditor, hub);
  }, 240_000);

  afterAll(async () => {
    await stream?.stop();
    await partner.stop();
    await hub.kill();
    await admin?.disconnect();
    run?.saveLogs('cluster-hub', [hub]);
    run?.report(
      'cluster-figures.json',
      `fault figures on the ${CLUSTER_SIZE}-node cluster (${RATE} referrals/s started by the officers)`,
      'on the cluster, ready: the node restarted → all replicas of the traffic in sync again; ' +
        'recovered: the SIGKILL → everything committed or sent before it delivered and answered, ' +
        'while the node is still down (the failover)',
    );
    await dropDatabase(ownerUrl).catch(() => undefined);
    // The nodes are stopped with the run's infrastructure.
  }, 60_000);

  it('created its topics with three replicas, two of them needed in sync', async () => {
    const gateway = new KafkaGateway({
      brokers: BROKERS,
      clientId: 'fault-cluster-check',
      logger: pino({ level: 'silent' }),
    });
    const partitions = await partitionsOf(admin, TRAFFIC);

    expect([...partitions.values()].map((p) => p.isr.length)).toEqual([3, 3]);
    expect(await gateway.describeReplication(TRAFFIC)).toEqual({
      brokers: 3,
      topics: TRAFFIC.map((topic) => ({
        topic,
        replicationFactor: 3,
        minInsyncReplicas: 2,
        uncleanLeaderElection: false,
      })),
    });
  });

  /**
   * Kills `victim`, keeps it down for {@link NODE_DOWN_MS} while the stream flows, then starts it
   * again and waits for its replicas to be in sync; the row's "recovered" counts from the kill
   * (the failover), its "ready" from the restart until the replicas are in sync again.
   */
  async function killAndRestart(scenario: string, victim: number): Promise<Readiness[]> {
    const startedAt = Date.now();
    stream.start(scenario);
    await sleep(3000);
    await killNode(cluster, victim);
    const killedAt = Date.now();
    const outage = sleep(NODE_DOWN_MS);
    const readiness = watchReadiness(hub.url, outage);
    // Everything committed before the kill reaches the partner while the node is still down.
    const failover = await run.recovery(killedAt);
    await outage;
    await startNode(cluster, victim);
    const inSync = await untilInSync(admin, TRAFFIC);
    await untilReady(hub.url);
    await sleep(2000);
    const row = await run.settle(scenario, startedAt, [inSync], [failover]);

    expect(hub.running).toBe(true);
    expect(row.http.unreachable).toBe(0);
    // The hub never refused an officer: two of three replicas take every write.
    expect(row.http.unavailable).toBe(0);
    return readiness;
  }

  it('loses nothing when a follower of its partitions is killed and restarted', async () => {
    const partitions = await partitionsOf(admin, TRAFFIC);
    const leaders = new Set([...partitions.values()].map((p) => p.leader));
    const follower = clusterNodes(cluster).find((n) => !leaders.has(n.id));
    expect(follower).toBeDefined();

    const readiness = await killAndRestart('broker SIGKILL (follower)', follower?.id ?? 0);

    expect(readiness.filter((r) => r.status !== 200)).toEqual([]);
  }, 300_000);

  it('loses nothing when the leader of its outgoing partition is killed and restarted', async () => {
    const before = await partitionsOf(admin, TRAFFIC);
    const leader = before.get(toTopic(COUNTRY))?.leader ?? -1;
    expect(leader).toBeGreaterThan(0);

    const readiness = await killAndRestart('broker SIGKILL (leader)', leader);

    // Not ready is allowed only as a clean 503 problem+json while the leader moves.
    expect(
      readiness.filter(
        (r) =>
          r.status !== 200 && !(r.status === 503 && r.type.startsWith('application/problem+json')),
      ),
    ).toEqual([]);
  }, 300_000);
});
