/**
 * The project's own Kafka interface. Only `src/kafka` knows which client library implements it
 * (kafkajs today, decision 0004): the outbox relay, the dead-letter publisher and the inbound
 * consumer speak these types, so the client can be replaced without touching them.
 */

/** A topic the hub needs, as it is created when missing. */
export interface TopicSpec {
  topic: string;
  numPartitions: number;
  replicationFactor: number;
  /** In-sync replicas a write needs before `acks=all` succeeds (`min.insync.replicas`). */
  minInsyncReplicas: number;
}

/** How an existing topic is replicated, as far as the durability of `acks=all` depends on it. */
export interface TopicReplication {
  topic: string;
  /** Replicas of its least replicated partition (offline replicas count: they come back). */
  replicationFactor: number;
  /** Its effective `min.insync.replicas` (its own setting or the broker's default). */
  minInsyncReplicas: number;
  /** Its effective `unclean.leader.election.enable`. */
  uncleanLeaderElection: boolean;
}

/** What the cluster says about the hub's topics. */
export interface ClusterReplication {
  /** Brokers the cluster's metadata lists (the live ones). */
  brokers: number;
  /** The asked-for topics that exist; a missing topic is not listed. */
  topics: TopicReplication[];
}

/** A record to write. */
export interface OutgoingRecord {
  topic: string;
  key: string | Buffer | null;
  value: string | Buffer | null;
  headers?: Readonly<Record<string, string | Buffer>>;
}

/** A record as read, kept byte for byte. */
export interface ConsumedRecord {
  topic: string;
  partition: number;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  /** First value of each header. */
  headers: Record<string, Buffer | string | undefined>;
}

/**
 * Writes records with `acks=all`. A failed send rejects; the next send starts from a fresh
 * connection (a client's producer can stay wedged after a failure, kafkajs #598).
 */
export interface KafkaProducer {
  /** Resolves once every record is acknowledged by all in-sync replicas. */
  send(records: readonly OutgoingRecord[]): Promise<void>;
  close(): Promise<void>;
}

/** How a producer writes. */
export interface ProducerOptions {
  /** Idempotent writes (no duplicates from the producer's own retries), one request in flight. */
  idempotent: boolean;
}

/** The records of one partition handed to the handler, in offset order. */
export interface PartitionBatch {
  topic: string;
  partition: number;
  records: readonly ConsumedRecord[];
  /** Tells the group this member is alive during long work. */
  heartbeat(): Promise<void>;
  /** True once the consumer stops or lost the partition: handle nothing more. */
  stopped(): boolean;
}

/** A consumer group member's settings. */
export interface GroupConsumerOptions {
  groupId: string;
  topics: readonly string[];
  /** Partitions handled at once (each partition stays sequential). */
  partitionsConcurrently: number;
  /**
   * Handles a batch and returns the offset of the last record it finished (`undefined`: none);
   * the consumer commits past it only after the returned promise resolved. Throwing is a crash:
   * nothing more of the batch is committed and the member restarts.
   */
  handle(batch: PartitionBatch): Promise<string | undefined>;
}

/** A consumer group member that restarts itself when its client crashes. */
export interface GroupConsumer {
  /** Joins the group and starts handling; resolves once running (or scheduled to retry). */
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * What a probe of the cluster found; `reason` tells a refused login or a failed TLS handshake
 * (`detail` says which side refused what) from a silent cluster.
 */
export type KafkaProbeResult =
  | { up: true }
  | { up: false; reason: 'unreachable' | 'authentication-failed' }
  | { up: false; reason: 'tls'; detail: string };
