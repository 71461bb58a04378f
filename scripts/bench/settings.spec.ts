import type { Kafka, ProducerBatch, ProducerConfig } from 'kafkajs';
import { KafkajsProducer } from '../../src/kafka/kafkajs-producer';
import {
  HUB_PRODUCER_SETTINGS,
  assertComparable,
  settingsDifferences,
  type BenchSettings,
} from './settings';

function settings(): BenchSettings {
  return {
    postgres: {
      fsync: 'on',
      synchronous_commit: 'on',
      full_page_writes: 'on',
      wal_sync_method: 'fdatasync',
      shared_buffers: '128MB',
      max_connections: '100',
      server_version: '15.20 (Debian 15.20-0+deb12u1)',
    },
    kafka: {
      version: '3.9.2',
      topics: {
        'referral-hub.to.VN': { replicationFactor: 1, 'min.insync.replicas': '1' },
        'referral-hub.from.VN': { replicationFactor: 1, 'min.insync.replicas': '1' },
      },
      producer: HUB_PRODUCER_SETTINGS,
    },
  };
}

describe(settingsDifferences.name, () => {
  it('has nothing to say about equal settings', () => {
    expect(settingsDifferences(settings(), settings())).toEqual([]);
  });

  it('names each differing setting by its path, with both values', () => {
    const other = settings();
    other.postgres.synchronous_commit = 'off';
    other.kafka.version = '4.0.0';
    const topic = other.kafka.topics['referral-hub.to.VN'];
    if (topic) topic['min.insync.replicas'] = '2';

    expect(settingsDifferences(settings(), other)).toEqual([
      'kafka.topics[referral-hub.to.VN][min.insync.replicas]: 1 → 2',
      'kafka.version: 3.9.2 → 4.0.0',
      'postgres.synchronous_commit: on → off',
    ]);
  });

  it('shows a topic one side has and the other lacks as absent', () => {
    const other = settings();
    delete other.kafka.topics['referral-hub.from.VN'];

    expect(settingsDifferences(settings(), other)).toEqual([
      'kafka.topics[referral-hub.from.VN].replicationFactor: 1 → (absent)',
      'kafka.topics[referral-hub.from.VN][min.insync.replicas]: 1 → (absent)',
    ]);
  });
});

describe(assertComparable.name, () => {
  it('accepts a previous results file measured with the same settings', () => {
    const previous: unknown = JSON.parse(JSON.stringify({ machine: {}, settings: settings() }));
    expect(() => {
      assertComparable(previous, settings());
    }).not.toThrow();
  });

  it('refuses one measured with other settings, listing them', () => {
    const current = settings();
    current.postgres.fsync = 'off';
    current.postgres.shared_buffers = '1GB';

    expect(() => {
      assertComparable({ settings: settings() }, current);
    }).toThrow(
      'the previous results were measured with other settings than this run (previous → this ' +
        'run), so their figures cannot be compared:\n' +
        '  postgres.fsync: on → off\n' +
        '  postgres.shared_buffers: 128MB → 1GB',
    );
  });

  it('refuses a results file that records no settings', () => {
    for (const previous of [{ machine: {}, figures: [] }, { settings: 'on' }, null, []]) {
      expect(() => {
        assertComparable(previous, settings());
      }).toThrow(/the previous results record no settings/);
    }
  });
});

describe('HUB_PRODUCER_SETTINGS', () => {
  it("are what the relay's producer asks kafkajs for (idempotent, as outbox-relay.ts asks)", async () => {
    const configs: (ProducerConfig | undefined)[] = [];
    const batches: ProducerBatch[] = [];
    const kafka = {
      producer: (config?: ProducerConfig) => {
        configs.push(config);
        return {
          connect: () => Promise.resolve(),
          disconnect: () => Promise.resolve(),
          sendBatch: (batch: ProducerBatch) => {
            batches.push(batch);
            return Promise.resolve([]);
          },
        };
      },
    } as unknown as Kafka;

    await new KafkajsProducer(kafka, { idempotent: true }).send([
      { topic: 't', key: 'k', value: 'v' },
    ]);

    expect(configs[0]).toMatchObject({
      idempotent: HUB_PRODUCER_SETTINGS.idempotent,
      maxInFlightRequests: HUB_PRODUCER_SETTINGS.maxInFlightRequests,
    });
    expect(batches[0]?.acks).toBe(-1); // -1: all in-sync replicas
    expect(HUB_PRODUCER_SETTINGS.acks).toBe('all');
  });
});
