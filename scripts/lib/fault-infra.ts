// The fault tests' own infrastructure: a Kafka broker and a PostgreSQL cluster that nobody else
// uses, on their own ports, so that stopping and restarting them disturbs nothing on the machine;
// and the ports and state of a three-node Kafka cluster, which the scenario that needs it starts.
import { randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { migrateDatabase } from '../../src/database/migrate';
import { APP_ROLE } from '../../src/database/migrations/1763800000000-audit-trail';
import { portAcceptsTcp, startBroker, stopBroker, type BrokerOptions } from './kafka-broker';
import {
  clusterNodes,
  removeClusterState,
  stopCluster,
  type ClusterOptions,
} from './kafka-cluster';
import { NO_KAFKA_LOGIN } from './kafka-security';
import { PgCluster, type PgClusterOptions } from './pg-cluster';
import { repoRoot } from './repo-root';

/** Environment variable that hands the infrastructure's description to the test process. */
const FAULTS_INFRA_VARIABLE = 'FAULTS_INFRA';
/** Marks every hub process of one fault run, so the run can find and stop its strays. */
const FAULT_RUN_VARIABLE = 'MRH_FAULT_RUN';

/**
 * First of the ports the fault run uses (broker, controller, PostgreSQL, hubs …). Not right after
 * a local broker's port: the benchmark's broker takes that port + 10 and + 11.
 */
export const DEFAULT_BASE_PORT = 19222;
/**
 * The fault run never uses a port outside [base, base + PORT_SPAN): base + 0…9 the single broker,
 * PostgreSQL and hubs; base + 10…15 the cluster's nodes (clients, then controllers); base + 16 the
 * cluster scenario's hub.
 */
const PORT_SPAN = 20;
const HUB_PORT_OFFSET = 8;
const CLUSTER_PORT_OFFSET = 10;
const CLUSTER_HUB_PORT_OFFSET = 16;
const HUB_COUNT = 2;
const DATABASE = 'referral_hub';

/** What the test process needs to reach, stop and start the run's infrastructure. */
export interface FaultInfraDescriptor {
  runId: string;
  broker: BrokerOptions;
  pg: PgClusterOptions;
  /** Owner of the schema (migrations, checks that need to see everything). */
  ownerUrl: string;
  /** The application's restricted role, as the hub connects in production. */
  appUrl: string;
  hubPorts: number[];
  /** The three-node cluster: not running until a scenario starts it; stopped with the run. */
  cluster: ClusterOptions;
  /** Port of the hub that uses the cluster. */
  clusterHubPort: number;
}

function runDir(): string {
  return join(repoRoot(), '.cache', 'faults');
}

function clusterRecord(): string {
  return join(runDir(), 'pg-cluster.json');
}

const BROKER_INSTANCE = 'faults';

/** The broker of the fault run: its own state (`.cache/kafka/faults`), the shared jars. */
function brokerOptions(basePort: number): BrokerOptions {
  return {
    host: '127.0.0.1',
    port: basePort,
    controllerPort: basePort + 1,
    cacheDir: join(repoRoot(), '.cache', 'kafka'),
    instance: BROKER_INSTANCE,
    // Its own plaintext broker: the faults are about outages, not about partners' rights.
    security: { mode: 'plaintext' },
    onOtherMode: 'restart',
  };
}

/** The cluster of the fault run: its own state (`.cache/kafka/faults-cluster`), the shared jars. */
function clusterOptions(basePort: number): ClusterOptions {
  return {
    host: '127.0.0.1',
    basePort: basePort + CLUSTER_PORT_OFFSET,
    cacheDir: join(repoRoot(), '.cache', 'kafka'),
    instance: `${BROKER_INSTANCE}-cluster`,
  };
}

function brokerDataDir(broker: BrokerOptions): string {
  return join(broker.cacheDir, broker.instance ?? '', 'data');
}

/**
 * Stops what an earlier, interrupted run of this checkout left behind: hubs carrying a fault-run
 * marker, the broker named by our pid file, the cluster named by our record. Nothing else.
 */
async function cleanUpLeftovers(basePort: number): Promise<void> {
  killStrayHubs(undefined);
  await stopBroker(brokerOptions(basePort));
  await stopCluster(clusterOptions(basePort), 0);
  try {
    const left = JSON.parse(readFileSync(clusterRecord(), 'utf8')) as PgClusterOptions;
    await PgCluster.attach(left).destroy();
  } catch {
    // No record: nothing left.
  }
  rmSync(clusterRecord(), { force: true });
}

/**
 * SIGKILLs the hub processes of this checkout's fault runs (`runId`, or any run when undefined):
 * node running this checkout's `dist/src/main.js` with the fault-run marker in its environment.
 */
function killStrayHubs(runId: string | undefined): number[] {
  const main = join(repoRoot(), 'dist', 'src', 'main.js');
  const marker = runId === undefined ? `${FAULT_RUN_VARIABLE}=` : `${FAULT_RUN_VARIABLE}=${runId}`;
  const killed: number[] = [];
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    try {
      if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(main)) continue;
      const environ = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
      if (!environ.some((entry) => entry.startsWith(marker))) continue;
      process.kill(pid, 'SIGKILL');
      killed.push(pid);
    } catch {
      // Gone meanwhile, or not ours to read: either way not a hub of ours.
    }
  }
  return killed;
}

