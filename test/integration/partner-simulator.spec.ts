import { generateKeyPairSync, randomUUID, verify } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
import {
  createEd25519Verifier,
  formatCheckpoint,
  formatCosignerVerifierKey,
  MerkleTree,
  parseCosignerVerifierKey,
  signNote,
  verifyCosignature,
} from '@hub/transparency-log';
import { Partitioners, logLevel, type Consumer, type Producer } from 'kafkajs';
import example from '../../libs/contracts/src/referral/examples/victim-repatriation.json';
import {
  Ed25519EventSigner,
  Ed25519EventVerifier,
  PartnerSystem,
  Witness,
  victimRepatriationFixture,
} from '../../libs/partner-simulator/src';
import {
  KAFKA_BROKERS,
  PARTNER_TLS,
  hubKafka,
  partnerGroupId,
  partnerSasl,
} from '../support/kafka-clients';

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
  // The audit log the test plays the hub of, and the simulator's witness of it (proofs served
  // from this tree, as the hub's HTTP API would).
  const ORIGIN = 'it-hub/audit';
  const WITNESS_NAME = 'mekong-referral-hub/witness/KH';
  const witnessKeys = generateKeyPairSync('ed25519');
  const auditLog = new MerkleTree();
  for (let i = 0; i < 9; i++) auditLog.append(Buffer.from(`audit entry ${i}`));
  const witnessDir = mkdtempSync(join(tmpdir(), 'it-witness-'));

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
      ...(PARTNER_TLS !== undefined && { ssl: PARTNER_TLS }),
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
      witness: new Witness({
        cosigner: { name: WITNESS_NAME, privateKey: witnessKeys.privateKey },
        logVerifier: createEd25519Verifier(ORIGIN, hubKeys.publicKey),
        origin: ORIGIN,
        stateFile: join(witnessDir, `${COUNTRY}.json`),
        proofs: {
          consistencyProof: (from, to) =>
            Promise.resolve(auditLog.consistencyProof(from, to).map((h) => h.toString('base64'))),
        },
      }),
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
    rmSync(witnessDir, { recursive: true, force: true });
  });

  /**
   * Writes an event on `to.KH` as the hub does: signed, structured mode, keyed by the referral
   * (or `key`).
   */
  async function hubSends(unsigned: CloudEvent<object>, key?: string): Promise<void> {
    const event = signEvent(unsigned, hubKeys.privateKey, hubKid);
    await hubProducer.send({
      topic: TO,
      acks: -1,
      messages: [
        {
          key: key ?? event.subject ?? event.id,
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

  /** Waits for the simulator's `n`-th record of `type` (1-based). */
  async function nthOfType(type: string, n: number): Promise<Written> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const record = written.filter((r) => r.event.type === type)[n - 1];
      if (record) return record;
      if (Date.now() > deadline) {
        throw new Error(`no record #${n} of ${type}; simulator log:\n${logLines.join('\n')}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  it('witnesses the audit log: cosigns an append-only checkpoint and reports a fork, keyed by tree size', async () => {
    const checkpoint = (root: Buffer, size: number): string =>
      signNote(formatCheckpoint({ origin: ORIGIN, size, root }), {
        name: ORIGIN,
        privateKey: hubKeys.privateKey,
      });
    const notice = (note: string): CloudEvent<object> => {
      const {
        subject: _none,
        recipient: _nobody,
        ...event
      } = hubEvent(EVENT_TYPES.auditCheckpoint, '', { checkpoint: note });
      return event;
    };
    const first = checkpoint(auditLog.root(4), 4);
    const second = checkpoint(auditLog.root(9), 9);
    const fork = checkpoint(Buffer.alloc(32, 9), 9);

    // One key for all checkpoints, so they stay in one partition, in order (a witness copes with
    // disorder, but then a larger fork arriving first is refused on its proof, not on its root).
    await hubSends(notice(first), ORIGIN);
    await hubSends(notice(second), ORIGIN);
    await hubSends(notice(fork), ORIGIN);

    const cosignedFirst = await nthOfType(EVENT_TYPES.auditCosigned, 1);
    const cosignedSecond = await nthOfType(EVENT_TYPES.auditCosigned, 2);
    const reported = await nthOfType(EVENT_TYPES.auditForkDetected, 1);
    const verifier = parseCosignerVerifierKey(
      formatCosignerVerifierKey(WITNESS_NAME, witnessKeys.publicKey),
    );
    for (const [record, note, size] of [
      [cosignedFirst, first, '4'],
      [cosignedSecond, second, '9'],
    ] as const) {
      expect(record.key).toBe(size);
      expect(record.headers).toMatchObject({
        ce_type: EVENT_TYPES.auditCosigned,
        ce_source: `/parties/${OURS}`,
      });
      expect(record.event.data['checkpoint']).toBe(note);
      const text = note.slice(0, note.lastIndexOf('\n\n') + 1);
      expect(verifyCosignature(text, String(record.event.data['cosignature']), verifier).ok).toBe(
        true,
      );
      expect(signatureIsValid(record.event)).toBe(true);
    }
    expect(reported.key).toBe('9');
    expect(reported.event.data).toEqual({
      held: second,
      offered: fork,
      reason: 'same size 9, another root',
    });
    expect(signatureIsValid(reported.event)).toBe(true);
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
