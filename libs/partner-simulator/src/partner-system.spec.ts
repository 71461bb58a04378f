import { generateKeyPairSync } from 'node:crypto';
import { CLOUDEVENTS_CONTENT_TYPE, EVENT_TYPES, signEvent, type CloudEvent } from '@hub/contracts';
import { calculateJwkThumbprint } from 'jose';
import { Kafka, logLevel, type KafkaMessage, type Producer, type ProducerRecord } from 'kafkajs';
import example from '../../contracts/src/referral/examples/victim-repatriation.json';
import { PartnerSystem } from './partner-system';
import { Ed25519EventVerifier } from './signing';

/*
 * PartnerSystem.handle without a broker: the producer is replaced by one that records what would
 * be sent, so that we see whether a record from the hub was acted on. Nothing here connects.
 */

const REFERRAL = '7f3a2b1c-4d5e-4f60-8a7b-9c0d1e2f3a4b';
const SUBMITTED_ID = '0a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d';
const LAO = 'LA-BOKEO-POLICE';
const OURS = 'TH-POLICE';

/** The Lao officer's referral to TH-POLICE, as the hub forwards it (change 1), unsigned. */
const SUBMITTED: CloudEvent<Record<string, unknown>> = {
  specversion: '1.0',
  id: SUBMITTED_ID,
  source: `/parties/${LAO}`,
  type: EVENT_TYPES.referralSubmitted,
  subject: REFERRAL,
  time: '2026-03-02T02:00:00.000Z',
  datacontenttype: 'application/json',
  recipient: OURS,
  referralseq: 1,
  data: {
    ...example,
    to: OURS,
    referralId: REFERRAL,
    from: LAO,
    submittedAt: '2026-03-02T08:30:00+07:00',
  },
};

// Throw-away keys: the hub's (kid: its RFC 7638 thumbprint, as `npm run keys` makes them) and a
// stranger's, which anyone able to write to the topic could hold.
const hub = generateKeyPairSync('ed25519');
const stranger = generateKeyPairSync('ed25519');
let hubKid: string;
let strangerKid: string;
let hubVerifier: Ed25519EventVerifier;

beforeAll(async () => {
  const hubJwk = hub.publicKey.export({ format: 'jwk' });
  hubKid = await calculateJwkThumbprint(hubJwk);
  strangerKid = await calculateJwkThumbprint(stranger.publicKey.export({ format: 'jwk' }));
  hubVerifier = Ed25519EventVerifier.fromJwk({ ...hubJwk, kid: hubKid });
});

afterEach(() => {
  jest.restoreAllMocks();
});

/** A simulator of Thailand whose sends are recorded in `sent`, its log lines in `log`. */
function simulator(): { system: PartnerSystem; sent: CloudEvent[]; log: string[] } {
  const sent: CloudEvent[] = [];
  const log: string[] = [];
  const send = (record: ProducerRecord): Promise<[]> => {
    for (const message of record.messages) {
      sent.push(JSON.parse(message.value?.toString() ?? 'null') as CloudEvent);
    }
    return Promise.resolve([]);
  };
  jest
    .spyOn(Kafka.prototype, 'producer')
    .mockReturnValue({ send } as Partial<Producer> as Producer);
  const system = new PartnerSystem({
    country: 'TH',
    brokers: ['127.0.0.1:1'],
    groupId: 'unit-test',
    policy: {
      decision: 'accept',
      rejectReason: 'INSUFFICIENT_INFORMATION',
      handover: true,
      complete: true,
      // Even the delivery receipt, the least of answers, must not go out for a refused record.
      confirmDelivery: true,
    },
    delayMs: 0,
    hubVerifier,
    log: (line) => log.push(line),
    kafkaLogLevel: logLevel.NOTHING,
  });
  return { system, sent, log };
}

/** A record of `referral-hub.to.TH` as the hub writes it: structured mode, keyed by referral. */
function record(event: object, offset = '41'): KafkaMessage {
  return {
    key: Buffer.from(REFERRAL),
    value: Buffer.from(JSON.stringify(event)),
    headers: { 'content-type': CLOUDEVENTS_CONTENT_TYPE },
    timestamp: '0',
    attributes: 0,
    offset,
  };
}

