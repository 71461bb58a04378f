import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel, type KafkaConfig, type SASLOptions } from 'kafkajs';
import type { ConnectionOptions } from 'node:tls';
import pino from 'pino';
import { DEV_TLS_DIR } from '../../scripts/lib/dev-tls';
import {
  DEV_KAFKA_DIR,
  consumerGroupPrefix,
  principalName,
  tlsListenerPorts,
} from '../../scripts/lib/kafka-security';
import { loadEnv } from '../../src/env';
import { KafkaGateway, saslOf, tlsOf } from '../../src/kafka/kafka-gateway';
import { kafkaSaslOptions } from '../../src/kafka/kafka-sasl';
import { kafkaTlsOptions } from '../../src/kafka/kafka-tls';
import { loadPartyRegistry } from '../../src/parties/party-registry';

/*
 * Kafka clients of the tests, each logged in as who it plays. `npm test` runs the broker in tls
 * mode and hands the hub's login to the suite as KAFKA_SASL_* and KAFKA_SSL* (what the hub itself
 * reads): SCRAM over TLS, trusting the development CA; the partner countries' passwords are the
 * development ones in .dev/kafka, their certificates those in .dev/tls. Without KAFKA_SASL_* (a
 * plaintext broker) every client connects without logging in.
 */

const REPO = join(__dirname, '..', '..');
const registry = loadPartyRegistry(join(REPO, 'config'));
const HUB_PRINCIPAL = principalName(registry.hub.kafkaPrincipal);

/** The bootstrap brokers of the suite's broker. */
export const KAFKA_BROKERS = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');

/** The hub's login, exactly as the hub reads it from the environment. */
export const HUB_LOGIN = kafkaSaslOptions(loadEnv(process.env));

/** The same login in kafkajs's spelling, for the tests' own clients. */
export const HUB_SASL: SASLOptions | undefined = HUB_LOGIN && saslOf(HUB_LOGIN);

/** The hub's TLS settings, exactly as the hub reads them (undefined: no TLS). */
export const HUB_TLS = kafkaTlsOptions(loadEnv(process.env));

/** True when the suite runs against a broker with SASL and ACLs on. */
export const SECURED = HUB_SASL !== undefined;

/**
 * How a client reaches the broker in tls mode: SASL_SSL (where KAFKA_BROKERS points, as the hub
 * does), SSL with a client certificate instead of a password, or SASL_PLAINTEXT.
 */
export type Transport = 'SASL_SSL' | 'SSL' | 'SASL_PLAINTEXT';

/** The transports the suite's broker offers: all three in tls mode, else the one it has. */
export const TRANSPORTS: readonly Transport[] =
  HUB_TLS !== undefined ? ['SASL_SSL', 'SSL', 'SASL_PLAINTEXT'] : [];

/** The bootstrap brokers of `transport`'s listener on the suite's broker (tls mode). */
export function brokersOf(transport: Transport): string[] {
  const [host = '', port = ''] = (KAFKA_BROKERS[0] ?? '').split(':');
  const ports = tlsListenerPorts(Number(port));
  const listener = {
    SASL_SSL: ports.saslSsl,
    SSL: ports.ssl,
    SASL_PLAINTEXT: ports.saslPlaintext,
  }[transport];
  return [`${host}:${listener}`];
}

/** The development certificate and key of principal `name` (.dev/tls), as PEM files. */
export function devCertificate(name: string): { certFile: string; keyFile: string } {
  const dir = join(REPO, DEV_TLS_DIR);
  return { certFile: join(dir, `${name}.pem`), keyFile: join(dir, `${name}.key`) };
}

/** TLS that trusts the development CA, presenting the certificate of `files` when given. */
export function devTls(files?: { certFile: string; keyFile: string }): ConnectionOptions {
  const ca = join(REPO, DEV_TLS_DIR, 'ca.pem');
  return {
    ca: readFileSync(ca, 'utf8'),
    ...(files !== undefined && {
      cert: readFileSync(files.certFile, 'utf8'),
      key: readFileSync(files.keyFile, 'utf8'),
    }),
  };
}

