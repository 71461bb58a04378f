import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { repoRoot } from '../../lib/repo-root';

/**
 * The part of `@confluentinc/kafka-javascript`'s KafkaJS-compatible API (its `types/kafkajs.d.ts`,
 * version 1.10.1) that the adapters use, declared here because the package is not a dependency
 * of the project: its install builds librdkafka from source, which `npm ci` cannot do on the
 * project's machines (decision 0016). It is loaded at run time from where it was built by hand.
 */
export interface ConfluentKafkaJs {
  Kafka: new (config: { kafkaJS: ConfluentKafkaConfig }) => ConfluentKafka;
}

export interface ConfluentKafkaConfig {
  brokers: string[];
  clientId: string;
  /** 0 nothing, 1 error, 2 warn, 3 info, 4 debug. */
  logLevel: number;
}

export interface ConfluentKafka {
  producer(config: {
    kafkaJS: {
      acks: number;
      idempotent: boolean;
      maxInFlightRequests?: number;
      allowAutoTopicCreation: boolean;
    };
    'linger.ms'?: number;
  }): ConfluentProducer;
  consumer(
    config: {
      kafkaJS: {
        groupId: string;
        fromBeginning: boolean;
        autoCommit: boolean;
        allowAutoTopicCreation: boolean;
        sessionTimeout: number;
        rebalanceTimeout: number;
        heartbeatInterval: number;
      };
    } & { 'js.consumer.max.batch.size'?: number },
  ): ConfluentConsumer;
}

export interface ConfluentMessage {
  key?: Buffer | string | null;
  value: Buffer | string | null;
  headers?: Record<string, Buffer | string>;
}

export interface ConfluentProducer {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  sendBatch(batch: {
    topicMessages: { topic: string; messages: ConfluentMessage[] }[];
  }): Promise<unknown>;
}

export interface ConfluentConsumedMessage {
  key: Buffer | null;
  value: Buffer | null;
  offset: string;
  headers?: Record<string, Buffer | string | (Buffer | string)[] | undefined>;
}

export interface ConfluentEachBatchPayload {
  batch: {
    topic: string;
    partition: number;
    messages: ConfluentConsumedMessage[];
  };
  resolveOffset(offset: string): void;
  heartbeat(): Promise<void>;
  isRunning(): boolean;
  isStale(): boolean;
}

export interface ConfluentConsumer {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  subscribe(subscription: { topics: string[] }): Promise<void>;
  run(config: {
    eachBatchAutoResolve: boolean;
    partitionsConsumedConcurrently: number;
    eachBatch: (payload: ConfluentEachBatchPayload) => Promise<void>;
  }): Promise<void>;
  commitOffsets(offsets: { topic: string; partition: number; offset: string }[]): Promise<void>;
}

/** Where a hand-built copy is looked for (besides the project's own node_modules). */
export const CONFLUENT_BUILD_DIR = join(repoRoot(), '.cache', 'kafka-clients', 'confluent');

/** The package's version and KafkaJS API when it can be loaded, else why not. */
export function loadConfluent():
  { api: ConfluentKafkaJs; version: string; librdkafka: string } | { missing: string } {
  const load = createRequire(join(repoRoot(), 'package.json'));
  let main: string;
  try {
    main = load.resolve('@confluentinc/kafka-javascript', {
      paths: [CONFLUENT_BUILD_DIR, repoRoot()],
    });
  } catch {
    return {
      missing: `@confluentinc/kafka-javascript is not installed (not in ${CONFLUENT_BUILD_DIR} nor node_modules; see docs/decisions/0016-kafka-client-replaceable.md)`,
    };
  }
  try {
    const loaded: unknown = load(main);
    const module = loaded as { KafkaJS: ConfluentKafkaJs; librdkafkaVersion: string };
    // main is <package>/lib/index.js
    const manifest = join(main, '..', '..', 'package.json');
    const version = existsSync(manifest)
      ? (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version
      : 'unknown';
    return { api: module.KafkaJS, version, librdkafka: module.librdkafkaVersion };
  } catch (error) {
    return { missing: `@confluentinc/kafka-javascript does not load: ${(error as Error).message}` };
  }
}
