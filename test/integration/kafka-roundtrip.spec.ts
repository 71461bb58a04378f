import { randomUUID } from 'node:crypto';
import type { GroupConsumer } from '../../src/kafka/kafka-client';
import { hubGateway } from '../support/kafka-clients';

describe('the local Kafka broker', () => {
  // Logged in as the hub, as the hub's own gateway is (npm test runs the broker in tls mode).
  const gateway = hubGateway('integration-test');

  it('answers a metadata request', async () => {
    expect((await gateway.probe(5000)).up).toBe(true);
  });

  it('gives back a record produced to a fresh topic, key, value and headers intact', async () => {
    const topic = `it-roundtrip-${randomUUID()}`;
    const created = await gateway.ensureTopics([
      { topic, numPartitions: 3, replicationFactor: 1, minInsyncReplicas: 1 },
    ]);
    expect(created).toEqual([topic]);
    await expect(
      gateway.ensureTopics([
        { topic, numPartitions: 3, replicationFactor: 1, minInsyncReplicas: 1 },
      ]),
    ).resolves.toEqual([]);

    const producer = gateway.producer({ idempotent: true });
    const key = randomUUID();
    const value = JSON.stringify({ hello: 'ສະບາຍດີ', n: 1 });
    await producer.send([{ topic, key, value, headers: { ce_id: 'abc' } }]);
    await producer.close();

    let consumer: GroupConsumer | undefined;
    const received = await new Promise<{ key: string; value: string; ceId: string }>(
      (resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no record within 30 s')), 30_000);
        consumer = gateway.groupConsumer({
          groupId: `it-${randomUUID()}`,
          topics: [topic],
          partitionsConcurrently: 1,
          handle: async ({ records }) => {
            const [record] = records;
            if (!record) return undefined;
            clearTimeout(timer);
            resolve({
              key: record.key?.toString() ?? '',
              value: record.value?.toString() ?? '',
              ceId: record.headers['ce_id']?.toString() ?? '',
            });
            return Promise.resolve(record.offset);
          },
        });
        void consumer.start();
      },
    );
    await consumer?.stop();

    expect(received).toEqual({ key, value, ceId: 'abc' });
  });
});
