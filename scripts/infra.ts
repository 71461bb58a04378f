import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { migrateDatabase } from '../src/database/migrate';
import { redact } from '../src/database/ensure-database';
import { loadEnv } from '../src/env';
import { loadPartyRegistry } from '../src/parties/party-registry';
import { ensureDevKeys } from './lib/dev-keys-setup';
import { DEV_TLS_DIR } from './lib/dev-tls';
import {
  KAFKA_VERSION,
  brokerStatus,
  defaultBrokerOptions,
  startBroker,
  stopBroker,
} from './lib/kafka-broker';
import {
  DEV_KAFKA_DIR,
  hubKafkaEnv,
  localBrokerSecurity,
  localSecurity,
  principalName,
  securityModeOf,
  tlsListenerPorts,
  type BrokerSecurity,
  type KafkaSecurityMode,
} from './lib/kafka-security';
import {
  CLUSTER_MIN_INSYNC_REPLICAS,
  CLUSTER_SIZE,
  clusterBrokers,
  clusterStatus,
  defaultClusterOptions,
  startCluster,
  stopCluster,
} from './lib/kafka-cluster';
import { repoRoot } from './lib/repo-root';

const USAGE =
  'usage: [KAFKA_SECURITY=plaintext|scram|tls] npm run infra:up | npm run infra:down | npm run infra:status\n' +
  '       npm run infra:up -- --cluster | npm run infra:status -- --cluster (three nodes, plaintext)';

/**
 * Local infrastructure: development keys, the Kafka broker (from Maven Central jars) in the mode
 * `KAFKA_SECURITY` asks for (plaintext by default) and the migrated database. `up` is
 * idempotent: it reuses a running broker of the same mode and an up-to-date database; a broker
 * of ours in the other mode is restarted in this one.
 */
export async function infraUp(
  databaseUrl: string,
  mode: KafkaSecurityMode = securityModeOf(process.env.KAFKA_SECURITY),
): Promise<{ startedBroker: boolean; security: BrokerSecurity }> {
  await prepareKeys();
  const security = await localSecurity(mode);
  const broker = defaultBrokerOptions(security, 'restart');
  const result = await startBroker(broker);
  console.log(
    result.reused
      ? `kafka: reusing the ${mode} broker listening on ${broker.host}:${broker.port}`
      : `kafka: Apache Kafka ${KAFKA_VERSION} (${mode}) ready on ${broker.host}:${broker.port} in ${(result.readyMs / 1000).toFixed(1)} s (pid ${result.pid ?? '?'})`,
  );
  if (result.acls) {
    const { created: added, deleted } = result.acls;
    const over = security.mode === 'tls' ? ' over TLS' : '';
    console.log(
      `kafka: SASL/SCRAM-SHA-512${over} with ACLs (${added} created, ${deleted} deleted); the hub logs in with`,
    );
    const env = Object.entries(hubKafkaEnv(security)).map(([name, value]) =>
      name.endsWith('_FILE') ? `${name}=${relative(process.cwd(), value)}` : `${name}=${value}`,
    );
    console.log(`  ${env.join(' ')}`);
    if (security.mode === 'tls') {
      const ports = tlsListenerPorts(broker.port);
      console.log(
        `kafka: listeners SASL_SSL ${broker.host}:${ports.saslSsl}, SSL with client certificates ` +
          `${broker.host}:${ports.ssl}, SASL_PLAINTEXT ${broker.host}:${ports.saslPlaintext}; ` +
          `certificates in ${DEV_TLS_DIR}`,
      );
    }
  }
  await prepareDatabase(databaseUrl);
  return { startedBroker: !result.reused, security };
}

/**
 * `up --cluster`: as {@link infraUp}, with the three-node plaintext cluster of kafka-cluster.ts
 * instead of the single broker; prints the settings a hub needs to use it.
 */
export async function infraUpCluster(databaseUrl: string): Promise<void> {
  await prepareKeys();
  const opts = defaultClusterOptions();
  const { started, readyMs } = await startCluster(opts);
  const brokers = clusterBrokers(opts).join(',');
  console.log(
    started.length === 0
      ? `kafka: reusing the ${CLUSTER_SIZE}-node cluster on ${brokers}`
      : `kafka: Apache Kafka ${KAFKA_VERSION} cluster of ${CLUSTER_SIZE} nodes (plaintext; started ${started.join(', ')}) ready on ${brokers} in ${(readyMs / 1000).toFixed(1)} s`,
  );
  console.log('kafka: a hub uses it with');
  console.log(
    `  KAFKA_BROKERS=${brokers} KAFKA_REPLICATION_FACTOR=${CLUSTER_SIZE} KAFKA_MIN_INSYNC_REPLICAS=${CLUSTER_MIN_INSYNC_REPLICAS}`,
  );
  await prepareDatabase(databaseUrl);
}

