import 'reflect-metadata';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { loadEnv } from '../src/env';
import { infraUp } from './infra';
import { repoRoot } from './lib/repo-root';
import { runOrThrow, step } from './lib/step';

/**
 * `npm run start:local`: brings up the local infrastructure, builds the hub and runs it in the
 * foreground. Ctrl-C stops the hub; the broker keeps running for the next start
 * (`npm run infra:down` stops it).
 */
async function main(): Promise<void> {
  const env = loadEnv();
  await step('infrastructure (keys, Kafka, database)', () => infraUp(env.DATABASE_URL));
  await step('build', () => runOrThrow('npx', ['nest', 'build']));
  const url = `http://${env.HOST}:${env.PORT}`;
  console.log(`
  Mekong Referral Hub on ${url}
    readiness:  curl ${url}/health/ready
    a token:    TOKEN=$(npm run -s token -- --party LA-BOKEO-POLICE --role liaison_officer)
    who am I:   curl -H "Authorization: Bearer $TOKEN" ${url}/v1/me
  Ctrl-C stops the hub; \`npm run infra:down\` stops Kafka.
`);
  const hub = spawn(process.execPath, [join(repoRoot(), 'dist', 'src', 'main.js')], {
    stdio: 'inherit',
    env: process.env,
  });
  const stop = (signal: NodeJS.Signals): void => {
    hub.kill(signal);
  };
  process.on('SIGINT', stop).on('SIGTERM', stop);
  hub.on('exit', (code, signal) => {
    process.exitCode = signal === 'SIGINT' || signal === 'SIGTERM' ? 0 : (code ?? 1);
  });
}

main().catch((error: unknown) => {
  console.error(`start:local: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
