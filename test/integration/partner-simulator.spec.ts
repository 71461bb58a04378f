import { generateKeyPairSync, randomUUID, verify } from 'node:crypto';
import {
  CLOUDEVENTS_CONTENT_TYPE,
  EVENT_TYPES,
  HUB_SOURCE,
  canonicalJson,
  cloudEventHeaders,
  fromTopic,
  signEvent,
  toTopic,
  type CloudEvent,
} from '@hub/contracts';
import { Partitioners, logLevel, type Consumer, type Producer } from 'kafkajs';
import example from '../../libs/contracts/src/referral/examples/victim-repatriation.json';
import {
  Ed25519EventSigner,
  Ed25519EventVerifier,
  PartnerSystem,
  victimRepatriationFixture,
} from '../../libs/partner-simulator/src';
import { KAFKA_BROKERS, hubKafka, partnerGroupId, partnerSasl } from '../support/kafka-clients';

/*
 * The partner simulator against the real broker, without the hub: this test plays the hub (and
 * logs in as the hub), the simulator logs in as Cambodia's partner principal. It
 * writes what the hub would write on referral-hub.to.KH, signed with a throw-away hub key whose
 * public half the simulator verifies with, and answers what the simulator writes on
 * referral-hub.from.KH with receipts carrying the next change number, as the hub does.
 */

const COUNTRY = 'KH';
const OURS = 'KH-MOI';
const LAO = 'LA-BOKEO-POLICE';
const TO = toTopic(COUNTRY);
const FROM = fromTopic(COUNTRY);

const kafka = hubKafka('it-partner-simulator');

/** A record the simulator wrote on `from.KH`. */
interface Written {
  key: string;
  partition: number;
  headers: Record<string, string>;
  event: CloudEvent<Record<string, unknown>>;
}

/** Points a fresh consumer group at the current end of `topic`: topics persist across runs. */
async function startAtEnd(groupId: string, topic: string): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const ends = await admin.fetchTopicOffsets(topic);
    await admin.setOffsets({
      groupId,
      topic,
      partitions: ends.map((p) => ({ partition: p.partition, offset: p.offset })),
    });
  } finally {
    await admin.disconnect();
  }
}

