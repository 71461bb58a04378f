import { createPrivateKey, createPublicKey, randomUUID, type JsonWebKey } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import { createEd25519Verifier } from '@hub/transparency-log';
import type { SASLOptions } from 'kafkajs';
import { mintDevToken } from '../../../scripts/lib/dev-token';
import { USAGE, parseCli, type SimulatorConfig } from './cli';
import { PARTNER_COUNTRIES, victimRepatriationFixture } from './fixtures';
import { HubProofSource, renewingToken, tokenFromFile, type TokenProvider } from './hub-proofs';
import { PartnerSystem } from './partner-system';
import { Ed25519EventSigner, Ed25519EventVerifier, type EventSigner } from './signing';
import { Witness } from './witness';

/*
 * `npx tsx libs/partner-simulator/src/main.ts --country TH [options]` (`--help` lists them):
 * one partner country's national system, simulated, for as long as it runs. Ctrl-C stops it.
 */

/** Lifetime of a minted development token; it is renewed a minute before it lapses. */
const DEV_TOKEN_TTL_SECONDS = 15 * 60;

/** How long a clean stop may take (leaving the consumer group, flushing the producer). */
const STOP_TIMEOUT_MS = 15_000;

async function main(): Promise<void> {
  const parsed = parseCli(process.argv.slice(2), process.env);
  if (parsed.kind === 'help') {
    process.stdout.write(USAGE);
    return;
  }
  if (parsed.kind === 'error') {
    process.stderr.write(`partner-simulator: ${parsed.message}\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  const { config } = parsed;
  const log = (line: string): void => {
    console.log(`${new Date().toISOString().slice(11, 23)} ${line}`);
  };
  const signer = loadSigner(config, log);
  const hubVerifier = loadHubVerifier(config);
  const sasl = loadLogin(config);
  const ssl = loadTls(config);
  const witness = loadWitness(config, log);
  const system = new PartnerSystem({
    country: config.country,
    brokers: config.brokers,
    groupId: config.groupId,
    policy: config.policy,
    delayMs: config.delayMs,
    ...(signer !== undefined && { signer }),
    hubVerifier,
    ...(sasl !== undefined && { sasl }),
    ...(ssl !== undefined && { ssl }),
    ...(witness !== undefined && { witness }),
    log,
  });

  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    // A terminal's Ctrl-C reaches every process of the group, and wrappers (npm, tsx,
    // start:local) may relay it as well: the same signal can arrive twice. Stop once; if
    // stopping hangs (a broker gone away), give up after a while rather than never exit.
    if (stopping) return;
    stopping = true;
    log(`${config.country} ${signal}: stopping`);
    setTimeout(() => {
      log(`${config.country} did not stop within ${STOP_TIMEOUT_MS} ms, exiting`);
      process.exit(1);
    }, STOP_TIMEOUT_MS).unref();
    system.stop().then(
      () => log(`${config.country} stopped`),
      (error: unknown) => {
        log(`${config.country} could not stop cleanly: ${message(error)}`);
        process.exitCode = 1;
      },
    );
  };
  process.on('SIGINT', stop).on('SIGTERM', stop);

  await system.start();
  if (config.submit) {
    const data = victimRepatriationFixture({
      country: config.country,
      referralId: randomUUID(),
      from: config.from,
      to: config.to,
      now: new Date(),
    });
    await system.submit(data);
  }
}

/**
 * The signer of our events: the key given with `--key-file`, else the development key that
 * `npm run keys` generates for the country, else none (the hub refuses unsigned events once it
 * checks signatures, so say so).
 */
function loadSigner(config: SimulatorConfig, log: (line: string) => void): EventSigner | undefined {
  if (!config.sign) return undefined;
  const path = config.keyFile ?? `.dev/keys/partner-${config.country}.private.jwk`;
  if (config.keyFile === undefined && !existsSync(path)) {
    log(`${config.country} no signing key at ${path} (npm run keys makes one): sending unsigned`);
    return undefined;
  }
  return Ed25519EventSigner.fromJwkFile(path);
}

/**
 * The hub's public key, which every event read is verified with. Unlike our own key there is no
 * going without it: a simulator that cannot check the hub's signatures must not answer anything.
 */
function loadHubVerifier(config: SimulatorConfig): Ed25519EventVerifier {
  try {
    return Ed25519EventVerifier.fromJwkFile(config.hubKeyFile);
  } catch (error) {
    throw new Error(
      `cannot use the hub's public key ${config.hubKeyFile} (${message(error)}); ` +
        '`npm run keys` generates the development one, --hub-key names another',
      { cause: error },
    );
  }
}

