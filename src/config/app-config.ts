import type { Env } from '../env';
import type { KafkaLogin } from './kafka-login';
import type { KafkaTlsSettings } from './kafka-tls-settings';
import type { PartyRegistry } from '../parties/party-registry';

/**
 * The typed configuration every provider reads: validated environment plus the party registry.
 * Built once in `main.ts` (or a test) and injected; nothing else reads `process.env`.
 */
export class AppConfig {
  constructor(
    readonly env: Env,
    readonly registry: PartyRegistry,
    /** How the hub logs in to Kafka (from `KAFKA_SASL_*`); undefined for plaintext. */
    readonly kafkaSasl?: KafkaLogin,
    /** How the hub connects over TLS (from `KAFKA_SSL*`, files checked); undefined: no TLS. */
    readonly kafkaTls?: KafkaTlsSettings,
  ) {}

  /** Origins allowed cross-origin; empty when CORS is closed. */
  get corsOrigins(): string[] {
    return this.env.CORS_ALLOWED_ORIGINS.split(',').filter((o) => o !== '');
  }

  get kafkaBrokers(): string[] {
    return this.env.KAFKA_BROKERS.split(',').map((b) => b.trim());
  }
}
