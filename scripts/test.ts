import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { dropDatabase } from '../src/database/ensure-database';
import { migrateDatabase } from '../src/database/migrate';
import { resultsShapeProblems } from './bench/results-shape';
import { appRoleUrl } from './lib/app-role';
import { chromiumPath } from './lib/chromium';
import { ensureDevKeys } from './lib/dev-keys-setup';
import { defaultBrokerOptions, startBroker, stopBroker } from './lib/kafka-broker';
import { NO_KAFKA_LOGIN, hubKafkaEnv, localSecurity } from './lib/kafka-security';
import { run, runOrThrow, step } from './lib/step';
import { faultBasePort, runFaultTests } from './test-faults';

/** Database the test run owns (as its schema owner): recreated at the start of every run. */
const TEST_DATABASE_URL =
  process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/referral_hub_test';

/** The same database as the application's restricted role sees it (the role has no password). */
function asAppRole(ownerUrl: string): string {
  const url = new URL(appRoleUrl(ownerUrl));
  url.password = '';
  return url.toString();
}

/**
 * `npm test`: the whole suite CI runs — format, lint, types, build, then unit, integration,
 * end-to-end and browser tests (Debian's Chromium) against a real PostgreSQL and a real Kafka
 * broker in tls mode (SASL/SCRAM over TLS and ACLs, as partners meet it, plus SSL with client
 * certificates and SASL_PLAINTEXT listeners for the ACL tests): the hub logs in with its
 * credentials over SASL_SSL, test partners as their country's principal; then the benchmark's
 * smoke run, then the fault tests on their own broker
 * and database (`--skip-faults` leaves them out; so does a jest pattern, which means a targeted
 * run). Starts the broker when none is running and stops it afterwards, so no JVM is left behind;
 * reuses one of the same mode that was running, and refuses (saying what to do) one of the other
 * mode, rather than test against it.
 */
async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    options: {
      'skip-checks': { type: 'boolean', default: false },
      'skip-faults': { type: 'boolean', default: false },
    },
    allowPositionals: true,
  });
  if (!values['skip-checks']) {
    await step('format check (prettier)', () => runOrThrow('npx', ['prettier', '--check', '.']));
    await step('lint (eslint)', () => runOrThrow('npx', ['eslint', '.', '--max-warnings=0']));
    await step('type check (tsc)', () => runOrThrow('npx', ['tsc', '--noEmit', '-p', '.']));
    await step('type check (tsc, web console)', () =>
      runOrThrow('npx', ['tsc', '--noEmit', '-p', 'libs/console']),
    );
    await step('contract drift (docs/asyncapi.yaml)', () =>
      runOrThrow('npx', ['tsx', 'scripts/generate-asyncapi.ts', '--check']),
    );
  }
  // Before anything slow: a full run includes the browser tests, which need Chromium.
  if (positionals.length === 0) {
    await step('chromium (browser tests)', () => {
      console.log(`  ${chromiumPath()}`);
      return Promise.resolve();
    });
  }
  await step('build (nest build)', () => runOrThrow('npx', ['nest', 'build']));
  await step('build (web console, vite)', () => runOrThrow('npm', ['run', '-s', 'build:console']));
  await step('development keys', ensureDevKeys);
  const security = await localSecurity('tls');
  const broker = defaultBrokerOptions(security, 'refuse');
  const started = await step('kafka broker (tls mode)', async () => {
    const result = await startBroker(broker);
    console.log(
      result.reused
        ? '  reusing the tls broker already listening'
        : `  started (ready in ${(result.readyMs / 1000).toFixed(1)} s)`,
    );
    return !result.reused;
  });
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    if (started) await step('stop kafka broker', () => stopBroker(broker));
  };
  const onInt = (): void => void stop().finally(() => process.exit(130));
  const onTerm = (): void => void stop().finally(() => process.exit(143));
  process.once('SIGINT', onInt).once('SIGTERM', onTerm);
  let code: number;
  try {
    await step('test database', async () => {
      await dropDatabase(TEST_DATABASE_URL);
      await migrateDatabase(TEST_DATABASE_URL);
    });
    const env = {
      ...process.env,
      DATABASE_URL: asAppRole(TEST_DATABASE_URL),
      // Tests that play the superuser (tampering) or create throw-away databases use this.
      DATABASE_ADMIN_URL: TEST_DATABASE_URL,
      KAFKA_BROKERS: `${broker.host}:${broker.port}`,
      // The hub's login; whatever KAFKA_SASL_* the shell had would be for another broker.
      ...NO_KAFKA_LOGIN,
      ...hubKafkaEnv(security),
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
    };
    code = await step('jest (unit, medium, integration, e2e, hostile, browser)', () =>
      // --forceExit: a suite whose setup failed must not leave CI waiting on its open sockets.
      run('npx', ['jest', '--ci', '--runInBand', '--forceExit', ...positionals], env),
    );
    // A run narrowed to some tests (positionals) skips the smoke, like the tests it left out.
    if (code === 0 && positionals.length === 0) {
      await step('benchmark smoke (npm run bench -- --smoke)', () => benchSmoke(env));
    }
  } finally {
    // The fault run brings its own broker: free this one's memory and CPU first.
    await stop();
    process.off('SIGINT', onInt).off('SIGTERM', onTerm);
  }
  if (code !== 0) return code;
  if (values['skip-faults'] || positionals.length > 0) {
    console.log(
      `fault tests skipped (${values['skip-faults'] ? '--skip-faults' : 'a jest pattern was given'}); \`npm run test:faults\` runs them`,
    );
    return code;
  }
  return runFaultTests({ build: false, basePort: faultBasePort(), jestArgs: [] });
}

/**
 * Runs every benchmark scenario with tiny sizes so the benchmark cannot rot, and checks the shape
 * of its JSON (not its numbers, which mean nothing at that size or on a shared CI machine).
 */
async function benchSmoke(env: NodeJS.ProcessEnv): Promise<void> {
  const output = join(__dirname, '..', '.cache', 'bench-smoke.json');
  const smokeDb = new URL(TEST_DATABASE_URL);
  smokeDb.pathname = `${smokeDb.pathname}_smoke`;
  await runOrThrow(
    'npx',
    [
      'tsx',
      'scripts/bench/bench.ts',
      '--smoke',
      '--skip-build',
      '--database-url',
      smokeDb.toString(),
      '--output',
      output,
    ],
    env,
  );
  const problems = resultsShapeProblems(JSON.parse(readFileSync(output, 'utf8')));
  if (problems.length > 0) throw new Error(`bench smoke: ${output}:\n  ${problems.join('\n  ')}`);
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`test: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