/**
 * The witness of the hub's audit log: its key (`--witness-key-file`, else the development one of
 * the country when it exists), the hub's checkpoint key (the hub's public key, named after the
 * log's origin), its state file, and the hub's proofs over HTTP with a token from
 * `--hub-token-file` or a development token of role `witness` for the country's first party.
 */
function loadWitness(config: SimulatorConfig, log: (line: string) => void): Witness | undefined {
  const { country } = config;
  const options = config.witness;
  if (options === undefined) {
    log(`${country} --no-witness: checkpoints are logged, not cosigned`);
    return undefined;
  }
  if (!options.keyFileGiven && !existsSync(options.keyFile)) {
    log(
      `${country} no witness key at ${options.keyFile} (npm run keys makes one): checkpoints are logged, not cosigned`,
    );
    return undefined;
  }
  let privateKey;
  try {
    privateKey = createPrivateKey({ key: readJwk(options.keyFile), format: 'jwk' });
  } catch (error) {
    throw new Error(
      `cannot use the witness key ${options.keyFile} (${message(error)}); ` +
        '`npm run keys` generates the development one, --no-witness runs without',
      { cause: error },
    );
  }
  const hubKey = createPublicKey({ key: readJwk(config.hubKeyFile), format: 'jwk' });
  const token: TokenProvider =
    config.hubTokenFile !== undefined
      ? tokenFromFile(config.hubTokenFile)
      : renewingToken(() =>
          mintDevToken({
            party: PARTNER_COUNTRIES[country].parties[0],
            roles: ['witness'],
            sub: `witness-${country}`,
            ttlSeconds: DEV_TOKEN_TTL_SECONDS,
          }),
        );
  const witness = new Witness({
    cosigner: { name: options.name, privateKey },
    logVerifier: createEd25519Verifier(options.origin, hubKey),
    origin: options.origin,
    stateFile: options.stateFile,
    proofs: new HubProofSource({ hubUrl: config.hubUrl, token }),
  });
  const held = witness.lastCosigned;
  log(
    `${country} witness ${options.name} of ${options.origin}: state ${options.stateFile}` +
      (held === undefined
        ? ' (nothing cosigned yet: trusts the first checkpoint)'
        : `, cosigned size ${held.size}`) +
      `, ${witness.refusals.length} refusal(s), proofs from ${config.hubUrl}`,
  );
  return witness;
}

function readJwk(path: string): JsonWebKey {
  return JSON.parse(readFileSync(path, 'utf8')) as JsonWebKey;
}

/** The SASL login of `--sasl-*` / `PARTNER_KAFKA_SASL_*`, with its password read from the file. */
function loadLogin(config: SimulatorConfig): SASLOptions | undefined {
  const login = config.login;
  if (login === undefined) return undefined;
  let password = login.password;
  if (password === undefined) {
    const file = login.passwordFile ?? '';
    try {
      password = readFileSync(file, 'utf8').replace(/[\r\n]+$/, '');
    } catch (error) {
      throw new Error(
        `cannot read the Kafka password file ${file} (${message(error)}); ` +
          '`KAFKA_SECURITY=scram npm run infra:up` generates the development ones',
        { cause: error },
      );
    }
  }
  return { mechanism: login.mechanism, username: login.username, password };
}

/** The TLS of `--ssl*` / `PARTNER_KAFKA_SSL*`, its files read; the broker is always verified. */
function loadTls(config: SimulatorConfig): ConnectionOptions | undefined {
  const tls = config.tls;
  if (tls === undefined) return undefined;
  const read = (file: string, what: string): string => {
    try {
      return readFileSync(file, 'utf8');
    } catch (error) {
      throw new Error(
        `cannot read the ${what} ${file} (${message(error)}); \`npm run keys\` generates the development ones`,
        { cause: error },
      );
    }
  };
  return {
    rejectUnauthorized: true,
    ...(tls.caFile !== undefined && { ca: read(tls.caFile, 'CA file') }),
    ...(tls.certFile !== undefined && { cert: read(tls.certFile, 'client certificate') }),
    ...(tls.keyFile !== undefined && { key: read(tls.keyFile, 'client key') }),
  };
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

main().catch((error: unknown) => {
  // Stopped while still starting (waiting for the topics): nothing went wrong.
  if (error instanceof Error && error.name === 'AbortError') return;
  console.error(`partner-simulator: ${message(error)}`);
  process.exit(1);
});
