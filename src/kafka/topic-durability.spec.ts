import type { ClusterReplication, TopicReplication, TopicSpec } from './kafka-client';
import { durabilityProblems } from './topic-durability';

const TOPIC = 'referral-hub.to.VN';
const wanted: TopicSpec[] = [
  { topic: TOPIC, numPartitions: 6, replicationFactor: 3, minInsyncReplicas: 2 },
];
const durable: TopicReplication = {
  topic: TOPIC,
  replicationFactor: 3,
  minInsyncReplicas: 2,
  uncleanLeaderElection: false,
};

function cluster(topic: Partial<TopicReplication> | undefined, brokers = 3): ClusterReplication {
  return { brokers, topics: topic === undefined ? [] : [{ ...durable, ...topic }] };
}

describe(durabilityProblems.name, () => {
  it('finds nothing wrong with a topic as wanted, or better', () => {
    expect(durabilityProblems(wanted, cluster({}))).toEqual([]);
    expect(
      durabilityProblems(wanted, cluster({ replicationFactor: 5, minInsyncReplicas: 3 })),
    ).toEqual([]);
  });

  it('refuses a topic with fewer replicas than KAFKA_REPLICATION_FACTOR', () => {
    expect(
      durabilityProblems(wanted, cluster({ replicationFactor: 1, minInsyncReplicas: 1 })),
    ).toEqual([
      `topic ${TOPIC}: replication factor 1, wanted at least 3 (KAFKA_REPLICATION_FACTOR)`,
      `topic ${TOPIC}: min.insync.replicas 1, wanted at least 2 (KAFKA_MIN_INSYNC_REPLICAS)`,
    ]);
  });

  it('refuses a topic whose writes need fewer in-sync replicas than wanted', () => {
    expect(durabilityProblems(wanted, cluster({ minInsyncReplicas: 1 }))).toEqual([
      `topic ${TOPIC}: min.insync.replicas 1, wanted at least 2 (KAFKA_MIN_INSYNC_REPLICAS)`,
    ]);
  });

  it('refuses a topic no write with acks=all could reach', () => {
    expect(durabilityProblems(wanted, cluster({ minInsyncReplicas: 4 }))).toEqual([
      `topic ${TOPIC}: min.insync.replicas 4, wanted at most its replication factor 3 (no write with acks=all could succeed)`,
    ]);
  });

  it('refuses unclean leader election', () => {
    const problems = durabilityProblems(wanted, cluster({ uncleanLeaderElection: true }));

    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(
      new RegExp(`^topic ${TOPIC}: unclean.leader.election.enable true, wanted false`),
    );
  });

  it('refuses to create topics on fewer live brokers than replicas', () => {
    expect(durabilityProblems(wanted, cluster(undefined, 1))).toEqual([
      `Kafka cluster: 1 live broker(s), KAFKA_REPLICATION_FACTOR=3 wants 3 to create ${TOPIC}`,
    ]);
  });

  it('does not count a broker that is down against topics that exist (their replicas return)', () => {
    expect(durabilityProblems(wanted, cluster({}, 2))).toEqual([]);
  });
});
