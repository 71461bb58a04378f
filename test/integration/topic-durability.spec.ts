import { randomUUID } from 'node:crypto';
import type { TopicSpec } from '../../src/kafka/kafka-client';
import { durabilityProblems } from '../../src/kafka/topic-durability';
import { hubGateway, hubKafka } from '../support/kafka-clients';

/** How the hub judges topics a real broker describes (the single local broker: 1 replica). */
describe('the durability of topics on the local broker', () => {
  const gateway = hubGateway('integration-test');
  const admin = hubKafka('integration-test-admin').admin();

  beforeAll(() => admin.connect());
  afterAll(() => admin.disconnect());

  function spec(topic: string, minInsyncReplicas = 1): TopicSpec {
    return { topic, numPartitions: 1, replicationFactor: 1, minInsyncReplicas };
  }

  it('finds the topics the hub creates as durable as asked', async () => {
    const topic = `it-durability-${randomUUID()}`;
    await gateway.ensureTopics([spec(topic)]);

    const found = await gateway.describeReplication([topic, `it-missing-${randomUUID()}`]);

    expect(found.brokers).toBe(1);
    expect(found.topics).toEqual([
      { topic, replicationFactor: 1, minInsyncReplicas: 1, uncleanLeaderElection: false },
    ]);
    expect(durabilityProblems([spec(topic)], found)).toEqual([]);
  });

  it('refuses a topic created elsewhere with unclean leader election', async () => {
    const topic = `it-durability-${randomUUID()}`;
    await admin.createTopics({
      topics: [
        {
          topic,
          numPartitions: 1,
          replicationFactor: 1,
          configEntries: [{ name: 'unclean.leader.election.enable', value: 'true' }],
        },
      ],
    });

    const problems = durabilityProblems([spec(topic)], await gateway.describeReplication([topic]));

    expect(problems).toEqual([
      expect.stringMatching(`^topic ${topic}: unclean.leader.election.enable true, wanted false`),
    ]);
  });

  it('refuses a topic that needs more in-sync replicas than it has, and one that needs fewer than asked', async () => {
    const topic = `it-durability-${randomUUID()}`;
    await gateway.ensureTopics([spec(topic, 2)]);
    const found = await gateway.describeReplication([topic]);

    expect(durabilityProblems([spec(topic)], found)).toEqual([
      `topic ${topic}: min.insync.replicas 2, wanted at most its replication factor 1 (no write with acks=all could succeed)`,
    ]);
    expect(
      durabilityProblems([{ ...spec(topic), replicationFactor: 3, minInsyncReplicas: 3 }], found),
    ).toEqual([
      `topic ${topic}: replication factor 1, wanted at least 3 (KAFKA_REPLICATION_FACTOR)`,
      `topic ${topic}: min.insync.replicas 2, wanted at least 3 (KAFKA_MIN_INSYNC_REPLICAS)`,
      `topic ${topic}: min.insync.replicas 2, wanted at most its replication factor 1 (no write with acks=all could succeed)`,
    ]);
  });
});