/** The running infrastructure of one fault run. */
export interface FaultInfra {
  descriptor: FaultInfraDescriptor;
  /** Environment of the test process (and, inherited, of the hubs it starts). */
  env: NodeJS.ProcessEnv;
  /** Stops hubs, broker and cluster and deletes their data; safe to call twice. */
  stop: () => Promise<void>;
}

/**
 * Starts a fresh broker (empty data) and a fresh PostgreSQL cluster on `basePort` and the ports
 * after it, migrates the hub's database, and returns how to reach and stop them. Refuses to start
 * when a port it needs is taken: then someone else's server is there, and we leave it alone.
 */
export async function startFaultInfra(basePort: number): Promise<FaultInfra> {
  if (basePort < 1024 || basePort + PORT_SPAN > 65535) {
    throw new Error(`faults: base port ${basePort} leaves no room for ${PORT_SPAN} ports`);
  }
  await cleanUpLeftovers(basePort);
  const broker = brokerOptions(basePort);
  const pgPort = basePort + 2;
  const hubPorts = Array.from({ length: HUB_COUNT }, (_, i) => basePort + HUB_PORT_OFFSET + i);
  const kafkaCluster = clusterOptions(basePort);
  const clusterHubPort = basePort + CLUSTER_HUB_PORT_OFFSET;
  const clusterPorts = clusterNodes(kafkaCluster).flatMap((n) => [n.port, n.controllerPort]);
  for (const port of [
    broker.port,
    broker.controllerPort,
    pgPort,
    ...hubPorts,
    ...clusterPorts,
    clusterHubPort,
  ]) {
    if (await portAcceptsTcp('127.0.0.1', port, 1000)) {
      throw new Error(
        `faults: port ${port} is in use by something else; set FAULTS_BASE_PORT to another range`,
      );
    }
  }
  // A fresh broker every run: the figures count what this run's hubs sent, nothing older.
  rmSync(brokerDataDir(broker), { recursive: true, force: true });
  removeClusterState(kafkaCluster);
  mkdirSync(runDir(), { recursive: true });

  const runId = randomUUID();
  let cluster: PgCluster | undefined;
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    killStrayHubs(runId);
    // Give the kernel a moment to close the killed hubs' connections before the servers go.
    await sleep(200);
    const results = await Promise.allSettled([
      stopBroker(broker),
      // Its data goes next: no controlled shutdown needed.
      stopCluster(kafkaCluster, 0),
      cluster?.destroy() ?? Promise.resolve(),
    ]);
    rmSync(clusterRecord(), { force: true });
    rmSync(brokerDataDir(broker), { recursive: true, force: true });
    removeClusterState(kafkaCluster);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  };
  try {
    const started = await startBroker(broker);
    if (started.reused) {
      throw new Error(`faults: a broker we did not start answers on port ${broker.port}`);
    }
    cluster = await PgCluster.create(pgPort);
    writeFileSync(clusterRecord(), JSON.stringify(cluster.descriptor));
    await cluster.start();
    const ownerUrl = cluster.url(DATABASE);
    await migrateDatabase(ownerUrl);
    const descriptor: FaultInfraDescriptor = {
      runId,
      broker,
      pg: cluster.descriptor,
      ownerUrl,
      appUrl: cluster.url(DATABASE, APP_ROLE),
      hubPorts,
      cluster: kafkaCluster,
      clusterHubPort,
    };
    return {
      descriptor,
      env: {
        [FAULTS_INFRA_VARIABLE]: JSON.stringify(descriptor),
        [FAULT_RUN_VARIABLE]: runId,
        KAFKA_BROKERS: `${broker.host}:${broker.port}`,
        // The run's own broker is plaintext: a KAFKA_SASL_* login from the caller's shell (npm
        // test hands the hub's scram login to what it runs) would be refused there.
        ...NO_KAFKA_LOGIN,
        DATABASE_URL: descriptor.appUrl,
        DATABASE_ADMIN_URL: ownerUrl,
        MIGRATION_DATABASE_URL: ownerUrl,
        // A few officers' tokens carry the whole stream; the per-officer limit guards humans' rates.
        RATE_LIMIT_ENABLED: 'false',
      },
      stop,
    };
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }
}

/** The descriptor handed to the test process, or a clear error when it runs outside a fault run. */
export function faultInfraFromEnv(source: NodeJS.ProcessEnv = process.env): FaultInfraDescriptor {
  const raw = source[FAULTS_INFRA_VARIABLE];
  if (raw === undefined || raw === '') {
    throw new Error(
      `${FAULTS_INFRA_VARIABLE} is not set: the fault tests start their own broker and database; run them with \`npm run test:faults\``,
    );
  }
  return JSON.parse(raw) as FaultInfraDescriptor;
}
