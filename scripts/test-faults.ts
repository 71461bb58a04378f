import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { ensureDevKeys } from './lib/dev-keys-setup';
import { DEFAULT_BASE_PORT, startFaultInfra, type FaultInfra } from './lib/fault-infra';
import { run, runOrThrow, step } from './lib/step';

export interface FaultRunOptions {
  /** Build the hub first (`npm test` has just built it). */
  build: boolean;
  /** First of the ports the run uses; see scripts/lib/fault-infra.ts. */
  basePort: number;
  /** Extra jest arguments (e.g. a test name pattern). */
  jestArgs: readonly string[];
}

/**
 * `npm run test:faults`: starts a Kafka broker and a PostgreSQL cluster of the run's own, runs the
 * fault scenarios (test/faults) against hubs started as separate processes, and tears everything
 * down afterwards — also when a test fails or the run is interrupted — so that no JVM, postgres
 * or hub is left behind. Resolves with jest's exit code.
 */
export async function runFaultTests(options: FaultRunOptions): Promise<number> {
  // `npm run build`: nest build empties dist/, so the console is built again after it.
  if (options.build)
    await step('build (hub and console)', () => runOrThrow('npm', ['run', '-s', 'build']));
  await step('development keys', ensureDevKeys);
  let infra: FaultInfra | undefined;
  const teardown = async (): Promise<void> => {
    const current = infra;
    infra = undefined;
    if (current) await step('tear down fault infrastructure', current.stop);
  };
  const interrupted = (code: number) => (): void => {
    void teardown().finally(() => process.exit(code));
  };
  const onInt = interrupted(130);
  const onTerm = interrupted(143);
  process.once('SIGINT', onInt).once('SIGTERM', onTerm);
  try {
    infra = await step('fault infrastructure (own Kafka broker and PostgreSQL cluster)', () =>
      startFaultInfra(options.basePort),
    );
    const { broker, pg } = infra.descriptor;
    console.log(
      `  kafka on ${broker.host}:${broker.port}, postgres on 127.0.0.1:${pg.port} (${pg.dir}), hubs on ${infra.descriptor.hubPorts.join(', ')}`,
    );
    const env = { ...process.env, ...infra.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent' };
    return await step('fault tests (jest)', () =>
      run(
        'npx',
        [
          'jest',
          '--config',
          'jest.faults.config.js',
          '--ci',
          '--runInBand',
          '--forceExit',
          ...options.jestArgs,
        ],
        env,
      ),
    );
  } finally {
    process.off('SIGINT', onInt).off('SIGTERM', onTerm);
    await teardown();
  }
}

/** `FAULTS_BASE_PORT`, or the default range. */
export function faultBasePort(): number {
  const raw = process.env.FAULTS_BASE_PORT;
  if (raw === undefined || raw === '') return DEFAULT_BASE_PORT;
  const port = Number(raw);
  if (!Number.isInteger(port)) throw new Error(`FAULTS_BASE_PORT=${raw} is not a port`);
  return port;
}

if (require.main === module) {
  const { values, positionals } = parseArgs({
    options: { 'skip-build': { type: 'boolean', default: false } },
    allowPositionals: true,
  });
  runFaultTests({
    build: !values['skip-build'],
    basePort: faultBasePort(),
    jestArgs: positionals,
  }).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error(`test:faults: ${error instanceof Error ? error.message : String(error)}`);
      process.exitCode = 1;
    },
  );
}