/** The Kafka principal of the partner system of `country` (config/parties.json). */
export function partnerPrincipal(country: string): string {
  const system = registry.partnerSystem(country);
  if (system === undefined) throw new Error(`${country} has no partner system`);
  return system.kafkaPrincipal;
}

/** The development SCRAM login of `country`'s partner system. */
export function partnerLogin(country: string): { username: string; password: string } {
  const username = principalName(partnerPrincipal(country));
  const password = readFileSync(join(REPO, DEV_KAFKA_DIR, `${username}.password`), 'utf8').trim();
  return { username, password };
}

/** How `country`'s partner system logs in to the suite's broker (none when it is plaintext). */
export function partnerSasl(country: string): SASLOptions | undefined {
  return SECURED ? { mechanism: 'scram-sha-512', ...partnerLogin(country) } : undefined;
}

/** TLS as the suite's partners use it where KAFKA_BROKERS points (none without TLS). */
export const PARTNER_TLS: ConnectionOptions | undefined = HUB_TLS && devTls();

/**
 * kafkajs's settings for `principal` (a user name) over `transport`, or, without one, where
 * KAFKA_BROKERS points as the hub connects there. SSL presents the principal's certificate.
 */
function connection(
  principal: string,
  sasl: SASLOptions | undefined,
  transport: Transport | undefined,
): Pick<KafkaConfig, 'brokers' | 'sasl' | 'ssl'> {
  switch (transport) {
    case undefined:
      return {
        brokers: KAFKA_BROKERS,
        ...(sasl !== undefined && { sasl }),
        ...(HUB_TLS !== undefined && {
          ssl: principal === HUB_PRINCIPAL ? tlsOf(HUB_TLS) : devTls(),
        }),
      };
    case 'SASL_SSL':
      return { brokers: brokersOf(transport), ...(sasl !== undefined && { sasl }), ssl: devTls() };
    case 'SSL':
      return { brokers: brokersOf(transport), ssl: devTls(devCertificate(principal)) };
    case 'SASL_PLAINTEXT':
      return { brokers: brokersOf(transport), ...(sasl !== undefined && { sasl }) };
  }
}

function client(
  clientId: string,
  settings: Pick<KafkaConfig, 'brokers' | 'sasl' | 'ssl'>,
  extra: Partial<KafkaConfig>,
): Kafka {
  return new Kafka({ clientId, logLevel: logLevel.NOTHING, ...settings, ...extra });
}

/** The hub's own gateway to the test broker, logged in (and over TLS) as the hub, silent. */
export function hubGateway(clientId: string): KafkaGateway {
  return new KafkaGateway({
    brokers: KAFKA_BROKERS,
    clientId,
    logger: pino({ level: 'silent' }),
    ...(HUB_LOGIN !== undefined && { sasl: HUB_LOGIN }),
    ...(HUB_TLS !== undefined && { tls: HUB_TLS }),
  });
}

/**
 * A client logged in as the hub: the broker's super user, for admin work and playing the hub;
 * over `transport` when given (tls mode), else as the hub itself connects.
 */
export function hubKafka(
  clientId: string,
  extra: Partial<KafkaConfig> = {},
  transport?: Transport,
): Kafka {
  return client(clientId, connection(HUB_PRINCIPAL, HUB_SASL, transport), extra);
}

/**
 * A client logged in as `country`'s partner system, with only what its ACLs allow; over
 * `transport` when given (tls mode), else where KAFKA_BROKERS points.
 */
export function partnerKafka(
  country: string,
  clientId: string,
  extra: Partial<KafkaConfig> = {},
  transport?: Transport,
): Kafka {
  const principal = principalName(partnerPrincipal(country));
  return client(clientId, connection(principal, partnerSasl(country), transport), extra);
}

/**
 * A fresh consumer group `country`'s principal may use: on the secured broker its ACLs allow
 * only groups named `<principal>-…`.
 */
export function partnerGroupId(country: string, purpose: string): string {
  return `${consumerGroupPrefix(partnerPrincipal(country))}${purpose}-${randomUUID()}`;
}
