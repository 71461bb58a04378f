import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CLOUDEVENTS_CONTENT_TYPE,
  EVENT_TYPES,
  HUB_SOURCE,
  signEvent,
  validateEventData,
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
import { calculateJwkThumbprint } from 'jose';
import { Kafka, logLevel, type KafkaMessage, type Producer, type ProducerRecord } from 'kafkajs';
import example from '../../contracts/src/referral/examples/victim-repatriation.json';
import { PartnerSystem } from './partner-system';
import { Ed25519EventVerifier } from './signing';
import { Witness } from './witness';

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

/**
 * A simulator of Thailand whose sends are recorded in `sent` (record keys in `keys`), its log
 * lines in `log`.
 */
function simulator(witness?: Witness): {
  system: PartnerSystem;
  sent: CloudEvent[];
  keys: string[];
  log: string[];
} {
  const sent: CloudEvent[] = [];
  const keys: string[] = [];
  const log: string[] = [];
  const send = (record: ProducerRecord): Promise<[]> => {
    for (const message of record.messages) {
      sent.push(JSON.parse(message.value?.toString() ?? 'null') as CloudEvent);
      keys.push(message.key?.toString() ?? '');
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
    ...(witness !== undefined && { witness }),
    log: (line) => log.push(line),
    kafkaLogLevel: logLevel.NOTHING,
  });
  return { system, sent, keys, log };
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

describe('PartnerSystem.handle and the audit log’s checkpoints', () => {
  const ORIGIN = 'mekong-referral-hub/audit';
  const WITNESS_NAME = 'mekong-referral-hub/witness/TH';
  const witnessKey = generateKeyPairSync('ed25519');
  const cosignerVerifier = parseCosignerVerifierKey(
    formatCosignerVerifierKey(WITNESS_NAME, witnessKey.publicKey),
  );
  const honest = new MerkleTree();
  const forked = new MerkleTree();
  for (let i = 0; i < 10; i++) {
    honest.append(Buffer.from(`entry ${i}`));
    forked.append(Buffer.from(i < 4 ? `entry ${i}` : `other ${i}`));
  }
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'partner-witness-'));
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  function witness(): Witness {
    return new Witness({
      cosigner: { name: WITNESS_NAME, privateKey: witnessKey.privateKey },
      logVerifier: createEd25519Verifier(ORIGIN, hub.publicKey),
      origin: ORIGIN,
      stateFile: join(dir, 'TH.json'),
      proofs: {
        consistencyProof: (from, to) =>
          Promise.resolve(honest.consistencyProof(from, to).map((h) => h.toString('base64'))),
      },
    });
  }

  function checkpointNote(tree: MerkleTree, size: number): string {
    const text = formatCheckpoint({ origin: ORIGIN, size, root: tree.root(size) });
    return signNote(text, { name: ORIGIN, privateKey: hub.privateKey });
  }

  /** The hub's `mrh.audit.checkpoint.v1` to TH, signed. */
  function checkpointEvent(note: string, id = randomId()): object {
    return signEvent(
      {
        specversion: '1.0',
        id,
        source: HUB_SOURCE,
        type: EVENT_TYPES.auditCheckpoint,
        time: '2026-03-02T02:00:00.000Z',
        datacontenttype: 'application/json',
        data: { checkpoint: note },
      },
      hub.privateKey,
      hubKid,
    );
  }

  /** The hub's answer to our event `eventId`. */
  function answerTo(eventId: string, rejected = false): object {
    return signEvent(
      {
        specversion: '1.0',
        id: randomId(),
        source: HUB_SOURCE,
        type: rejected ? EVENT_TYPES.eventRejected : EVENT_TYPES.receipt,
        time: '2026-03-02T02:00:01.000Z',
        datacontenttype: 'application/json',
        causationid: eventId,
        data: rejected
          ? {
              eventId,
              code: 'invalid-signature',
              detail: 'the cosignature does not verify',
              errors: [],
            }
          : { eventId, status: 'APPLIED' },
      },
      hub.privateKey,
      hubKid,
    );
  }

  let counter = 0;
  function randomId(): string {
    counter += 1;
    return `5a1b2c3d-4e5f-4a6b-8c7d-${counter.toString(16).padStart(12, '0')}`;
  }

  it('cosigns a checkpoint: sends mrh.audit.cosigned.v1 with the note as received, keyed by the size', async () => {
    const { system, sent, keys, log } = simulator(witness());
    const note = checkpointNote(honest, 6);
    const event = checkpointEvent(note) as CloudEvent;

    await system.handle(record(event));

    expect(sent).toHaveLength(1);
    const [cosigned] = sent as [CloudEvent<Record<string, string>>];
    expect(cosigned).toMatchObject({
      type: EVENT_TYPES.auditCosigned,
      source: '/parties/TH-POLICE',
      causationid: event.id,
      data: { checkpoint: note },
    });
    expect(validateEventData(EVENT_TYPES.auditCosigned, cosigned.data).ok).toBe(true);
    const text = note.slice(0, note.lastIndexOf('\n\n') + 1);
    expect(verifyCosignature(text, cosigned.data['cosignature'] ?? '', cosignerVerifier).ok).toBe(
      true,
    );
    expect(keys).toEqual(['6']);
    expect(log[0]).toMatch(/^TH ← audit\.checkpoint .* size 6: consistent, cosigned$/);
    expect(log[1]).toMatch(/^TH → audit\.cosigned .* as TH-POLICE$/);
  });

  it('reports a fork with mrh.audit.fork-detected.v1: both notes and the reason', async () => {
    const { system, sent, keys, log } = simulator(witness());
    const held = checkpointNote(honest, 6);
    const fork = checkpointNote(forked, 6);

    await system.handle(record(checkpointEvent(held)));
    await system.handle(record(checkpointEvent(fork)));

    expect(sent.map((e) => e.type)).toEqual([
      EVENT_TYPES.auditCosigned,
      EVENT_TYPES.auditForkDetected,
    ]);
    expect(sent[1]?.data).toEqual({ held, offered: fork, reason: 'same size 6, another root' });
    expect(validateEventData(EVENT_TYPES.auditForkDetected, sent[1]?.data).ok).toBe(true);
    expect(keys).toEqual(['6', '6']);
    expect(log).toContainEqual(
      expect.stringMatching(/size 6: FORK, refused \(same size 6, another root\)$/),
    );
  });

  it('sends nothing for a checkpoint the witness ignores (stale), and says why', async () => {
    const { system, sent, log } = simulator(witness());
    await system.handle(record(checkpointEvent(checkpointNote(honest, 8))));

    await system.handle(record(checkpointEvent(checkpointNote(honest, 5))));

    expect(sent).toHaveLength(1);
    expect(log.at(-1)).toMatch(/not cosigned: stale: size 5 is below the cosigned 8$/);
  });

  it('cosigns a redelivered checkpoint again', async () => {
    const { system, sent } = simulator(witness());
    const again = checkpointEvent(checkpointNote(honest, 7));

    await system.handle(record(again));
    await system.handle(record(again));

    expect(sent.map((e) => e.type)).toEqual([EVENT_TYPES.auditCosigned, EVENT_TYPES.auditCosigned]);
  });

  it('only logs checkpoints without a witness', async () => {
    const { system, sent, log } = simulator();

    await system.handle(record(checkpointEvent(checkpointNote(honest, 3))));

    expect(sent).toEqual([]);
    expect(log).toEqual([
      expect.stringMatching(/audit\.checkpoint .*no witness configured, not cosigned$/),
    ]);
  });

  it.each([
    [false, /^TH ← receipt .* APPLIED — our audit\.cosigned applied$/],
    [
      true,
      /^TH ← event\.rejected .* — our audit\.cosigned REFUSED invalid-signature: the cosignature does not verify$/,
    ],
  ])(
    'logs the hub’s answer to our audit event (rejected: %s), and sends nothing back',
    async (rejected, line) => {
      const { system, sent, log } = simulator(witness());
      await system.handle(record(checkpointEvent(checkpointNote(honest, 4))));
      const ours = sent[0]!.id;

      await system.handle(record(answerTo(ours, rejected)));

      expect(sent).toHaveLength(1);
      expect(log.at(-1)).toMatch(line);
    },
  );

  it('leaves a receipt of an audit event it no longer remembers to the referral flow, which ignores it', async () => {
    const { system, sent, log } = simulator(witness());

    await system.handle(record(answerTo('5a1b2c3d-4e5f-4a6b-8c7d-ffffffffffff')));

    expect(sent).toEqual([]);
    expect(log.at(-1)).toMatch(/not a referral this system is working on, ignored$/);
  });
});
