import 'reflect-metadata';
import { migrateDatabase } from '../src/database/migrate';
import { redact } from '../src/database/ensure-database';
import { loadEnv } from '../src/env';
import { ensureDevKeys } from './lib/dev-keys-setup';
import {
  KAFKA_VERSION,
  brokerStatus,
  defaultBrokerOptions,
  startBroker,
  stopBroker,
} from './lib/kafka-broker';

const USAGE = 'usage: npm run infra:up | npm run infra:down | npm run infra:status';

/**
 * Local infrastructure: development keys, the Kafka broker (from Maven Central jars) and the
 * migrated database. `up` is idempotent: it reuses a running broker and an up-to-date database.
 */
export async function infraUp(databaseUrl: string): Promise<{ startedBroker: boolean }> {
  const created = await ensureDevKeys();
  console.log(
    created.length > 0
      ? `keys: generated ${created.join(', ')} in .dev/keys`
      : 'keys: development keys present in .dev/keys',
  );
  const broker = defaultBrokerOptions();
  const result = await startBroker(broker);
  console.log(
    result.reused
      ? `kafka: reusing the broker listening on ${broker.host}:${broker.port}`
      : `kafka: Apache Kafka ${KAFKA_VERSION} ready on ${broker.host}:${broker.port} in ${(result.readyMs / 1000).toFixed(1)} s (pid ${result.pid ?? '?'})`,
  );
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
  return { startedBroker: !result.reused };
}

async function main(command: string | undefined): Promise<number> {
  const env = loadEnv();
  switch (command) {
    case 'up':
      await infraUp(env.MIGRATION_DATABASE_URL);
      return 0;
    case 'down': {
      const { stopped } = await stopBroker(defaultBrokerOptions());
      console.log(
        stopped ? 'kafka: broker stopped' : 'kafka: no broker started by this repository',
      );
      return 0;
    }
    case 'status': {
      const status = await brokerStatus(defaultBrokerOptions());
      console.log(
        `kafka: ${status.answers ? 'answering' : 'not answering'}${status.running ? ` (started here, pid ${status.pid ?? '?'})` : ''}`,
      );
      return status.answers ? 0 : 1;
    }
    default:
      console.error(USAGE);
      return 2;
  }
}

if (require.main === module) {
  main(process.argv[2]).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : String(error));
      process.exitCode = 1;
    },
  );
}
