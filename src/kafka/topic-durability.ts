import type { ClusterReplication, TopicSpec } from './kafka-client';

/**
 * Why the cluster cannot give the hub's writes the durability its settings ask for, one line per
 * problem naming the topic, the setting, what was found and what is wanted; empty when it can.
 *
 * The hub writes with `acks=all` (the outbox relay also idempotently). That only keeps an
 * acknowledged write when it is on `min.insync.replicas` replicas, and only while no replica that
 * missed it can become leader. So for every existing topic: at least `KAFKA_REPLICATION_FACTOR`
 * replicas, at least `KAFKA_MIN_INSYNC_REPLICAS` in sync, no more in sync required than there are
 * replicas (no write could succeed), and no unclean leader election. Topics still to be created
 * need as many live brokers as replicas. A topic better than wanted is fine.
 */
export function durabilityProblems(
  wanted: readonly TopicSpec[],
  found: ClusterReplication,
): string[] {
  const problems: string[] = [];
  const existing = new Map(found.topics.map((t) => [t.topic, t]));
  const missing = wanted.filter((w) => !existing.has(w.topic));
  const mostReplicas = Math.max(0, ...missing.map((w) => w.replicationFactor));
  if (missing.length > 0 && found.brokers < mostReplicas) {
    problems.push(
      `Kafka cluster: ${found.brokers} live broker(s), KAFKA_REPLICATION_FACTOR=${mostReplicas} ` +
        `wants ${mostReplicas} to create ${missing.map((w) => w.topic).join(', ')}`,
    );
  }
  for (const w of wanted) {
    const t = existing.get(w.topic);
    if (t === undefined) continue;
    if (t.replicationFactor < w.replicationFactor) {
      problems.push(
        `topic ${w.topic}: replication factor ${t.replicationFactor}, wanted at least ` +
          `${w.replicationFactor} (KAFKA_REPLICATION_FACTOR)`,
      );
    }
    if (t.minInsyncReplicas < w.minInsyncReplicas) {
      problems.push(
        `topic ${w.topic}: min.insync.replicas ${t.minInsyncReplicas}, wanted at least ` +
          `${w.minInsyncReplicas} (KAFKA_MIN_INSYNC_REPLICAS)`,
      );
    }
    if (t.minInsyncReplicas > t.replicationFactor) {
      problems.push(
        `topic ${w.topic}: min.insync.replicas ${t.minInsyncReplicas}, wanted at most its ` +
          `replication factor ${t.replicationFactor} (no write with acks=all could succeed)`,
      );
    }
    if (t.uncleanLeaderElection) {
      problems.push(
        `topic ${w.topic}: unclean.leader.election.enable true, wanted false (a replica that ` +
          'missed acknowledged writes could become leader and drop them)',
      );
    }
  }
  return problems;
}