async function prepareKeys(): Promise<void> {
  const created = await ensureDevKeys();
  console.log(
    created.length > 0
      ? `keys: generated ${created.join(', ')} in .dev`
      : 'keys: development keys present in .dev/keys and .dev/tls',
  );
}

async function prepareDatabase(databaseUrl: string): Promise<void> {
  try {
    const report = await migrateDatabase(databaseUrl);
    const target = redact(databaseUrl);
    if (report.createdDatabase) console.log(`database: created ${target}`);
    console.log(
      report.applied.length > 0
        ? `database: applied ${report.applied.join(', ')}`
        : `database: ${target} is up to date`,
    );
  } catch (error) {
    throw new Error(
      `database: cannot prepare ${redact(databaseUrl)}: ${(error as Error).message}` +
        '\n  is PostgreSQL running? (pg_ctlcluster --skip-systemctl-redirect <version> main start)',
      { cause: error },
    );
  }
}

/**
 * The credentials `status` may try: none before the set-up made any; else the SCRAM users, over
 * TLS with the development CA once that exists (a scram broker answers them the same).
 */
async function statusSecurity(): Promise<BrokerSecurity> {
  const root = repoRoot();
  const registry = loadPartyRegistry(join(root, 'config'));
  const adminFile = join(
    root,
    DEV_KAFKA_DIR,
    `${principalName(registry.hub.kafkaPrincipal)}.password`,
  );
  if (!existsSync(adminFile)) return { mode: 'plaintext' };
  const mode = existsSync(join(root, DEV_TLS_DIR, 'ca.pem')) ? 'tls' : 'scram';
  return (await localBrokerSecurity(mode, root, registry)).security;
}

async function main(command: string | undefined, flags: readonly string[]): Promise<number> {
  const env = loadEnv();
  const cluster = flags.includes('--cluster');
  if (flags.some((f) => f !== '--cluster')) {
    console.error(USAGE);
    return 2;
  }
  if (cluster && securityModeOf(process.env.KAFKA_SECURITY) !== 'plaintext') {
    console.error('infra: the local cluster runs in plaintext mode only (unset KAFKA_SECURITY)');
    return 2;
  }
  switch (command) {
    case 'up':
      if (cluster) await infraUpCluster(env.MIGRATION_DATABASE_URL);
      else await infraUp(env.MIGRATION_DATABASE_URL);
      return 0;
    case 'down': {
      // Whatever this checkout started goes: the single broker and the cluster's nodes.
      const { stopped } = await stopBroker(defaultBrokerOptions());
      console.log(
        stopped ? 'kafka: broker stopped' : 'kafka: no broker started by this repository',
      );
      const nodes = await stopCluster(defaultClusterOptions());
      if (nodes.stopped.length > 0) {
        console.log(`kafka: cluster nodes ${nodes.stopped.join(', ')} stopped`);
      }
      return 0;
    }
    case 'status': {
      if (cluster) return printClusterStatus();
      const status = await brokerStatus(defaultBrokerOptions(await statusSecurity()));
      const listening =
        status.listening === undefined
          ? 'not answering'
          : status.listening === 'scram-other-credentials'
            ? 'answering in scram mode, but refusing the credentials in .dev/kafka'
            : status.listening === 'tls-other-credentials'
              ? 'answering in tls mode, but not to the credentials in .dev/kafka and .dev/tls'
              : `answering in ${status.listening} mode`;
      const ours = status.running
        ? ` (started here in ${status.recordedMode ?? '?'} mode, pid ${status.pid ?? '?'})`
        : '';
      console.log(`kafka: ${listening}${ours}`);
      return status.listening === undefined ? 1 : 0;
    }
    default:
      console.error(USAGE);
      return 2;
  }
}

/** `status --cluster`: one line per node; exit 1 when any node does not answer. */
async function printClusterStatus(): Promise<number> {
  const nodes = await clusterStatus(defaultClusterOptions());
  for (const n of nodes) {
    const ours = n.pid === undefined ? '' : ` (started here, pid ${n.pid})`;
    console.log(
      `kafka: node ${n.id} on port ${n.port}: ${n.answering ? 'answering' : 'not answering'}${ours}`,
    );
  }
  return nodes.every((n) => n.answering) ? 0 : 1;
}

if (require.main === module) {
  main(process.argv[2], process.argv.slice(3)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : String(error));
      process.exitCode = 1;
    },
  );
}
