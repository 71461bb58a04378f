import type { Logger as PinoLogger } from 'pino';
import { createRootLogger } from './common/logging/root-logger';
import { AppConfig } from './config/app-config';
import { loadDeadlinePolicy } from './deadlines/deadline-policy';
import { loadEnv } from './env';
import { kafkaSaslOptions } from './kafka/kafka-sasl';
import { kafkaTlsOptions } from './kafka/kafka-tls';
import { loadPartyRegistry } from './parties/party-registry';

/** Everything the application needs before Nest starts, validated; throws a one-line reason. */
export function loadAppConfig(source: NodeJS.ProcessEnv = process.env): {
  config: AppConfig;
  logger: PinoLogger;
} {
  const env = loadEnv(source);
  const registry = loadPartyRegistry(env.CONFIG_DIR);
  // Validated here too so that a wrong deadlines.json stops start-up with one plain line.
  loadDeadlinePolicy(env.CONFIG_DIR);
  const kafkaSasl = kafkaSaslOptions(env);
  const kafkaTls = kafkaTlsOptions(env);
  return {
    config: new AppConfig(env, registry, kafkaSasl, kafkaTls),
    logger: createRootLogger(env.LOG_LEVEL),
  };
}
