import { randomUUID } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import fc from 'fast-check';
import { DataSource } from 'typeorm';
import {
  CLOUDEVENTS_CONTENT_TYPE,
  EVENT_TYPES,
  partySource,
  signEvent,
  type CloudEvent,
} from '@hub/contracts';
import { parseStrictJson } from '../../src/common/json/strict-json';
import { DLQ_HEADERS } from '../../src/partners/dead-letter-publisher';
import { DEAD_LETTER_CODES } from '../../src/partners/inbound-error';
import { PartnerInboundConsumer } from '../../src/partners/partner-inbound.consumer';
import { Officer } from '../support/hub-client';
import { partnerEvent } from '../support/partner-events';
import { victimReferral } from '../support/referral-fixtures';
import { TestPartner, partnerKey, partnerKid, type ReadRecord } from '../support/test-partner';
import { startTestApp } from '../support/test-app';
import { BAD_UTF8, INJECTIONS, LEGITIMATE_ODD_TEXTS, anyJson } from './support/hostile-values';
import { freeTextPaths, invalidBodiesFrom, setAt } from './support/json-mutations';
import { Tally, rowCounts } from './support/tally';

/** Records thrown at `referral-hub.from.VN`, by family (the suite prints the total). */
const RECORDS = {
  rawBytes: 80,
  notCloudEvents: 80,
  signedBadEvents: 300,
  rawJsonTricks: 100,
  signatureProblems: 80,
  headerProblems: 40,
  wellFormedButInapplicable: 80,
};

/** Hub events the hub writes by itself while the suite runs (not answers to our records). */
const BACKGROUND_TYPES = new Set<string>([
  EVENT_TYPES.auditCheckpoint,
  EVENT_TYPES.referralOverdue,
]);

interface HostileRecord {
  what: string;
  key: string;
  value: Buffer;
  headers: Record<string, string>;
  /** The event id the record carries, when it has a readable one. */
  eventId?: string;
}

const VN = 'VN-MPS';
const ceHeaders = (event: { id?: unknown; type?: unknown; source?: unknown }) => ({
  'content-type': CLOUDEVENTS_CONTENT_TYPE,
  ce_id: String(event.id),
  ce_type: String(event.type),
  ce_source: String(event.source),
});

