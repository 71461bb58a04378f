import type { ConnectionOptions } from 'node:tls';
import { Kafka, logLevel, type Admin, type KafkaConfig, type SASLOptions } from 'kafkajs';
import type { Logger as PinoLogger } from 'pino';
import type { KafkaLogin } from '../config/kafka-login';
import type { KafkaTlsSettings } from '../config/kafka-tls-settings';
import type {
  GroupConsumer,
  GroupConsumerOptions,
  KafkaProbeResult,
  KafkaProducer,
  ProducerOptions,
  TopicSpec,
} from './kafka-client';
import { KafkajsGroupConsumer } from './kafkajs-group-consumer';
import { KafkajsProducer } from './kafkajs-producer';
import { kafkaLogCreator } from './kafka-log';
import { explainTlsFailure } from './kafka-tls';

/** How the hub reaches the Kafka cluster. */
export interface KafkaGatewayOptions {
  brokers: string[];
  clientId: string;
  logger: PinoLogger;
  /** SASL login (`KAFKA_SASL_*`); plaintext without. */
  sasl?: KafkaLogin;
  /** TLS (`KAFKA_SSL*`); none without. */
  tls?: KafkaTlsSettings;
}

/**
 * The project's own small interface to Kafka (types in `kafka-client.ts`). kafkajs is unmaintained
 * since 2023, so the rest of the code depends on this class, never on kafkajs, and its known
 * pitfalls are handled here once: a wedged producer is replaced, a crashed consumer restarted.
 */
export class KafkaGateway {
  private readonly kafka: Kafka;

  constructor(private readonly options: KafkaGatewayOptions) {
    this.kafka = new Kafka({
      clientId: options.clientId,
      brokers: options.brokers,
      connectionTimeout: 3000,
      requestTimeout: 30000,
      logLevel: logLevel.WARN,
      logCreator: kafkaLogCreator(options.logger),
      // kafkajs doubles its wait up to 30 s by default: a send caught by an outage then sleeps
      // long after the broker is back, and the bench's outage drain waited on it for ~25 s.
      // Waits of at most 3 s resume work within seconds of the broker's return.
      retry: { initialRetryTime: 300, retries: 8, maxRetryTime: 3000 },
      ...loginOf(options),
    });
  }

  /**
   * What to log about a failed Kafka operation: for a failed TLS handshake, which side refused
   * what and the setting to look at (a bare "connection error" would be retried in the dark);
   * otherwise the error's own message.
   */
  describeFailure(error: unknown): string {
    const tls = this.options.tls && explainTlsFailure(error, this.options.tls);
    return tls ?? (error instanceof Error ? error.message : String(error));
  }

  /** A producer that writes with `acks=all` (see {@link KafkaProducer}). */
  producer(options: ProducerOptions): KafkaProducer {
    return new KafkajsProducer(this.kafka, options);
  }

  /** A consumer group member with manual commits that restarts itself (see {@link GroupConsumer}). */
  groupConsumer(options: GroupConsumerOptions): GroupConsumer {
    return new KafkajsGroupConsumer(
      this.kafka,
      options,
      this.options.logger.child({ context: 'KafkaGroupConsumer' }),
    );
  }

  /**
   * Whether the cluster answers a metadata request within `timeoutMs`, logging in as the hub
   * does. Uses a throw-away, silent client so a down broker neither floods the log nor leaves
   * retries running.
   */
  async probe(timeoutMs: number): Promise<KafkaProbeResult> {
    const probe = new Kafka({
      clientId: `${this.options.clientId}-probe`,
      brokers: this.options.brokers,
      connectionTimeout: Math.min(timeoutMs, 3000),
      requestTimeout: timeoutMs,
      logLevel: logLevel.NOTHING,
      retry: { retries: 0 },
      ...loginOf(this.options),
    });
    const admin = probe.admin();
    let timer: NodeJS.Timeout | undefined;
    const unreachable: KafkaProbeResult = { up: false, reason: 'unreachable' };
    const timeout = new Promise<KafkaProbeResult>((resolve) => {
      timer = setTimeout(() => resolve(unreachable), timeoutMs);
    });
    try {
      const answered = admin
        .connect()
        .then(() => admin.describeCluster())
        .then((cluster): KafkaProbeResult =>
          cluster.brokers.length > 0 ? { up: true } : unreachable,
        );
      return await Promise.race([answered, timeout]);
    } catch (error) {
      const tls = this.options.tls && explainTlsFailure(error, this.options.tls);
      if (tls !== undefined) return { up: false, reason: 'tls', detail: tls };
      return (error as Error).name === 'KafkaJSSASLAuthenticationError'
        ? { up: false, reason: 'authentication-failed' }
        : unreachable;
    } finally {
      clearTimeout(timer);
      await admin.disconnect().catch(() => undefined);
    }
  }

  /**
   * Creates the topics that do not exist yet (never relying on broker auto-creation) and returns
   * the names it created. Existing topics are left as they are.
   */
  async ensureTopics(topics: readonly TopicSpec[]): Promise<string[]> {
    const admin: Admin = this.kafka.admin();
    await admin.connect();
    try {
      const existing = new Set(await admin.listTopics());
      const missing = topics.filter((t) => !existing.has(t.topic));
      if (missing.length === 0) return [];
      await admin.createTopics({ topics: [...missing], waitForLeaders: true });
      return missing.map((t) => t.topic);
    } finally {
      await admin.disconnect();
    }
  }
}

/**
 * kafkajs's SASL and TLS settings of the gateway's options. The broker's certificate is always
 * verified (chain and host name): there is no switch to turn that off.
 */
function loginOf(options: KafkaGatewayOptions): Pick<KafkaConfig, 'sasl' | 'ssl'> {
  const { sasl, tls } = options;
  return {
    ...(sasl !== undefined && { sasl: saslOf(sasl) }),
    ...(tls !== undefined && { ssl: tlsOf(tls) }),
  };
}

/** Node's TLS options of the hub's settings. */
export function tlsOf(tls: KafkaTlsSettings): ConnectionOptions {
  const client = tls.clientCertificate;
  return {
    rejectUnauthorized: true,
    ...(tls.ca !== undefined && { ca: tls.ca }),
    ...(client !== undefined && {
      cert: client.cert,
      key: client.key,
      ...(client.passphrase !== undefined && { passphrase: client.passphrase }),
    }),
  };
}

/** kafkajs's spelling of a login: a union keyed by mechanism. */
export function saslOf(login: KafkaLogin): SASLOptions {
  const { username, password } = login;
  switch (login.mechanism) {
    case 'plain':
      return { mechanism: 'plain', username, password };
    case 'scram-sha-256':
      return { mechanism: 'scram-sha-256', username, password };
    case 'scram-sha-512':
      return { mechanism: 'scram-sha-512', username, password };
  }
}
