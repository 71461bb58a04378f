import { hash, randomBytes, randomUUID } from 'node:crypto';
import type { Consumer, Kafka } from 'kafkajs';
import { Pool } from 'pg';
import { DataKey } from '../../src/vault/data-key';
import { SEALED } from '../../src/referrals/referral.repository';
import { SENDER, receiverOf, type InboundRecordSpec, type OutboundRecord } from './fixtures';
import { setGroupOffsets } from './kafka-tools';

/**
 * The physical limit of the submit path's database work: the same transaction — one referral row
 * and one outbox row, the same bytes (content and event sealed as the hub stores them, sealed once
 * here: the reference is the database's limit) — done with raw `pg`, `poolSize` connections, as
 * many transactions in flight as connections. Returns transactions per second.
 */
export async function rawPgTransactions(
  url: string,
  poolSize: number,
  count: number,
  content: Record<string, unknown>,
  outboxValue: OutboundRecord,
): Promise<number> {
  const pool = new Pool({ connectionString: url, max: poolSize });
  const { party } = receiverOf(content);
  const key = new DataKey(randomUUID(), randomBytes(32));
  const sealedContent = key.sealJson(SEALED.content, content);
  const sealedEvent = key.sealText('outbox', outboxValue.value);
  const headers = JSON.stringify(outboxValue.headers);
  const one = async (): Promise<void> => {
    const client = await pool.connect();
    try {
      const id = randomUUID();
      await client.query('BEGIN');
      await client.query(
        `INSERT INTO referrals (id, type, status, priority, sender_party, receiver_party,
           sender_country, receiver_country, sender_reference, handling_code, origin,
           sealed_content, version, seq, created_by, submitted_at)
         VALUES ($1, $2, 'SUBMITTED', $3, $4, $5, left($4, 2), left($5, 2), $6, $7, 'http', $8,
           2, 1, 'bench-officer', now())`,
        [
          id,
          content['type'],
          content['priority'],
          SENDER,
          party,
          content['senderReference'],
          content['handlingCode'],
          sealedContent,
        ],
      );
      await client.query(
        `INSERT INTO outbox (event_id, topic, message_key, referral_id, referral_seq,
           sealed_value, headers)
         VALUES ($1, $2, $3, $4, 1, $5, $6)`,
        [randomUUID(), outboxValue.topic, id, id, sealedEvent, headers],
      );
      await client.query('COMMIT');
    } finally {
      client.release();
    }
  };
  try {
    // Warm the pool's connections and the server's plan caches first.
    await Promise.all(Array.from({ length: poolSize * 2 }, one));
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: poolSize }, async () => {
        while (next++ < count) await one();
      }),
    );
    return count / ((performance.now() - started) / 1000);
  } finally {
    await pool.end();
  }
}

/**
 * The physical limit of the relay: a bare kafkajs producer sending the same records in batches
 * of `batchSize`, one batch after another, with the relay's producer settings (idempotent,
 * `acks` all, one request in flight). Returns records per second.
 */
export async function bareProducer(
  kafka: Kafka,
  records: readonly OutboundRecord[],
  batchSize: number,
): Promise<number> {
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
  });
  await producer.connect();
  try {
    const send = async (batch: readonly OutboundRecord[]): Promise<void> => {
      const byTopic = new Map<
        string,
        { key: string; value: string; headers: Record<string, string> }[]
      >();
      for (const r of batch) {
        const list = byTopic.get(r.topic) ?? [];
        list.push({ key: r.key, value: r.value, headers: r.headers });
        byTopic.set(r.topic, list);
      }
      await producer.sendBatch({
        acks: -1,
        topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
      });
    };
    await send(records.slice(0, Math.min(batchSize, 50)));
    const started = performance.now();
    for (let i = 0; i < records.length; i += batchSize) {
      await send(records.slice(i, i + batchSize));
    }
    return records.length / ((performance.now() - started) / 1000);
  } finally {
    await producer.disconnect();
  }
}