describe('PartnerSystem.handle and the hub’s signature', () => {
  it('acts on an event the hub signed: acknowledges the referral', async () => {
    const { system, sent, log } = simulator();

    await system.handle(record(signEvent(SUBMITTED, hub.privateKey, hubKid)));

    expect(system.refusedSignatures).toBe(0);
    expect(sent.map((e) => e.type)).toEqual([
      EVENT_TYPES.receipt,
      EVENT_TYPES.referralAcknowledged,
    ]);
    expect(sent[1]).toMatchObject({ source: `/parties/${OURS}`, subject: REFERRAL });
    expect(system.trackOf(REFERRAL)?.status).toBe('SUBMITTED');
    expect(log[0]).toMatch(/^TH ← submitted .* seq 1 from LA-BOKEO-POLICE to TH-POLICE$/);
  });

  it.each<[string, () => object, () => string]>([
    [
      'a tampered event (one data field changed after signing)',
      () => {
        const event = signEvent(SUBMITTED, hub.privateKey, hubKid);
        return { ...event, data: { ...event.data, to: 'TH-MSDHS' } };
      },
      () => 'the signature does not match the event',
    ],
    [
      'an event signed by another Ed25519 key',
      () => signEvent(SUBMITTED, stranger.privateKey, strangerKid),
      () => `kid ${strangerKid} is not a registered key of this sender`,
    ],
    [
      'an event signed by another key that claims the hub’s kid',
      () => signEvent(SUBMITTED, stranger.privateKey, hubKid),
      () => 'the signature does not match the event',
    ],
    ['an event without jws', () => SUBMITTED, () => 'the event has no jws attribute'],
    [
      'an event with a malformed jws',
      () => ({ ...SUBMITTED, jws: 'eyJhbGciOiJFZERTQSJ9' }),
      () => 'jws is not a detached compact JWS (header..signature)',
    ],
  ])('refuses and counts %s, and sends nothing', async (_what, event, reason) => {
    const { system, sent, log } = simulator();

    await expect(system.handle(record(event()))).resolves.toBeUndefined();

    expect(system.refusedSignatures).toBe(1);
    expect(sent).toEqual([]);
    expect(system.trackOf(REFERRAL)).toBeUndefined();
    expect(log).toEqual([`TH ✘ refused ${SUBMITTED_ID}: bad hub signature (${reason()})`]);
  });

  it('goes on with the next record after a refusal', async () => {
    const { system, sent } = simulator();

    await system.handle(record(signEvent(SUBMITTED, stranger.privateKey, strangerKid), '41'));
    await system.handle(record(signEvent(SUBMITTED, hub.privateKey, hubKid), '42'));

    expect(system.refusedSignatures).toBe(1);
    expect(sent.map((e) => e.type)).toContain(EVENT_TYPES.referralAcknowledged);
  });

  it('names a record by its offset when its id is not a UUID, and keeps forged text on one line', async () => {
    const { system, log } = simulator();
    const header = Buffer.from(
      JSON.stringify({ alg: 'EdDSA', kid: 'x\nTH → accepted 7f3a2b1c… (seen 1)' }),
    ).toString('base64url');

    await system.handle(record({ ...SUBMITTED, id: 'not\nan id', jws: `${header}..AAAA` }, '43'));

    expect(system.refusedSignatures).toBe(1);
    expect(log).toEqual([
      `TH ✘ refused record at offset 43 (key ${REFERRAL}): bad hub signature ` +
        '(kid x\\u000aTH → accepted 7f3a2b1c… (seen 1) is not a registered key of this sender)',
    ]);
  });

  it('leaves a record that is no CloudEvent to the unreadable path, uncounted', async () => {
    const { system, sent, log } = simulator();

    await system.handle({ ...record(SUBMITTED), value: Buffer.from('{') });

    expect(system.refusedSignatures).toBe(0);
    expect(sent).toEqual([]);
    expect(log).toEqual([expect.stringMatching(/^TH ← unreadable record .*not JSON$/)]);
  });
});
