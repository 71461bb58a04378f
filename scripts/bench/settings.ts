// The settings a run was measured with (issue 13): figures from runs whose durability or sizing
// settings differ measure different things, so `--compare` refuses them.
import { ConfigResourceTypes } from 'kafkajs';
import type { Pool } from 'pg';
import { KAFKA_VERSION } from '../lib/kafka-broker';
import { benchKafka } from './kafka-tools';

/** The PostgreSQL settings recorded, as `SHOW` prints them. */
export const POSTGRES_SETTINGS = [
  'fsync',
  'synchronous_commit',
  'full_page_writes',
  'wal_sync_method',
  'shared_buffers',
  'max_connections',
  'server_version',
] as const;

/**
 * How the hub's outbox relay writes to Kafka: src/outbox/outbox-relay.ts asks for an idempotent
 * producer, which src/kafka/kafkajs-producer.ts makes with one request in flight and sends with
 * `acks: -1` (all in-sync replicas). Stated here, not read from the hub: change both together.
 */
export const HUB_PRODUCER_SETTINGS = {
  acks: 'all',
  idempotent: true,
  maxInFlightRequests: 1,
} as const;

/** One topic's durability as the broker reports it. */
export interface TopicSettings {
  /** Replicas of its partitions (the fewest, should they differ). */
  replicationFactor: number;
  'min.insync.replicas': string;
}

/**
 * The settings a bench run was measured with, produced by {@link recordSettings} and written
 * into bench-results.json as `settings`; two runs are comparable when these are equal.
 */
export interface BenchSettings {
  postgres: Record<(typeof POSTGRES_SETTINGS)[number], string>;
  kafka: {
    /** The broker version the bench starts (KAFKA_VERSION). */
    version: string;
    topics: Record<string, TopicSettings>;
    producer: typeof HUB_PRODUCER_SETTINGS;
  };
}

/**
 * Records the settings of a run: PostgreSQL's durability and sizing settings read from the server
 * `pool` connects to (`current_setting`, formatted as `SHOW` does), the Kafka version, each of
 * `kafka.topics`' replication factor and `min.insync.replicas` as the broker reports them (topic
 * metadata and effective topic configs), and the hub's producer settings.
 */
export async function recordSettings(
  pool: Pool,
  kafka: { brokers: string[]; topics: string[] },
): Promise<BenchSettings> {
  return {
    postgres: await postgresSettings(pool),
    kafka: {
      version: KAFKA_VERSION,
      topics: await topicSettings(kafka.brokers, kafka.topics),
      producer: HUB_PRODUCER_SETTINGS,
    },
  };
}

async function postgresSettings(pool: Pool): Promise<BenchSettings['postgres']> {
  const { rows } = await pool.query<{ name: string; value: string }>(
    'SELECT name, current_setting(name) AS value FROM unnest($1::text[]) AS name',
    [POSTGRES_SETTINGS],
  );
  const values = new Map(rows.map((r) => [r.name, r.value]));
  const settings = {} as BenchSettings['postgres'];
  for (const name of POSTGRES_SETTINGS) settings[name] = values.get(name) ?? '';
  return settings;
}

async function topicSettings(
  brokers: string[],
  topics: string[],
): Promise<Record<string, TopicSettings>> {
  const admin = benchKafka(brokers, 'bench-settings').admin();
  await admin.connect();
  try {
    const metadata = await admin.fetchTopicMetadata({ topics });
    const configs = await admin.describeConfigs({
      includeSynonyms: false,
      resources: topics.map((name) => ({
        type: ConfigResourceTypes.TOPIC,
        name,
        configNames: ['min.insync.replicas'],
      })),
    });
    const settings: Record<string, TopicSettings> = {};
    for (const topic of topics) {
      const partitions = metadata.topics.find((t) => t.name === topic)?.partitions ?? [];
      const entries = configs.resources.find((r) => r.resourceName === topic)?.configEntries;
      settings[topic] = {
        replicationFactor:
          partitions.length === 0 ? 0 : Math.min(...partitions.map((p) => p.replicas.length)),
        'min.insync.replicas':
          entries?.find((e) => e.configName === 'min.insync.replicas')?.configValue ?? '',
      };
    }
    return settings;
  } finally {
    await admin.disconnect();
  }
}

/**
 * One line per setting that differs between `a` and `b`, as `path: a's value → b's value`
 * (`postgres.synchronous_commit: on → off`); a setting one of them lacks shows as `(absent)`.
 * Names with dots are bracketed: `kafka.topics[referral-hub.to.VN][min.insync.replicas]`.
 */
export function settingsDifferences(a: BenchSettings, b: BenchSettings): string[] {
  return differences(a, b);
}

/**
 * Throws, saying why, unless the run of `previous` (a parsed bench-results.json, its settings
 * under `settings`) was measured with the same settings as `current`: a file from before the
 * bench recorded settings, or with any setting different, is refused.
 */
export function assertComparable(previous: unknown, current: BenchSettings): void {
  const settings = isObject(previous) ? previous['settings'] : undefined;
  if (!isObject(settings)) {
    throw new Error(
      'the previous results record no settings (they predate issue 13, or are not a ' +
        'bench-results.json): they cannot be compared with this run; measure both anew',
    );
  }
  const lines = differences(settings, current);
  if (lines.length > 0) {
    throw new Error(
      'the previous results were measured with other settings than this run ' +
        '(previous → this run), so their figures cannot be compared:\n' +
        lines.map((l) => `  ${l}`).join('\n'),
    );
  }
}

function differences(a: unknown, b: unknown): string[] {
  const left = flatten(a, '');
  const right = flatten(b, '');
  const paths = [...new Set([...left.keys(), ...right.keys()])].sort();
  return paths
    .filter((p) => left.get(p) !== right.get(p))
    .map((p) => `${p}: ${left.get(p) ?? '(absent)'} → ${right.get(p) ?? '(absent)'}`);
}

/** Each leaf of `value` by its path, as text. */
function flatten(value: unknown, path: string, into = new Map<string, string>()) {
  if (isObject(value)) {
    for (const [key, child] of Object.entries(value)) {
      const step = /^[A-Za-z0-9_-]+$/.test(key) ? `${path === '' ? '' : '.'}${key}` : `[${key}]`;
      flatten(child, `${path}${step}`, into);
    }
  } else if (value !== undefined) {
    into.set(path, typeof value === 'string' ? value : JSON.stringify(value));
  }
  return into;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