/** Sends partner records to `topic` (setup of the inbound figures, not measured). */
export async function produceAll(
  kafka: Kafka,
  topic: string,
  records: readonly InboundRecordSpec[],
): Promise<void> {
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    for (let i = 0; i < records.length; i += 1000) {
      await producer.send({ topic, acks: -1, messages: records.slice(i, i + 1000) });
    }
  } finally {
    await producer.disconnect();
  }
}

/**
 * The physical limit of the inbound side: a bare kafkajs consumer reading the same records from
 * the same offsets, counting them and committing per batch, with the hub consumer's partition
 * concurrency. Returns records per second from its first fetch request (after it joined its group:
 * joining is not reading) to the last record read. Timing from the first record instead would
 * leave out the fetch round trips, which are most of what reading costs.
 */
export async function bareConsumer(
  kafka: Kafka,
  topic: string,
  from: { partition: number; offset: string }[],
  count: number,
  timeoutMs: number,
): Promise<number> {
  const groupId = `bench-bare-consumer-${randomUUID()}`;
  await setGroupOffsets(kafka, groupId, topic, from);
  const consumer: Consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 50 });
  let first = 0;
  let last = 0;
  let seen = 0;
  consumer.on(consumer.events.FETCH_START, () => {
    if (first === 0) first = performance.now();
  });
  let done: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (done = resolve));
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: false });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: 3,
      eachBatch: async (payload) => {
        const { batch } = payload;
        let lastOffset: string | undefined;
        for (const message of batch.messages) {
          if (message.value === null) continue;
          seen++;
          lastOffset = message.offset;
        }
        if (lastOffset !== undefined) {
          payload.resolveOffset(lastOffset);
          // commitOffsetsIfNecessary() does nothing with autoCommit off: commit as the hub does.
          await consumer.commitOffsets([
            {
              topic: batch.topic,
              partition: batch.partition,
              offset: (BigInt(lastOffset) + 1n).toString(),
            },
          ]);
        }
        last = performance.now();
        if (seen >= count) done();
      },
    });
    const timer = setTimeout(done, timeoutMs);
    await finished;
    clearTimeout(timer);
    if (seen < count) throw new Error(`bare consumer read ${seen} of ${count} records`);
    return count / Math.max((last - first) / 1000, 1e-6);
  } finally {
    await consumer.disconnect();
  }
}

/**
 * Raw SHA-256 over the bytes a log verification hashes: each leaf (0x00 ‖ entry bytes), then the
 * n − 1 interior nodes (0x01 ‖ left ‖ right) of the tree. Returns leaves per second.
 */
export function rawVerifyHashing(leaves: readonly Buffer[]): number {
  const prefixed = leaves.map((leaf) => Buffer.concat([Buffer.from([0]), leaf]));
  const node = Buffer.alloc(65);
  node[0] = 1;
  const started = performance.now();
  let level: Buffer[] = prefixed.map((input) => hash('sha256', input, 'buffer'));
  while (level.length > 1) {
    const up: Buffer[] = [];
    for (let i = 0; i + 1 < level.length; i += 2) {
      node.set(level[i] as Buffer, 1);
      node.set(level[i + 1] as Buffer, 33);
      up.push(hash('sha256', node, 'buffer'));
    }
    if (level.length % 2 === 1) up.push(level[level.length - 1] as Buffer);
    level = up;
  }
  return leaves.length / ((performance.now() - started) / 1000);
}

/**
 * Raw SHA-256 over the bytes inclusion-proof verification hashes: one 65-byte node input per
 * proof node. Returns proofs per second for proofs of these lengths.
 */
export function rawProofHashing(proofLengths: readonly number[]): number {
  const node = Buffer.alloc(65, 7);
  node[0] = 1;
  const started = performance.now();
  let acc = Buffer.alloc(32);
  for (const length of proofLengths) {
    for (let i = 0; i < length; i++) {
      node.set(acc, 1);
      acc = hash('sha256', node, 'buffer');
    }
  }
  return proofLengths.length / ((performance.now() - started) / 1000);
}
