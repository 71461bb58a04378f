import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { KafkaGateway } from '../../src/kafka/kafka-gateway';
import { HUB_SASL, KAFKA_BROKERS } from '../support/kafka-clients';

describe('the local Kafka broker', () => {
  const gateway = new KafkaGateway({
    brokers: KAFKA_BROKERS,
    clientId: 'integration-test',
    logger: pino({ level: 'silent' }),
    // Logged in as the hub, as the hub's own gateway is (npm test runs the broker in scram mode).
    ...(HUB_SASL !== undefined && { sasl: HUB_SASL }),
  });

  it('answers a metadata request', async () => {
    expect((await gateway.probe(5000)).up).toBe(true);
  });

  it('gives back a record produced to a fresh topic, key, value and headers intact', async () => {
    const topic = `it-roundtrip-${randomUUID()}`;
    const created = await gateway.ensureTopics([{ topic, numPartitions: 3, replicationFactor: 1 }]);
    expect(created).toEqual([topic]);
    await expect(
      gateway.ensureTopics([{ topic, numPartitions: 3, replicationFactor: 1 }]),
    ).resolves.toEqual([]);

    const producer = gateway.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const key = randomUUID();
    const value = JSON.stringify({ hello: 'ສະບາຍດີ', n: 1 });
    await producer.send({ topic, acks: -1, messages: [{ key, value, headers: { ce_id: 'abc' } }] });
    await producer.disconnect();

    const consumer = gateway.kafka.consumer({ groupId: `it-${randomUUID()}` });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const received = await new Promise<{ key: string; value: string; ceId: string }>(
      (resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no record within 30 s')), 30_000);
        void consumer.run({
          eachMessage: async ({ message }) => {
            clearTimeout(timer);
            resolve({
              key: message.key?.toString() ?? '',
              value: message.value?.toString() ?? '',
              ceId: message.headers?.['ce_id']?.toString() ?? '',
            });
            return Promise.resolve();
          },
        });
      },
    );
    await consumer.disconnect();

    expect(received).toEqual({ key, value, ceId: 'abc' });
  });
});
