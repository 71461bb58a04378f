import 'reflect-metadata';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { loadEnv } from '../src/env';
import { loadPartyRegistry } from '../src/parties/party-registry';
import { infraUp } from './infra';
import { hubKafkaEnv, principalName, type BrokerSecurity } from './lib/kafka-security';
import { repoRoot } from './lib/repo-root';
import { runOrThrow, step } from './lib/step';

/**
 * The simulator's flags to log in as its country's principal with the development password, in
 * scram and tls modes (over TLS, trusting the development CA, in tls mode); none in plaintext.
 */
function simulatorLogin(security: BrokerSecurity, principal: string | undefined): string[] {
  if (security.mode === 'plaintext' || principal === undefined) return [];
  const name = principalName(principal);
  const user = security.users.find((u) => u.name === name);
  if (user === undefined) throw new Error(`no development credentials for ${principal}`);
  return [
    '--sasl-mechanism',
    'scram-sha-512',
    '--sasl-username',
    name,
    '--sasl-password-file',
    user.passwordFile,
    ...(security.mode === 'tls' ? ['--ssl-ca-file', security.tls.caFile] : []),
  ];
}

/**
 * `npm run start:local`: brings up the local infrastructure, builds the hub and runs it in the
 * foreground. Ctrl-C stops the hub; the broker keeps running for the next start
 * (`npm run infra:down` stops it). With `KAFKA_SECURITY=scram` the broker runs with SASL/SCRAM
 * and ACLs, the hub and each simulator logging in as their own principal.
 */
async function main(): Promise<void> {
  const env = loadEnv();
  const { security } = await step('infrastructure (keys, Kafka, database)', () =>
    infraUp(env.MIGRATION_DATABASE_URL),
  );
  await step('build (hub and web console)', () => runOrThrow('npm', ['run', '-s', 'build']));
  const url = `http://${env.HOST}:${env.PORT}`;
  console.log(`
  Mekong Referral Hub on ${url}
    the console: ${url}/console/  (development sign-in: pick a party and roles)
    readiness:  curl ${url}/health/ready
    a token:    TOKEN=$(npm run -s token -- --party LA-BOKEO-POLICE --role liaison_officer)
    who am I:   curl -H "Authorization: Bearer $TOKEN" ${url}/v1/me
    API docs:   ${url}/docs
  Partner simulators (one per partner country) answer referrals sent to their parties and, as
  witnesses of the audit log, cosign its checkpoints: curl ${url}/v1/audit/checkpoint with an
  auditor's token shows who cosigned (every AUDIT_CHECKPOINT_INTERVAL_SECONDS).
  Ctrl-C stops the hub and the simulators; \`npm run infra:down\` stops Kafka.
`);
  const hub = spawn(process.execPath, [join(repoRoot(), 'dist', 'src', 'main.js')], {
    stdio: 'inherit',
    env: { ...process.env, ...hubKafkaEnv(security) },
  });
  // One partner simulator per partner country plays that country's national system; they wait
  // for the hub to create the topics.
  const registry = loadPartyRegistry(join(repoRoot(), env.CONFIG_DIR));
  // They act only on events signed by the hub: its public key as the registry publishes it. As
  // witnesses of the audit log they fetch consistency proofs from the hub's HTTP API.
  const hubKey = ['--hub-key', registry.hub.signingKeyFile];
  const hubUrl = [
    '--hub-url',
    `http://${env.HOST === '0.0.0.0' ? '127.0.0.1' : env.HOST}:${env.PORT}`,
  ];
  const partners = registry
    .partnerCountries()
    .map((country) =>
      spawn(
        process.execPath,
        [
          '--import',
          'tsx',
          'libs/partner-simulator/src/main.ts',
          '--country',
          country,
          ...hubKey,
          ...hubUrl,
          ...simulatorLogin(security, registry.partnerSystem(country)?.kafkaPrincipal),
        ],
        { stdio: 'inherit', env: process.env, cwd: repoRoot() },
      ),
    );
  const stop = (signal: NodeJS.Signals): void => {
    hub.kill(signal);
    for (const partner of partners) partner.kill(signal);
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