describe('the partner simulator (KH) against the broker, with the test playing the hub', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const signer = Ed25519EventSigner.fromJwk({
    ...privateKey.export({ format: 'jwk' }),
    kid: 'it-partner-KH',
  });
  // The simulator acts only on events signed by the hub's key: this one plays it.
  const hubKeys = generateKeyPairSync('ed25519');
  const hubKid = 'it-hub';
  const hubVerifier = Ed25519EventVerifier.fromJwk({
    ...hubKeys.publicKey.export({ format: 'jwk' }),
    kid: hubKid,
  });
  const written: Written[] = [];
  const logLines: string[] = [];
  let hubProducer: Producer;
  let hubConsumer: Consumer;
  let simulator: PartnerSystem;
  const hubGroup = `it-hub-double-${randomUUID()}`;
  const simulatorGroup = partnerGroupId(COUNTRY, 'it-simulator');

  beforeAll(async () => {
    const admin = kafka.admin();
    await admin.connect();
    try {
      // The hub creates these at start-up; when it never ran here, do it as it would.
      await admin.createTopics({
        waitForLeaders: true,
        topics: [TO, FROM].map((topic) => ({ topic, numPartitions: 6, replicationFactor: 1 })),
      });
    } finally {
      await admin.disconnect();
    }

    // Each takes a few seconds (kafkajs joins the group to commit): do both at once.
    await Promise.all([startAtEnd(hubGroup, FROM), startAtEnd(simulatorGroup, TO)]);
    hubConsumer = kafka.consumer({ groupId: hubGroup, maxWaitTimeInMs: 100 });
    await hubConsumer.connect();
    await hubConsumer.subscribe({ topic: FROM, fromBeginning: false });
    await hubConsumer.run({
      eachMessage: ({ partition, message }) => {
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(message.headers ?? {})) {
          const first = Array.isArray(value) ? value[0] : value;
          if (first !== undefined) headers[name] = first.toString();
        }
        written.push({
          key: message.key?.toString() ?? '',
          partition,
          headers,
          event: JSON.parse(message.value?.toString() ?? '{}') as Written['event'],
        });
        return Promise.resolve();
      },
    });
    hubProducer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await hubProducer.connect();

    simulator = new PartnerSystem({
      country: COUNTRY,
      brokers: KAFKA_BROKERS,
      sasl: partnerSasl(COUNTRY),
      groupId: simulatorGroup,
      policy: {
        decision: 'accept',
        rejectReason: 'INSUFFICIENT_INFORMATION',
        handover: true,
        complete: true,
        confirmDelivery: false,
      },
      delayMs: 0,
      signer,
      hubVerifier,
      log: (line) => logLines.push(line),
      kafkaLogLevel: logLevel.NOTHING,
    });
    await simulator.start();
  });

  afterAll(async () => {
    await simulator.stop();
    await hubConsumer.disconnect();
    await hubProducer.disconnect();
    // Our throw-away groups would otherwise linger on the shared broker until they expire.
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteGroups([hubGroup, simulatorGroup]).catch(() => undefined);
    await admin.disconnect();
  });

  /** Writes an event on `to.KH` as the hub does: signed, structured mode, keyed by the referral. */
  async function hubSends(unsigned: CloudEvent<object>): Promise<void> {
    const event = signEvent(unsigned, hubKeys.privateKey, hubKid);
    await hubProducer.send({
      topic: TO,
      acks: -1,
      messages: [
        {
          key: event.subject ?? event.id,
          value: JSON.stringify(event),
          headers: cloudEventHeaders(event),
        },
      ],
    });
  }

  function hubEvent(
    type: string,
    referralId: string,
    data: object,
    attributes: Partial<CloudEvent> = {},
  ): CloudEvent<object> {
    return {
      specversion: '1.0',
      id: randomUUID(),
      source: HUB_SOURCE,
      type,
      subject: referralId,
      time: new Date().toISOString(),
      datacontenttype: 'application/json',
      recipient: OURS,
      ...attributes,
      data,
    };
  }

  /** The hub applied our event: a receipt with the change number it got. */
  function receiptFor(ours: CloudEvent<object>, seq: number): CloudEvent<object> {
    return hubEvent(
      EVENT_TYPES.receipt,
      ours.subject ?? '',
      { eventId: ours.id, status: 'APPLIED' },
      { referralseq: seq, causationid: ours.id },
    );
  }

  /** Waits for the simulator's `n`-th record about `referralId` (1-based). */
  async function nthWritten(referralId: string, n: number): Promise<Written> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const record = written.filter((r) => r.event.subject === referralId)[n - 1];
      if (record) return record;
      if (Date.now() > deadline) {
        throw new Error(
          `no record #${n} about ${referralId}; simulator log:\n${logLines.join('\n')}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** Checks the detached JWS the way the hub will: canonical event without `jws` as payload. */
  function signatureIsValid(event: CloudEvent<object>): boolean {
    const { jws, ...unsigned } = event;
    const [header = '', payload, signature = ''] = (jws ?? '').split('.');
    if (payload !== '') return false;
    const body = Buffer.from(canonicalJson(unsigned)).toString('base64url');
    return verify(
      null,
      Buffer.from(`${header}.${body}`),
      publicKey,
      Buffer.from(signature, 'base64url'),
    );
  }

  function expectWellFormed(record: Written, referralId: string, type: string): void {
    const { event } = record;
    expect(record.key).toBe(referralId);
    expect(record.headers).toEqual({
      'content-type': CLOUDEVENTS_CONTENT_TYPE,
      ce_id: event.id,
      ce_type: type,
      ce_source: `/parties/${OURS}`,
    });
    expect(event).toMatchObject({
      specversion: '1.0',
      type,
      source: `/parties/${OURS}`,
      subject: referralId,
      datacontenttype: 'application/json',
      recipient: LAO,
      data: { referralId },
    });
    expect(event.id).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(new Date(event.time).toISOString()).toBe(event.time);
    expect(signatureIsValid(event)).toBe(true);
  }

  it('answers a Lao referral: acknowledged (seen 1), accepted (2), hand-over (3), completed (4)', async () => {
    const referralId = randomUUID();
    const submitted = hubEvent(
      EVENT_TYPES.referralSubmitted,
      referralId,
      {
        ...example,
        to: OURS,
        referralId,
        from: LAO,
        submittedAt: new Date().toISOString(),
      },
      { source: `/parties/${LAO}`, referralseq: 1 },
    );
    await hubSends(submitted);

    const expected = [
      EVENT_TYPES.referralAcknowledged,
      EVENT_TYPES.referralAccepted,
      EVENT_TYPES.referralHandoverScheduled,
      EVENT_TYPES.referralCompleted,
    ];
    const records: Written[] = [];
    for (const [index, type] of expected.entries()) {
      const record = await nthWritten(referralId, index + 1);
      records.push(record);
      expectWellFormed(record, referralId, type);
      expect(record.event.referralseq).toBe(index + 1);
      // The hub applies it as change number index + 2 and says so.
      await hubSends(receiptFor(record.event, index + 2));
    }

    expect(records[2]?.event.data).toMatchObject({
      checkpoint: 'LA-KH-VEUNKHAM',
      scheduledAt: expect.stringMatching(/T09:00:00\+07:00$/),
    });
    expect(new Set(records.map((r) => r.partition)).size).toBe(1);
    // Completed is the end: after its receipt, the simulator closes the referral and is silent.
    await waitUntil(() => simulator.trackOf(referralId)?.closed === 'COMPLETED');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(written.filter((r) => r.event.subject === referralId)).toHaveLength(4);
    expect(logLines.filter((l) => l.includes(referralId.slice(0, 8)))).toEqual([
      expect.stringMatching(/^KH ← submitted .* seq 1 from LA-BOKEO-POLICE to KH-MOI$/),
      expect.stringMatching(/^KH → acknowledged .* \(seen 1\) as KH-MOI to LA-BOKEO-POLICE$/),
      expect.stringMatching(/^KH ← receipt .* seq 2 APPLIED — our acknowledged applied$/),
      expect.stringMatching(/^KH → accepted .* \(seen 2\)/),
      expect.stringMatching(/^KH ← receipt .* seq 3 APPLIED/),
      expect.stringMatching(/^KH → handover-scheduled .* \(seen 3\)/),
      expect.stringMatching(/^KH ← receipt .* seq 4 APPLIED/),
      expect.stringMatching(/^KH → completed .* \(seen 4\)/),
      expect.stringMatching(
        /^KH ← receipt .* seq 5 APPLIED — our completed applied; COMPLETED, done$/,
      ),
    ]);
  });

  it('submits a referral of its own and answers the Lao officer’s question', async () => {
    const referralId = randomUUID();
    await simulator.submit(
      victimRepatriationFixture({
        country: COUNTRY,
        referralId,
        from: OURS,
        to: LAO,
        now: new Date(),
      }),
    );

    const submission = await nthWritten(referralId, 1);
    expectWellFormed(submission, referralId, EVENT_TYPES.referralSubmitted);
    expect(submission.event).not.toHaveProperty('referralseq');
    expect(submission.event.data).toMatchObject({
      from: OURS,
      to: LAO,
      type: 'VICTIM_REPATRIATION',
    });

    await hubSends(receiptFor(submission.event, 1));
    await hubSends(
      hubEvent(
        EVENT_TYPES.referralInfoRequested,
        referralId,
        { referralId, question: 'Which village is she from?' },
        { source: `/parties/${LAO}`, referralseq: 2 },
      ),
    );

    const answer = await nthWritten(referralId, 2);
    expectWellFormed(answer, referralId, EVENT_TYPES.referralInfoProvided);
    expect(answer.event.referralseq).toBe(2);
    expect(answer.event.data).toMatchObject({ answer: expect.any(String) });
  });
});

async function waitUntil(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
