import type { ConnectionOptions } from 'node:tls';
import {
  ConfigResourceTypes,
  Kafka,
  logLevel,
  type Admin,
  type KafkaConfig,
  type SASLOptions,
} from 'kafkajs';
import type { Logger as PinoLogger } from 'pino';
import type { KafkaLogin } from '../config/kafka-login';
import type { KafkaTlsSettings } from '../config/kafka-tls-settings';
import type {
  ClusterReplication,
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
   * does. Every bootstrap broker is asked at once and one answer is enough: kafkajs connects
   * through one seed broker picked at random, so with one node of a cluster down a single probe
   * failed one time in three, and readiness flapped while two nodes served every write.
   */
  async probe(timeoutMs: number): Promise<KafkaProbeResult> {
    const attempts = this.options.brokers.map((broker) => this.probeBroker(broker, timeoutMs));
    const up = await Promise.any(
      attempts.map((attempt) => attempt.then((r) => (r.up ? r : Promise.reject(new Error())))),
    ).catch(() => undefined);
    if (up !== undefined) return up;
    // A broker that refused the hub (its login, or TLS) says more than one that did not answer.
    const results = await Promise.all(attempts);
    return (
      results.find((r) => !r.up && r.reason !== 'unreachable') ?? {
        up: false,
        reason: 'unreachable',
      }
    );
  }

  /**
   * Whether `broker` answers a metadata request within `timeoutMs`. Uses a throw-away, silent
   * client so a down broker neither floods the log nor leaves retries running.
   */
  private async probeBroker(broker: string, timeoutMs: number): Promise<KafkaProbeResult> {
    const probe = new Kafka({
      clientId: `${this.options.clientId}-probe`,
      brokers: [broker],
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
      const answered = admin.connect().then(async (): Promise<KafkaProbeResult> => {
        // describeCluster asks a broker picked at random from the metadata, which lists a dead
        // node until the controller fences it (~9 s): a refused connection there is asked again.
        for (let attempt = 1; ; attempt++) {
          try {
            const cluster = await admin.describeCluster();
            return cluster.brokers.length > 0 ? { up: true } : unreachable;
          } catch (error) {
            if (attempt >= PROBE_ATTEMPTS || !isConnectionError(error)) throw error;
          }
        }
      });
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
   * Creates the topics that do not exist yet (never relying on broker auto-creation), with their
   * `min.insync.replicas` and without unclean leader election, and returns the names it created.
   * Existing topics are left as they are ({@link describeReplication} tells how they are).
   */
  async ensureTopics(topics: readonly TopicSpec[]): Promise<string[]> {
    return this.withAdmin(async (admin) => {
      const existing = new Set(await admin.listTopics());
      const missing = topics.filter((t) => !existing.has(t.topic));
      if (missing.length === 0) return [];
      await admin.createTopics({
        topics: missing.map((t) => ({
          topic: t.topic,
          numPartitions: t.numPartitions,
          replicationFactor: t.replicationFactor,
          configEntries: [
            { name: 'min.insync.replicas', value: String(t.minInsyncReplicas) },
            { name: 'unclean.leader.election.enable', value: 'false' },
          ],
        })),
        waitForLeaders: true,
      });
      return missing.map((t) => t.topic);
    });
  }

  /**
   * The live brokers, and how those of `topics` that exist are replicated, in the order asked
   * (Kafka answers metadata in an order of its own).
   */
  async describeReplication(topics: readonly string[]): Promise<ClusterReplication> {
    return this.withAdmin(async (admin) => {
      const { brokers } = await admin.describeCluster();
      const listed = new Set(await admin.listTopics());
      const existing = topics.filter((t) => listed.has(t));
      if (existing.length === 0) return { brokers: brokers.length, topics: [] };
      const metadata = await admin.fetchTopicMetadata({ topics: existing });
      const configs = await admin.describeConfigs({
        includeSynonyms: false,
        resources: existing.map((name) => ({
          type: ConfigResourceTypes.TOPIC,
          name,
          configNames: ['min.insync.replicas', 'unclean.leader.election.enable'],
        })),
      });
      return {
        brokers: brokers.length,
        topics: existing.flatMap((name) => {
          const t = metadata.topics.find((m) => m.name === name);
          if (t === undefined) return [];
          const entries = configs.resources.find((r) => r.resourceName === t.name)?.configEntries;
          const value = (name: string): string | undefined =>
            entries?.find((e) => e.configName === name)?.configValue;
          return [
            {
              topic: t.name,
              replicationFactor: Math.min(...t.partitions.map((p) => p.replicas.length)),
              // Kafka's defaults, should a broker leave a value out.
              minInsyncReplicas: Number(value('min.insync.replicas') ?? 1),
              uncleanLeaderElection: value('unclean.leader.election.enable') === 'true',
            },
          ];
        }),
      };
    });
  }

  private async withAdmin<T>(work: (admin: Admin) => Promise<T>): Promise<T> {
    const admin: Admin = this.kafka.admin();
    await admin.connect();
    try {
      return await work(admin);
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

/** Times a probe asks for the cluster's brokers when the broker it picked refuses the connection. */
const PROBE_ATTEMPTS = 4;

function isConnectionError(error: unknown): boolean {
  return /Connection error|ECONNREFUSED|KafkaJSConnectionError/.test(
    `${(error as Error).name}: ${(error as Error).message}`,
  );
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
