import { randomUUID } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { deadLetterTopic, fromTopic, toTopic } from '@hub/contracts';
import {
  AclOperationTypes,
  AclPermissionTypes,
  AclResourceTypes,
  Kafka,
  ResourcePatternTypes,
  logLevel,
  type Admin,
  type AclEntry,
  type logCreator,
} from 'kafkajs';
import { localAcls } from '../../scripts/lib/kafka-security';
import { tlsErrorCode } from '../../src/kafka/kafka-tls';
import { loadPartyRegistry } from '../../src/parties/party-registry';
import {
  HUB_TLS,
  KAFKA_BROKERS,
  TRANSPORTS,
  brokersOf,
  devCertificate,
  devTls,
  hubKafka,
  partnerGroupId,
  partnerKafka,
  partnerLogin,
  type Transport,
} from '../support/kafka-clients';

/*
 * The broker `npm test` runs in tls mode: SASL/SCRAM-SHA-512 logins over SASL_SSL and
 * SASL_PLAINTEXT, client certificates (CN = principal) over SSL, the same ACLs on all three,
 * nothing allowed without one. Thailand's principal stands for any partner: it reaches its own
 * topics and no other country's, whichever way it connects. The attempts are made with kafkajs,
 * as a partner system would make them.
 */

const DEV_TLS = join(__dirname, '..', '..', '.dev', 'tls');

/** The certificates the broker must refuse: expired, and signed by a CA it does not trust. */
function refusedCertificate(kind: 'expired' | 'other-ca'): { certFile: string; keyFile: string } {
  const [name] = readdirSync(DEV_TLS).filter((f) => f.startsWith(`${kind}-partner-`));
  if (name === undefined) throw new Error(`no ${kind} certificate in ${DEV_TLS}: run npm run keys`);
  return devCertificate(name.replace(/\.(pem|key)$/, ''));
}

const registry = loadPartyRegistry(join(__dirname, '..', '..', 'config'));

/** Rejects with kafkajs's error for `promise`, or fails the test when it resolves. */
async function failure(promise: Promise<unknown>): Promise<Error & { type?: string; cause?: any }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { type?: string };
  }
  throw new Error('expected the broker to refuse, but it allowed it');
}

/** The high watermarks of `topic`, summed: grows by one per record written. */
async function endOffset(admin: Admin, topic: string): Promise<number> {
  const offsets = await admin.fetchTopicOffsets(topic);
  return offsets.reduce((sum, p) => sum + Number(p.high), 0);
}

function aclKey(acl: AclEntry): string {
  const { principal, host, resourceType, resourceName, resourcePatternType } = acl;
  return [principal, host, resourceType, resourcePatternType, resourceName, acl.operation].join(
    ' ',
  );
}

/** Each describe.each below needs a row even when the suite is about to refuse to run. */
const OVER: readonly Transport[] = TRANSPORTS.length > 0 ? TRANSPORTS : ['SASL_SSL'];

