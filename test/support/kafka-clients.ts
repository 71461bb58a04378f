import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel, type KafkaConfig, type SASLOptions } from 'kafkajs';
import pino from 'pino';
import {
  DEV_KAFKA_DIR,
  consumerGroupPrefix,
  principalName,
} from '../../scripts/lib/kafka-security';
import { loadEnv } from '../../src/env';
import { KafkaGateway, saslOf } from '../../src/kafka/kafka-gateway';
import { kafkaSaslOptions } from '../../src/kafka/kafka-sasl';
import { loadPartyRegistry } from '../../src/parties/party-registry';

/*
 * Kafka clients of the tests, each logged in as who it plays. `npm test` runs the broker in scram
 * mode and hands the hub's login to the suite as KAFKA_SASL_* (what the hub itself reads); the
 * partner countries' passwords are the development ones in .dev/kafka. Without KAFKA_SASL_* (a
 * plaintext broker) every client connects without logging in.
 */

const REPO = join(__dirname, '..', '..');
const registry = loadPartyRegistry(join(REPO, 'config'));

/** The bootstrap brokers of the suite's broker. */
export const KAFKA_BROKERS = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');

/** The hub's login, exactly as the hub reads it from the environment. */
export const HUB_LOGIN = kafkaSaslOptions(loadEnv(process.env));

/** The same login in kafkajs's spelling, for the tests' own clients. */
export const HUB_SASL: SASLOptions | undefined = HUB_LOGIN && saslOf(HUB_LOGIN);

/** True when the suite runs against a broker with SASL and ACLs on. */
export const SECURED = HUB_SASL !== undefined;

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

function client(
  clientId: string,
  sasl: SASLOptions | undefined,
  extra: Partial<KafkaConfig>,
): Kafka {
  return new Kafka({
    clientId,
    brokers: KAFKA_BROKERS,
    logLevel: logLevel.NOTHING,
    ...(sasl !== undefined && { sasl }),
    ...extra,
  });
}

/** The hub's own gateway to the test broker, logged in as the hub (silent). */
export function hubGateway(clientId: string): KafkaGateway {
  return new KafkaGateway({
    brokers: KAFKA_BROKERS,
    clientId,
    logger: pino({ level: 'silent' }),
    ...(HUB_LOGIN !== undefined && { sasl: HUB_LOGIN }),
  });
}

/** A client logged in as the hub: the broker's super user, for admin work and playing the hub. */
export function hubKafka(clientId: string, extra: Partial<KafkaConfig> = {}): Kafka {
  return client(clientId, HUB_SASL, extra);
}

/** A client logged in as `country`'s partner system, with only what its ACLs allow. */
export function partnerKafka(
  country: string,
  clientId: string,
  extra: Partial<KafkaConfig> = {},
): Kafka {
  return client(clientId, partnerSasl(country), extra);
}

/**
 * A fresh consumer group `country`'s principal may use: on the secured broker its ACLs allow
 * only groups named `<principal>-…`.
 */
export function partnerGroupId(country: string, purpose: string): string {
  return `${consumerGroupPrefix(partnerPrincipal(country))}${purpose}-${randomUUID()}`;
}