describe('the Kafka door under hostile input', () => {
  let app: NestFastifyApplication;
  let db: DataSource;
  let vn: TestPartner;
  let bokeo: Officer;
  const tally = new Tally();
  const sent: HostileRecord[] = [];
  /** A submitted referral to VN that the suite's events name and must not change. */
  let bystander: { id: string; row: Record<string, unknown> };
  let before: Record<string, number>;
  let outboxBefore: number;
  let inboxAppliedBefore: number;

  beforeAll(async () => {
    app = await startTestApp();
    db = app.get(DataSource);
    vn = await TestPartner.start('VN');
    bokeo = await Officer.of(
      app,
      'LA-BOKEO-POLICE',
      ['liaison_officer', 'child_protection'],
      'hostile-kafka',
    );
    const id = await bokeo.send(victimReferral(VN));
    await vn.waitForEvent(id, EVENT_TYPES.referralSubmitted);
    bystander = { id, row: await referralRow(id) };
    before = await rowCounts(db);
    outboxBefore = await maxOutboxId();
    inboxAppliedBefore = await appliedInboxRows();
  });

  afterAll(async () => {
    await vn?.stop();
    await app?.close();
  });

  async function referralRow(id: string): Promise<Record<string, unknown>> {
    const rows = await db.query<Record<string, unknown>[]>(
      `SELECT status, version, seq, sealed_content, updated_at FROM referrals WHERE id = $1`,
      [id],
    );
    return rows[0]!;
  }

  async function maxOutboxId(): Promise<number> {
    const rows = await db.query<{ id: string | null }[]>(`SELECT max(id) AS id FROM outbox`);
    return Number(rows[0]?.id ?? 0);
  }

  async function appliedInboxRows(): Promise<number> {
    const rows = await db.query<{ n: string }[]>(
      `SELECT count(*) AS n FROM inbox WHERE outcome = 'applied'`,
    );
    return Number(rows[0]?.n ?? 0);
  }

  /**
   * Events that would be refused even when well-formed: decisions about the bystander taken on a
   * referralseq it is not at, a message or a submission about a referral that does not exist or
   * already does, events only the hub emits. So no mutation can turn one into an applied event.
   */
  function baseEvents(): fc.Arbitrary<CloudEvent<Record<string, unknown>>> {
    const seen = fc.constantFrom(0, 2, 99);
    const referralId = bystander.id;
    const decision = (type: string, data: Record<string, unknown>) =>
      seen.map((referralseq) =>
        partnerEvent(
          VN,
          type,
          { referralId, ...data },
          { referralseq, recipient: 'LA-BOKEO-POLICE' },
        ),
      );
    const content = victimReferral('LA-BOKEO-POLICE', (r) => {
      r['person'].nationality = 'LA';
      r['repatriation'].homeAddress = { country: 'LA', province: 'Bokeo' };
    });
    return fc.oneof(
      decision(EVENT_TYPES.referralAcknowledged, { receiverReference: 'VN-2026-77' }),
      decision(EVENT_TYPES.referralAccepted, { note: 'Accepted.' }),
      decision(EVENT_TYPES.referralRejected, { reasonCode: 'DUPLICATE', note: 'Known case.' }),
      decision(EVENT_TYPES.referralInfoRequested, { question: 'Which village is home?' }),
      decision(EVENT_TYPES.referralHandoverScheduled, {
        checkpoint: 'LA-VN-DENSAVANH',
        scheduledAt: '2026-12-10T09:00:00+07:00',
        escorts: [{ name: 'Lt. Pham', agency: 'VN-MPS' }],
      }),
      decision(EVENT_TYPES.referralCompleted, { completedAt: '2026-12-10T11:00:00+07:00' }),
      fc.constant(null).map(() =>
        partnerEvent(
          VN,
          EVENT_TYPES.messagePosted,
          {
            referralId: randomUUID(),
            messageId: randomUUID(),
            author: 'Lt. Pham',
            language: 'vi',
            body: 'Xin chào',
          },
          { referralseq: 1 },
        ),
      ),
      fc
        .constant(null)
        .map(() =>
          partnerEvent(
            VN,
            EVENT_TYPES.referralSubmitted,
            { ...content, referralId, from: VN, submittedAt: '2026-11-18T08:30:00+07:00' },
            { recipient: 'LA-BOKEO-POLICE' },
          ),
        ),
      fc.constant(null).map(() =>
        partnerEvent(VN, EVENT_TYPES.referralOverdue, {
          referralId,
          step: 'ACKNOWLEDGE',
          dueAt: '2026-11-19T08:30:00+07:00',
        }),
      ),
    );
  }

  const signedByVietnam = (event: unknown) =>
    signEvent(event as CloudEvent, partnerKey('VN'), partnerKid('VN'));

  function records(): fc.Arbitrary<HostileRecord>[] {
    const key = fc.constant(null).map(() => randomUUID());
    const rawBytes = fc
      .tuple(
        key,
        fc.oneof(
          fc.uint8Array({ maxLength: 3000 }).map((b) => Buffer.from(b)),
          fc.constantFrom(...BAD_UTF8),
          fc.constant(Buffer.alloc(0)),
        ),
        fc.constantFrom(CLOUDEVENTS_CONTENT_TYPE, 'application/octet-stream'),
      )
      .map(([k, value, type]) => ({
        what: `${value.length} raw bytes as ${type}`,
        key: k,
        value,
        headers: { 'content-type': type },
      }));
    const notCloudEvents = fc.tuple(key, anyJson).map(([k, v]) => ({
      what: `JSON that is no CloudEvent: ${JSON.stringify(v)?.slice(0, 60)}`,
      key: k,
      value: Buffer.from(JSON.stringify(v) ?? 'null'),
      headers: { 'content-type': CLOUDEVENTS_CONTENT_TYPE },
    }));
    // Structurally broken events, signed with the partner's real key after breaking them: the
    // hub must refuse them for what they say, not for their signature.
    const signedBad = fc
      .tuple(
        key,
        baseEvents().chain((event) =>
          invalidBodiesFrom(event, { unknownFieldsRefused: false }).map((m) => ({ event, m })),
        ),
      )
      .map(([k, { event, m }]) => {
        let value = m.payload;
        let signed = false;
        try {
          const parsed = parseStrictJson(m.payload) as Record<string, unknown>;
          value = Buffer.from(JSON.stringify(signedByVietnam(parsed)));
          signed = true;
        } catch {
          // Refused at the JSON level already: sent as broken as it is.
        }
        return {
          what: `${event.type}: ${m.what}${signed ? ' (signed)' : ''}`,
          key: k,
          value,
          headers: ceHeaders(event),
          eventId: event.id,
        };
      });
    const rawTricks = fc
      .tuple(
        key,
        baseEvents(),
        fc.constantFrom('duplicate-id', 'duplicate-type', 'proto', 'deep', 'big-number', 'nul'),
      )
      .map(([k, event, trick]) => {
        const text = JSON.stringify(signedByVietnam(event));
        const body = text.slice(1);
        const prefix: Record<string, string> = {
          'duplicate-id': `{"id":"${randomUUID()}",`,
          'duplicate-type': '{"type":"mrh.referral.completed.v1",',
          proto: '{"__proto__":{"admin":true},',
          deep: `{"x":${'['.repeat(5000)}${']'.repeat(5000)},`,
          'big-number': '{"referralseq":1e400,',
          nul: '{"causationid":"\\u0000",',
        };
        return {
          what: `${event.type}: ${trick}`,
          key: k,
          value: Buffer.from(prefix[trick] + body),
          headers: ceHeaders(event),
          eventId: event.id,
        };
      });
    const signatureProblems = fc
      .tuple(
        key,
        baseEvents(),
        fc.constantFrom(
          'unsigned',
          'thai-key',
          'changed-after-signing',
          'garbage-jws',
          'foreign-source',
        ),
      )
      .map(([k, event, problem]) => {
        let out: object;
        switch (problem) {
          case 'unsigned':
            out = event;
            break;
          case 'thai-key':
            out = signEvent(event, partnerKey('TH'), partnerKid('TH'));
            break;
          case 'changed-after-signing':
            out = {
              ...signedByVietnam(event),
              data: { ...event.data, note: 'changed in transit' },
            };
            break;
          case 'garbage-jws':
            out = { ...event, jws: 'eyJhbGciOiJub25lIn0..' };
            break;
          default:
            out = signEvent(
              { ...event, source: partySource('TH-POLICE') },
              partnerKey('TH'),
              partnerKid('TH'),
            );
        }
        return {
          what: `${event.type}: ${problem}`,
          key: k,
          value: Buffer.from(JSON.stringify(out)),
          headers: ceHeaders(out),
          eventId: event.id,
        };
      });
    const headerProblems = fc
      .tuple(
        key,
        baseEvents(),
        fc.constantFrom<Record<string, string>>(
          {},
          { 'content-type': 'application/json' },
          { 'content-type': 'text/plain' },
          { 'content-type': 'application/cloudevents-batch+json' },
          { ce_specversion: '1.0', ce_type: 'mrh.referral.accepted.v1' },
        ),
      )
      .map(([k, event, headers]) => ({
        what: `${event.type} with headers ${JSON.stringify(headers)}`,
        key: k,
        value: Buffer.from(JSON.stringify(signedByVietnam(event))),
        headers,
      }));
    // Valid, signed events the hub must still refuse: a decision on a stale or future referralseq,
    // a message about a referral that does not exist, a second submission of the bystander, an
    // event only the hub may emit. Answered with a rejection only (nothing to dead-letter).
    const inapplicable = fc.tuple(key, baseEvents()).map(([k, event]) => {
      const signed = signedByVietnam(event);
      return {
        what: `well-formed ${event.type} that cannot apply`,
        key: k,
        value: Buffer.from(JSON.stringify(signed)),
        headers: ceHeaders(signed),
        eventId: event.id,
      };
    });
    return [
      rawBytes,
      notCloudEvents,
      signedBad,
      rawTricks,
      signatureProblems,
      headerProblems,
      inapplicable,
    ];
  }

  it('answers every hostile record with a dead letter or a rejection, and applies none', async () => {
    const families = records();
    const counts = Object.values(RECORDS);
    families.forEach((family, i) => sent.push(...fc.sample(family, counts[i])));
    for (let i = 0; i < sent.length; i += 100) {
      await vn.sendRawBatch(
        sent.slice(i, i + 100).map((r) => ({ key: r.key, value: r.value, headers: r.headers })),
      );
    }

    const answers = await vn.waitFor(
      `answers to all ${sent.length} records`,
      (received) => {
        const dlq = new Map<string, ReadRecord>();
        const rejections = new Map<string, ReadRecord>();
        for (const r of received) {
          if (r.topic.endsWith('.dlq')) dlq.set(r.key, r);
          else if (typeof r.event?.causationid === 'string') {
            rejections.set(r.event.causationid, r);
          }
        }
        const unanswered = sent.filter(
          (s) => !dlq.has(s.key) && !(s.eventId !== undefined && rejections.has(s.eventId)),
        );
        return unanswered.length === 0 && { dlq, rejections };
      },
      120_000,
    );

    for (const record of sent) {
      const dead = answers.dlq.get(record.key);
      const rejection =
        record.eventId === undefined ? undefined : answers.rejections.get(record.eventId);
      if (dead) {
        const code = dead.headers[DLQ_HEADERS.code] ?? '';
        tally.add(`DLQ ${code}`);
        expect({ record: record.what, code, known: DEAD_LETTER_CODES.has(code as never) }).toEqual({
          record: record.what,
          code: expect.not.stringMatching(/^processing-failed$/),
          known: true,
        });
        expect(dead.headers[DLQ_HEADERS.detail]).toMatch(/\S/);
        // Copied unchanged: the partner and operators see exactly what was sent.
        if (isUtf8(record.value)) expect(dead.raw).toBe(record.value.toString());
      }
      if (rejection) {
        tally.add(`${EVENT_TYPES.eventRejected} ${String(rejection.event.data['code'])}`);
        expect({ record: record.what, type: rejection.event.type }).toEqual({
          record: record.what,
          type: EVENT_TYPES.eventRejected,
        });
        expect(rejection.event.data['detail']).toMatch(/\S/);
      }
    }
    tally.add('receipts', 0);
    tally.add('processing-failed', 0);
    // Attempts that threw and were retried (a database hiccup under load may cause one; a record
    // that kept failing would show above as processing-failed, which fails the suite).
    tally.add('retried attempts', app.get(PartnerInboundConsumer).stats().retries);
    tally.print('Kafka door (referral-hub.from.VN)', sent.length);
  });

  it('stored nothing but refusals and changed no referral', async () => {
    const after = await rowCounts(db);
    const { inbox: inboxAfter, outbox: outboxAfter, ...rest } = after;
    const { inbox: inboxBefore, outbox: _outbox, ...restBefore } = before;
    expect(rest).toEqual(restBefore);
    // Inbox rows record refusals (so a redelivery is recognised); none was applied.
    expect(await appliedInboxRows()).toBe(inboxAppliedBefore);
    expect(inboxAfter).toBeGreaterThanOrEqual(inboxBefore!);
    expect(outboxAfter).toBeGreaterThan(0);
    const written = await db.query<{ type: string; n: string }[]>(
      `SELECT headers->>'ce_type' AS type, count(*) AS n FROM outbox WHERE id > $1 GROUP BY 1`,
      [outboxBefore],
    );
    for (const { type } of written) {
      expect([EVENT_TYPES.eventRejected, ...BACKGROUND_TYPES]).toContain(type);
    }
    expect(await referralRow(bystander.id)).toEqual(bystander.row);
    expect(
      vn.received.some(
        (r) =>
          r.event?.type === EVENT_TYPES.receipt &&
          sent.some((s) => s.eventId === r.event.causationid),
      ),
    ).toBe(false);
  });

  it('is still healthy and applies the next good event at once', async () => {
    const ack = partnerEvent(
      VN,
      EVENT_TYPES.referralAcknowledged,
      { referralId: bystander.id },
      { referralseq: 1 },
    );
    await vn.publish(ack);
    const answer = await vn.waitForAnswer(ack.id);
    expect(answer.type).toBe(EVENT_TYPES.receipt);
  });

  it("stores a partner's injection strings and odd Unicode verbatim (NFC)", async () => {
    const texts = [...INJECTIONS, ...LEGITIMATE_ODD_TEXTS];
    let content: unknown = victimReferral('LA-BOKEO-POLICE', (r) => {
      r['person'].nationality = 'LA';
      r['repatriation'].homeAddress = { country: 'LA', province: 'Bokeo' };
    });
    freeTextPaths(content).forEach((path, i) => {
      const t = texts[i % texts.length]!;
      content = setAt(content, path, path.includes('senderReference') ? t.slice(0, 100) : t);
    });
    const referralId = randomUUID();
    const submit = partnerEvent(
      VN,
      EVENT_TYPES.referralSubmitted,
      { ...(content as object), referralId, from: VN, submittedAt: new Date().toISOString() },
      { recipient: 'LA-BOKEO-POLICE' },
    );
    await vn.publish(submit);
    expect((await vn.waitForAnswer(submit.id)).type).toBe(EVENT_TYPES.receipt);

    const read = await bokeo.get(`/v1/referrals/${referralId}`);
    expect(read.status).toBe(200);
    expect(read.body.content).toEqual(
      expect.objectContaining(JSON.parse(JSON.stringify(content).normalize('NFC')) as object),
    );
  });
});

function isUtf8(bytes: Buffer): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}