describe('the secured local broker (tls mode, as npm test runs it)', () => {
  const hub = hubKafka('it-acls-hub');
  let admin: Admin;

  beforeAll(async () => {
    if (HUB_TLS === undefined) {
      throw new Error(
        'this suite needs the broker in tls mode: run it with `npm test` (or start the broker with ' +
          '`KAFKA_SECURITY=tls npm run infra:up` and export the KAFKA_SASL_* and KAFKA_SSL* it prints)',
      );
    }
    admin = hub.admin();
    await admin.connect();
    const topics = ['TH', 'VN'].flatMap((c) => [toTopic(c), fromTopic(c), deadLetterTopic(c)]);
    await admin.createTopics({
      topics: topics.map((topic) => ({ topic, numPartitions: 6, replicationFactor: 1 })),
      waitForLeaders: true,
    });
  });

  afterAll(async () => {
    await admin?.disconnect();
  });

  describe('logging in', () => {
    it.each(['SASL_SSL', 'SASL_PLAINTEXT'] as const)(
      'refuses a wrong password over %s',
      async (transport) => {
        const { username } = partnerLogin('TH');
        for (const login of [
          { username, password: 'not-the-password' },
          { username: 'referral-hub', password: partnerLogin('TH').password },
          { username: 'partner-XX', password: 'whatever' },
        ]) {
          const intruder = new Kafka({
            clientId: 'it-acls-intruder',
            brokers: brokersOf(transport),
            logLevel: logLevel.NOTHING,
            retry: { retries: 0 },
            sasl: { mechanism: 'scram-sha-512', ...login },
            ...(transport === 'SASL_SSL' && { ssl: devTls() }),
          }).admin();

          const error = await failure(intruder.connect());
          await intruder.disconnect();

          expect(error.name).toBe('KafkaJSSASLAuthenticationError');
          expect(error.message).toContain('invalid credentials');
        }
      },
    );

    it('serves nothing to a client that does not log in, on any listener', async () => {
      const [host, port] = (KAFKA_BROKERS[0] ?? '').split(':');
      const controller = `${host}:${Number(port) + 1}`;
      for (const address of [...OVER.flatMap(brokersOf), controller]) {
        const anonymous = new Kafka({
          clientId: 'it-acls-anonymous',
          brokers: [address],
          logLevel: logLevel.NOTHING,
          connectionTimeout: 2000,
          requestTimeout: 3000,
          retry: { retries: 0 },
        }).admin();

        const error = await failure(anonymous.connect().then(() => anonymous.listTopics()));
        await anonymous.disconnect();

        expect(error.name).toMatch(/^KafkaJS/);
      }
    });
  });

  describe.each(OVER)('over %s', (transport) => {
    const thai = partnerKafka('TH', `it-acls-th-${transport}`, {}, transport);

    describe("a partner's own topics", () => {
      it('lets the Thai principal write referral-hub.from.TH', async () => {
        const before = await endOffset(admin, fromTopic('TH'));
        const producer = thai.producer({ idempotent: true, maxInFlightRequests: 1 });
        await producer.connect();

        await producer.send({
          topic: fromTopic('TH'),
          acks: -1,
          messages: [{ key: randomUUID(), value: 'acl check: not an event' }],
        });
        await producer.disconnect();

        expect(await endOffset(admin, fromTopic('TH'))).toBe(before + 1);
      });

      it('lets the Thai principal read referral-hub.to.TH with a group of its own', async () => {
        const key = randomUUID();
        const groupId = partnerGroupId('TH', 'it-acls');
        const ends = await admin.fetchTopicOffsets(toTopic('TH'));
        await admin.setOffsets({
          groupId,
          topic: toTopic('TH'),
          partitions: ends.map((p) => ({ partition: p.partition, offset: p.offset })),
        });
        const consumer = thai.consumer({ groupId, maxWaitTimeInMs: 100 });
        await consumer.connect();
        await consumer.subscribe({ topic: toTopic('TH') });
        const received = new Promise<string>((resolve) => {
          void consumer.run({
            eachMessage: ({ message }) => {
              if (message.key?.toString() === key) resolve(message.value?.toString() ?? '');
              return Promise.resolve();
            },
          });
        });
        const hubProducer = hub.producer();
        await hubProducer.connect();
        await hubProducer.send({
          topic: toTopic('TH'),
          acks: -1,
          messages: [{ key, value: 'for TH' }],
        });
        await hubProducer.disconnect();

        await expect(received).resolves.toBe('for TH');
        await consumer.disconnect();
        await admin.deleteGroups([groupId]).catch(() => undefined);
      });
    });

    describe("another country's topics", () => {
      it('does not let the Thai principal read referral-hub.to.VN', async () => {
        const consumer = thai.consumer({
          groupId: partnerGroupId('TH', 'it-acls'),
          maxWaitTimeInMs: 100,
        });
        await consumer.connect();
        const probe = thai.admin();
        await probe.connect();

        const subscribing = await failure(
          consumer.subscribe({ topic: toTopic('VN'), fromBeginning: true }),
        );
        const offsets = await failure(probe.fetchTopicOffsets(toTopic('VN')));
        const listed = await probe.listTopics();
        await consumer.disconnect();
        await probe.disconnect();

        expect(subscribing.type).toBe('TOPIC_AUTHORIZATION_FAILED');
        expect(offsets.type).toBe('TOPIC_AUTHORIZATION_FAILED');
        // Its metadata does not even reveal which other countries' topics exist.
        expect(listed.filter((t) => t.startsWith('referral-hub.')).sort()).toEqual(
          [toTopic('TH'), fromTopic('TH'), deadLetterTopic('TH')].sort(),
        );
      });

      it('does not let the Thai principal write referral-hub.from.VN', async () => {
        const before = await endOffset(admin, fromTopic('VN'));
        const producer = thai.producer({ idempotent: true, maxInFlightRequests: 1 });
        await producer.connect();

        const error = await failure(
          producer.send({
            topic: fromTopic('VN'),
            acks: -1,
            messages: [{ key: randomUUID(), value: 'a Thai record claiming to be Vietnamese' }],
          }),
        );
        await producer.disconnect();

        expect(error.message).toContain('Not authorized to access topics');
        expect(error.cause?.type).toBe('TOPIC_AUTHORIZATION_FAILED');
        expect(await endOffset(admin, fromTopic('VN'))).toBe(before);
      });

      it('does not let the Thai principal join a consumer group of Viet Nam', async () => {
        // kafkajs reports the broker's GROUP_AUTHORIZATION_FAILED only in its debug log, then gives
        // up finding the coordinator: catch the broker's answer there.
        const answers: string[] = [];
        const capture: logCreator = () => (entry) => {
          const error = (entry.log as { error?: { type?: string } }).error;
          if (error?.type !== undefined) answers.push(error.type);
        };
        const consumer = partnerKafka(
          'TH',
          'it-acls-th-group',
          {
            logLevel: logLevel.DEBUG,
            logCreator: capture,
          },
          transport,
        ).consumer({ groupId: partnerGroupId('VN', 'it-acls'), retry: { retries: 0 } });
        await consumer.connect();
        await consumer.subscribe({ topic: toTopic('TH') });

        const crashed = new Promise<Error>((resolve) => {
          consumer.on(consumer.events.CRASH, (event) => resolve(event.payload.error));
          consumer.on(consumer.events.GROUP_JOIN, () => resolve(new Error('joined the group')));
        });
        void consumer.run({ eachMessage: () => Promise.resolve() }).catch(() => undefined);
        const error = await crashed;
        await consumer.disconnect();

        expect(error.name).toBe('KafkaJSGroupCoordinatorNotFound');
        expect(answers).toContain('GROUP_AUTHORIZATION_FAILED');
      });
    });

    describe('what only the hub may do', () => {
      it('does not let a partner write its own to topic, where only the hub writes', async () => {
        const producer = thai.producer();
        await producer.connect();

        const error = await failure(
          producer.send({
            topic: toTopic('TH'),
            acks: -1,
            messages: [{ value: 'forged hub event' }],
          }),
        );
        await producer.disconnect();

        expect(error.type).toBe('TOPIC_AUTHORIZATION_FAILED');
      });

      it('does not let a partner create topics or change ACLs', async () => {
        const partnerAdmin = thai.admin();
        await partnerAdmin.connect();

        const creating = await failure(
          partnerAdmin.createTopics({ topics: [{ topic: `it-acls-${randomUUID()}` }] }),
        );
        const granting = await failure(
          partnerAdmin.createAcls({
            acl: [
              {
                principal: 'User:partner-TH',
                host: '*',
                resourceType: AclResourceTypes.TOPIC,
                resourceName: toTopic('VN'),
                resourcePatternType: ResourcePatternTypes.LITERAL,
                operation: AclOperationTypes.READ,
                permissionType: AclPermissionTypes.ALLOW,
              },
            ],
          }),
        );
        await partnerAdmin.disconnect();

        const topicErrors = (creating as { errors?: { type?: string }[] }).errors ?? [];
        expect(topicErrors.map((e) => e.type)).toEqual(['TOPIC_AUTHORIZATION_FAILED']);
        expect(`${granting.type ?? ''} ${granting.message}`).toMatch(
          /CLUSTER_AUTHORIZATION_FAILED|not authorized/i,
        );
      });
    });
  });

  describe('client certificates (the SSL listener)', () => {
    /** kafkajs's error of an admin connecting over SSL with `files`, or none when it connects. */
    async function connectWith(files?: { certFile: string; keyFile: string }): Promise<unknown> {
      const client = new Kafka({
        clientId: 'it-acls-certificate',
        brokers: brokersOf('SSL'),
        logLevel: logLevel.NOTHING,
        connectionTimeout: 3000,
        retry: { retries: 0 },
        ssl: devTls(files),
      }).admin();
      try {
        await client.connect();
        await client.listTopics();
        return undefined;
      } catch (error) {
        return error;
      } finally {
        await client.disconnect();
      }
    }

    it('makes the CN of the certificate the principal: the hub’s is the super user', async () => {
      const topic = `it-acls-mtls-${randomUUID()}`;
      const hubOverSsl = hubKafka('it-acls-hub-ssl', {}, 'SSL').admin();
      await hubOverSsl.connect();

      await hubOverSsl.createTopics({ topics: [{ topic }], waitForLeaders: true });
      const listed = await hubOverSsl.listTopics();
      await hubOverSsl.deleteTopics({ topics: [topic] });
      await hubOverSsl.disconnect();

      expect(listed).toContain(topic);
    });

    it.each([
      ['no certificate', () => undefined],
      ['an expired certificate', () => refusedCertificate('expired')],
      ['a certificate of another CA', () => refusedCertificate('other-ca')],
    ])('refuses a client with %s in the handshake', async (_what, files) => {
      const error = await connectWith(files());

      expect(tlsErrorCode(error)).toMatch(/^ERR_SSL_.*ALERT/);
    });

    it('is refused by a client that does not trust the broker’s CA', async () => {
      const client = new Kafka({
        clientId: 'it-acls-wrong-ca',
        brokers: KAFKA_BROKERS,
        logLevel: logLevel.NOTHING,
        retry: { retries: 0 },
        sasl: { mechanism: 'scram-sha-512', ...partnerLogin('TH') },
        ssl: { ca: readFileSync(join(DEV_TLS, 'other-ca.pem'), 'utf8') },
      }).admin();

      const error = await failure(client.connect());
      await client.disconnect();

      expect(tlsErrorCode(error)).toBe('SELF_SIGNED_CERT_IN_CHAIN');
    });
  });

  it('holds exactly the ACLs the set-up promises (README: principals and ACLs)', async () => {
    const described = await admin.describeAcls({
      resourceType: AclResourceTypes.ANY,
      resourcePatternType: ResourcePatternTypes.ANY,
      operation: AclOperationTypes.ANY,
      permissionType: AclPermissionTypes.ANY,
    });
    const present = described.resources.flatMap((r) =>
      r.acls.map((acl) => aclKey({ ...r, ...acl })),
    );

    expect(present.sort()).toEqual(localAcls(registry).map(aclKey).sort());
  });
});
