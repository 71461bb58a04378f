import { createPublicKey, generateKeyPairSync, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import {
  EVENT_TYPES,
  signEvent,
  toTopic,
  verifyEventSignature,
  type CloudEvent,
} from '@hub/contracts';
import { Transactions } from '../../src/database/transactions';
import { Officer } from '../support/hub-client';
import { partnerEvent, partnerSubmission } from '../support/partner-events';
import {
  example,
  suspectReferral,
  victimReferral,
  victimReferralFromThailand,
} from '../support/referral-fixtures';
import { partnerKey, partnerKid, TestPartner } from '../support/test-partner';
import { startTestApp } from '../support/test-app';

/** Polls the referral until it reaches `status` (partner events are applied asynchronously). */
async function waitForStatus(officer: Officer, id: string, status: string): Promise<any> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const res = await officer.get(`/v1/referrals/${id}`);
    if (res.body.status === status) return res.body;
    if (Date.now() > deadline)
      throw new Error(`referral ${id} stayed ${res.body.status}, not ${status}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('referrals across borders (real broker, real database)', () => {
  let app: NestFastifyApplication;
  let vn: TestPartner;
  let cn: TestPartner;
  let th: TestPartner;
  let bokeo: Officer;

  beforeAll(async () => {
    app = await startTestApp();
    [vn, cn, th] = await Promise.all([
      TestPartner.start('VN'),
      TestPartner.start('CN'),
      TestPartner.start('TH'),
    ]);
    bokeo = await Officer.of(app, 'LA-BOKEO-POLICE');
  });

  afterAll(async () => {
    await Promise.all([vn?.stop(), cn?.stop(), th?.stop()]);
    await app?.close();
  });

  describe('the contract examples', () => {
    it.each([
      ['victim-repatriation', 'VN-MPS', () => vn],
      ['suspect-handoff', 'CN-MPS', () => cn],
    ] as const)(
      '%s is accepted as it is and reaches %s as one submitted event',
      async (name, to, partner) => {
        const body = example(name);

        const id = await bokeo.send(body);

        const record = await partner().waitFor('the submitted event', (received) =>
          received.find((r) => r.event.subject === id),
        );
        expect(record.topic).toBe(toTopic(to.slice(0, 2)));
        expect(record.key).toBe(id);
        expect(record.headers).toMatchObject({
          'content-type': 'application/cloudevents+json',
          ce_id: record.event.id,
          ce_type: 'mrh.referral.submitted.v1',
          ce_source: '/parties/LA-BOKEO-POLICE',
        });
        expect(record.event).toMatchObject({
          specversion: '1.0',
          type: 'mrh.referral.submitted.v1',
          source: '/parties/LA-BOKEO-POLICE',
          subject: id,
          recipient: to,
          referralseq: 1,
          datacontenttype: 'application/json',
        });
        expect(record.event.data).toMatchObject({
          ...body,
          referralId: id,
          from: 'LA-BOKEO-POLICE',
          to,
        });
        expect(typeof record.event.data['submittedAt']).toBe('string');
        expect(partner().eventsOf(id)).toHaveLength(1);
      },
    );
  });

  describe('full lifecycles', () => {
    it('takes a victim repatriation through an information request, acceptance, hand-over and completion', async () => {
      const id = await bokeo.send(victimReferral('VN-MPS'));
      await vn.waitForEvent(id, EVENT_TYPES.referralSubmitted);

      const ack = partnerEvent(
        'VN-MPS',
        EVENT_TYPES.referralAcknowledged,
        { referralId: id, receiverReference: 'VN-HT-2026-77' },
        { referralseq: 1 },
      );
      await vn.publish(ack);
      expect((await vn.waitForAnswer(ack.id)).data).toEqual({ eventId: ack.id, status: 'APPLIED' });

      await vn.act(
        'VN-MPS',
        EVENT_TYPES.referralInfoRequested,
        { referralId: id, question: 'Name of her mother?' },
        2,
      );
      await waitForStatus(bokeo, id, 'INFO_REQUESTED');

      expect((await bokeo.act(id, 'provide-info', { answer: 'Trần Thị Lan' })).status).toBe(200);
      await vn.waitForEvent(id, EVENT_TYPES.referralInfoProvided);

      await vn.act(
        'VN-MPS',
        EVENT_TYPES.referralAccepted,
        { referralId: id, note: 'Nationality verified' },
        4,
      );
      await waitForStatus(bokeo, id, 'ACCEPTED');

      const scheduled = await bokeo.act(id, 'schedule-handover', {
        checkpoint: 'LA-VN-DENSAVANH',
        scheduledAt: '2026-12-10T09:00:00+07:00',
        escorts: [{ name: 'Souksavanh P.', agency: 'LA-PROTECTION-CENTRE' }],
      });
      expect(scheduled.status).toBe(200);
      await vn.waitForEvent(id, EVENT_TYPES.referralHandoverScheduled);

      await vn.act(
        'VN-MPS',
        EVENT_TYPES.referralCompleted,
        { referralId: id, completedAt: '2026-12-10T10:30:00+07:00' },
        6,
      );
      const final = await waitForStatus(bokeo, id, 'COMPLETED');

      expect(final).toMatchObject({
        referralSeq: 7,
        receiverReference: 'VN-HT-2026-77',
        availableActions: [],
      });
      const seen = vn.eventsOf(id);
      expect(seen.map((e) => [e.referralseq, e.type])).toEqual([
        [1, EVENT_TYPES.referralSubmitted],
        [2, EVENT_TYPES.receipt],
        [3, EVENT_TYPES.receipt],
        [4, EVENT_TYPES.referralInfoProvided],
        [5, EVENT_TYPES.receipt],
        [6, EVENT_TYPES.referralHandoverScheduled],
        [7, EVENT_TYPES.receipt],
      ]);
      const history = await bokeo.get(`/v1/referrals/${id}/history`);
      const changes = history.body.items
        .map((i: any) => i.entry)
        .filter((e: any) => e.action !== 'referral.read')
        .map((e: any) => [e.action, e.actorParty, e.stateBefore, e.stateAfter]);
      expect(changes).toEqual([
        ['referral.create', 'LA-BOKEO-POLICE', null, 'DRAFT'],
        ['referral.submit', 'LA-BOKEO-POLICE', 'DRAFT', 'SUBMITTED'],
        ['referral.acknowledge', 'VN-MPS', 'SUBMITTED', 'ACKNOWLEDGED'],
        ['referral.request-info', 'VN-MPS', 'ACKNOWLEDGED', 'INFO_REQUESTED'],
        ['referral.provide-info', 'LA-BOKEO-POLICE', 'INFO_REQUESTED', 'ACKNOWLEDGED'],
        ['referral.accept', 'VN-MPS', 'ACKNOWLEDGED', 'ACCEPTED'],
        ['referral.schedule-handover', 'LA-BOKEO-POLICE', 'ACCEPTED', 'HANDOVER_SCHEDULED'],
        ['referral.complete', 'VN-MPS', 'HANDOVER_SCHEDULED', 'COMPLETED'],
      ]);
    });

    it('lets a partner reject a suspect hand-off with a coded reason', async () => {
      const id = await bokeo.send(suspectReferral('CN-MPS'));
      await cn.waitForEvent(id, EVENT_TYPES.referralSubmitted);
      await cn.act('CN-MPS', EVENT_TYPES.referralAcknowledged, { referralId: id }, 1);

      const reject = partnerEvent(
        'CN-MPS',
        EVENT_TYPES.referralRejected,
        { referralId: id, reasonCode: 'INSUFFICIENT_INFORMATION', note: 'No passport copy' },
        { referralseq: 2 },
      );
      await cn.publish(reject);

      expect((await cn.waitForAnswer(reject.id)).type).toBe(EVENT_TYPES.receipt);
      const final = await waitForStatus(bokeo, id, 'REJECTED');
      expect(final.closedAt).not.toBeNull();
      expect((await bokeo.act(id, 'withdraw', { reason: 'too late' })).body.code).toBe(
        'invalid-transition',
      );
    });

    it('tells the partner when the sender withdraws', async () => {
      const id = await bokeo.send(victimReferral('VN-MPS'));

      const res = await bokeo.act(id, 'withdraw', {
        reason: 'The victim chose to stay with relatives in Laos.',
      });

      expect(res.status).toBe(200);
      expect(res.body.status).toBe('WITHDRAWN');
      const event = await vn.waitForEvent(id, EVENT_TYPES.referralWithdrawn);
      expect(event).toMatchObject({
        referralseq: 2,
        recipient: 'VN-MPS',
        data: { referralId: id, reason: 'The victim chose to stay with relatives in Laos.' },
      });
    });

    it('tells no partner of a draft withdrawn before it was ever submitted', async () => {
      const draft = await bokeo.createDraft(victimReferral('VN-MPS'));
      const sent = await bokeo.send(victimReferral('VN-MPS'));

      const res = await bokeo.act(draft, 'withdraw', { reason: 'Entered by mistake.' });
      await bokeo.act(sent, 'withdraw', { reason: 'Found in Laos.' });

      expect(res.status).toBe(200);
      expect(res.body.status).toBe('WITHDRAWN');
      await vn.waitForEvent(sent, EVENT_TYPES.referralWithdrawn);
      // Nothing about the draft was ever queued for a partner, so nothing can arrive later.
      const queued = await app
        .get(Transactions)
        .query(`SELECT event_id FROM outbox WHERE referral_id = $1`, [draft]);
      expect(queued).toEqual([]);
      expect(vn.eventsOf(draft)).toEqual([]);
    });

    it("creates a referral a partner submits, and carries the Lao officer's answers back to it", async () => {
      const submit = partnerSubmission('TH-POLICE', victimReferralFromThailand());
      const { referralId } = submit.data;

      await th.publish(submit);

      const receipt = await th.waitForAnswer(submit.id);
      expect(receipt).toMatchObject({
        type: EVENT_TYPES.receipt,
        referralseq: 1,
        subject: referralId,
        data: { status: 'APPLIED' },
      });
      const inbox = await bokeo.get('/v1/referrals?direction=inbound&counterpart=TH-POLICE');
      expect(inbox.body.items.map((r: any) => r.id)).toContain(referralId);
      const seen = await bokeo.get(`/v1/referrals/${referralId}`);
      expect(seen.body).toMatchObject({
        direction: 'inbound',
        from: 'TH-POLICE',
        status: 'SUBMITTED',
        origin: 'kafka',
        availableActions: ['acknowledge'],
      });

      expect(
        (await bokeo.act(referralId, 'acknowledge', { receiverReference: 'BK-IN-1' })).status,
      ).toBe(200);
      expect((await bokeo.act(referralId, 'accept', { note: 'We will receive her.' })).status).toBe(
        200,
      );

      const events = await th.waitFor('acknowledged and accepted', () => {
        const list = th.eventsOf(referralId);
        return list.length >= 3 ? list : undefined;
      });
      expect(events.map((e) => [e.referralseq, e.type, e.source])).toEqual([
        [1, EVENT_TYPES.receipt, '/hub'],
        [2, EVENT_TYPES.referralAcknowledged, '/parties/LA-BOKEO-POLICE'],
        [3, EVENT_TYPES.referralAccepted, '/parties/LA-BOKEO-POLICE'],
      ]);
    });
  });

  describe('partner events the hub must not apply as they come', () => {
    it('applies an event delivered three times once, and answers it once', async () => {
      const id = await bokeo.send(victimReferral('VN-MPS'));
      await vn.waitForEvent(id, EVENT_TYPES.referralSubmitted);
      const ack = partnerEvent(
        'VN-MPS',
        EVENT_TYPES.referralAcknowledged,
        { referralId: id },
        { referralseq: 1 },
      );

      await vn.publish(ack);
      await vn.publish(ack);
      await vn.publish(ack);
      await vn.waitForAnswer(ack.id);
      // A later event on the same partition proves the three copies were all consumed.
      await vn.act(
        'VN-MPS',
        EVENT_TYPES.referralInfoRequested,
        { referralId: id, question: 'Photo?' },
        2,
      );

      const answers = vn.received.filter((r) => r.event.causationid === ack.id);
      expect(answers).toHaveLength(1);
      const history = await bokeo.get(`/v1/referrals/${id}/history`);
      expect(
        history.body.items.filter((i: any) => i.entry.action === 'referral.acknowledge'),
      ).toHaveLength(1);
      expect((await bokeo.get(`/v1/referrals/${id}`)).body.referralSeq).toBe(3);
    });

    /** The records of one produce request, as the partner's system would send them together. */
    function together(
      events: readonly (CloudEvent | { raw: string; marker: string })[],
      key: string,
    ) {
      return vn.sendRawBatch(
        events.map((e) =>
          'raw' in e
            ? {
                key,
                value: e.raw,
                headers: { 'content-type': 'application/cloudevents+json', marker: e.marker },
              }
            : {
                key,
                value: JSON.stringify(signEvent(e, partnerKey('VN'), partnerKid('VN'))),
                headers: { 'content-type': 'application/cloudevents+json', ce_id: e.id },
              },
        ),
      );
    }

    /** A referral submitted to VN-MPS, once the partner has received it. */
    async function submittedToVietnam(): Promise<string> {
      const id = await bokeo.send(victimReferral('VN-MPS'));
      await vn.waitForEvent(id, EVENT_TYPES.referralSubmitted);
      return id;
    }

    const fromVietnam = (type: string, data: Record<string, unknown>, seen: number) =>
      partnerEvent('VN-MPS', type, data, { referralseq: seen });

    it('applies records that arrive together in their order, each answered once', async () => {
      const id = await submittedToVietnam();
      const ack = fromVietnam(EVENT_TYPES.referralAcknowledged, { referralId: id }, 1);
      const question = fromVietnam(
        EVENT_TYPES.referralInfoRequested,
        { referralId: id, question: 'Which village?' },
        2,
      );
      const note = fromVietnam(
        EVENT_TYPES.messagePosted,
        {
          referralId: id,
          messageId: randomUUID(),
          author: 'Lt. Pham',
          language: 'vi',
          body: 'Chào',
        },
        3,
      );

      await together([ack, ack, question, note], id);
      await vn.waitForAnswer(note.id);

      for (const event of [ack, question, note]) {
        const answers = vn.received.filter((r) => r.event.causationid === event.id);
        expect(answers.map((r) => r.event.type)).toEqual([EVENT_TYPES.receipt]);
      }
      const referral = await bokeo.get(`/v1/referrals/${id}`);
      expect(referral.body).toMatchObject({ status: 'INFO_REQUESTED', referralSeq: 4 });
      const messages = await bokeo.get(`/v1/referrals/${id}/messages`);
      expect(messages.body.items.map((m: any) => m.body)).toEqual(['Chào']);
      // Ordinary traffic that arrives together is applied in one transaction (one commit).
      const rows = await app
        .get(Transactions)
        .query<{ tx: string }>(
          `SELECT DISTINCT xmin::text AS tx FROM inbox WHERE event_id = ANY($1::text[])`,
          [[ack.id, question.id, note.id]],
        );
      expect(rows).toHaveLength(1);
    });

    it('answers every record that arrives together when one is refused and one is unusable', async () => {
      const id = await submittedToVietnam();
      const ack = fromVietnam(EVENT_TYPES.referralAcknowledged, { referralId: id }, 1);
      const early = fromVietnam(
        EVENT_TYPES.referralCompleted,
        { referralId: id, completedAt: '2026-12-10T09:00:00+07:00' },
        2,
      );
      const question = fromVietnam(
        EVENT_TYPES.referralInfoRequested,
        { referralId: id, question: 'Which village?' },
        2,
      );
      const marker = `bad-${randomUUID()}`;

      await together([ack, early, { raw: '{"specversion": ', marker }, question], id);
      await vn.waitForAnswer(question.id);

      const answer = (event: CloudEvent) =>
        vn.received.filter((r) => r.event.causationid === event.id).map((r) => r.event);
      expect(answer(ack).map((e) => e.type)).toEqual([EVENT_TYPES.receipt]);
      expect(answer(early)).toEqual([
        expect.objectContaining({
          type: EVENT_TYPES.eventRejected,
          data: expect.objectContaining({ code: 'invalid-transition' }),
        }),
      ]);
      expect(answer(question).map((e) => e.type)).toEqual([EVENT_TYPES.receipt]);
      const dead = await vn.waitFor('the DLQ record', () =>
        vn.deadLetters().find((r) => r.headers['marker'] === marker),
      );
      expect(dead.headers['mrh-dlq-code']).toBe('malformed-event');
      const history = await bokeo.get(`/v1/referrals/${id}/history`);
      const steps = history.body.items
        .map((i: any) => i.entry)
        .filter((e: any) => e.action !== 'referral.read' && e.action !== 'referral.create');
      expect(steps.map((e: any) => [e.action, e.outcome])).toEqual([
        ['referral.submit', null],
        ['referral.acknowledge', null],
        ['partner-event.refused', 'invalid-transition'],
        ['referral.request-info', null],
      ]);
    });

    it('refuses an action the current state does not allow with invalid-transition', async () => {
      const id = await bokeo.send(victimReferral('VN-MPS'));
      await vn.waitForEvent(id, EVENT_TYPES.referralSubmitted);
      const early = partnerEvent(
        'VN-MPS',
        EVENT_TYPES.referralAccepted,
        { referralId: id },
        { referralseq: 1 },
      );

      await vn.publish(early);

      const answer = await vn.waitForAnswer(early.id);
      expect(answer).toMatchObject({
        type: EVENT_TYPES.eventRejected,
        recipient: 'VN-MPS',
        data: { eventId: early.id, code: 'invalid-transition' },
      });
      expect((await bokeo.get(`/v1/referrals/${id}`)).body.status).toBe('SUBMITTED');
    });

    it('refuses a decision taken on stale state', async () => {
      const id = await bokeo.send(victimReferral('VN-MPS'));
      await vn.act('VN-MPS', EVENT_TYPES.referralAcknowledged, { referralId: id }, 1);
      const stale = partnerEvent(
        'VN-MPS',
        EVENT_TYPES.referralAccepted,
        { referralId: id },
        { referralseq: 1 },
      );

      await vn.publish(stale);

      expect((await vn.waitForAnswer(stale.id)).data).toMatchObject({ code: 'stale-state' });
    });

    it('refuses, and dead-letters, an event on from.TH that claims a Vietnamese source', async () => {
      const id = await bokeo.send(victimReferral('VN-MPS'));
      const forged = partnerEvent(
        'VN-MPS',
        EVENT_TYPES.referralAcknowledged,
        { referralId: id },
        { referralseq: 1 },
      );

      await th.publish(forged);

      const dead = await th.waitFor('the DLQ record', () =>
        th.deadLetters().find((r) => r.event.id === forged.id),
      );
      expect(dead.headers).toMatchObject({
        'mrh-dlq-code': 'foreign-source',
        'mrh-dlq-original-topic': 'referral-hub.from.TH',
      });
      // Unchanged: the record as the partner sent it (signed by TH, claiming VN).
      expect(JSON.parse(dead.raw)).toEqual({ ...forged, jws: expect.any(String) });
      expect((await bokeo.get(`/v1/referrals/${id}`)).body.status).toBe('SUBMITTED');
    });

    it.each([
      [
        'malformed JSON',
        '{"specversion": "1.0", "id": ',
        'application/cloudevents+json',
        'malformed-event',
      ],
      ['a wrong content type', '{}', 'text/plain', 'unsupported-content-type'],
      ['binary-mode (no structured content type)', '{}', undefined, 'unsupported-content-type'],
    ])(
      'dead-letters %s with its reason and goes on with the next record',
      async (_what, value, contentType, code) => {
        const id = await bokeo.send(victimReferral('VN-MPS'));
        const marker = `bad-${randomUUID()}`;

        await vn.sendRaw(id, value, {
          ...(contentType && { 'content-type': contentType }),
          marker,
        });
        const next = partnerEvent(
          'VN-MPS',
          EVENT_TYPES.referralAcknowledged,
          { referralId: id },
          { referralseq: 1 },
        );
        await vn.publish(next);

        const dead = await vn.waitFor('the DLQ record', () =>
          vn.deadLetters().find((r) => r.headers['marker'] === marker),
        );
        expect(dead.headers['mrh-dlq-code']).toBe(code);
        expect(dead.headers['mrh-dlq-detail']).toEqual(expect.any(String));
        expect(dead.headers['mrh-dlq-original-offset']).toMatch(/^\d+$/);
        expect(dead.raw).toBe(value);
        expect(dead.key).toBe(id);
        expect((await vn.waitForAnswer(next.id)).type).toBe(EVENT_TYPES.receipt);
      },
    );

    it('dead-letters a schema-invalid payload and tells the partner which fields are wrong', async () => {
      const id = await bokeo.send(victimReferral('VN-MPS'));
      await vn.act('VN-MPS', EVENT_TYPES.referralAcknowledged, { referralId: id }, 1);
      const bad = partnerEvent(
        'VN-MPS',
        EVENT_TYPES.referralRejected,
        { referralId: id, reasonCode: 'BECAUSE' },
        { referralseq: 2 },
      );

      await vn.publish(bad);

      const answer = await vn.waitForAnswer(bad.id);
      expect(answer.data).toMatchObject({
        code: 'invalid-data',
        errors: [expect.objectContaining({ path: 'data.reasonCode' })],
      });
      const dead = await vn.waitFor('the DLQ record', () =>
        vn.deadLetters().find((r) => r.event.id === bad.id),
      );
      expect(dead.headers['mrh-dlq-code']).toBe('invalid-data');
      expect((await bokeo.get(`/v1/referrals/${id}`)).body.status).toBe('ACKNOWLEDGED');
    });

    describe('signatures', () => {
      it('signs every event the hub emits with its registered key', async () => {
        const id = await bokeo.send(victimReferral('VN-MPS'));

        const event = await vn.waitForEvent(id, EVENT_TYPES.referralSubmitted);

        const hubKey = JSON.parse(
          readFileSync(join(__dirname, '..', '..', '.dev', 'keys', 'hub.public.jwk'), 'utf8'),
        );
        const keys = new Map([
          [hubKey.kid as string, createPublicKey({ key: hubKey, format: 'jwk' })],
        ]);
        expect(verifyEventSignature(event as unknown as Record<string, unknown>, keys)).toEqual({
          ok: true,
          kid: hubKey.kid,
        });
        expect(
          verifyEventSignature({ ...event, data: { ...event.data, to: 'CN-MPS' } }, keys).ok,
        ).toBe(false);
      });

      it.each([
        ['unsigned', (e: Record<string, unknown>) => e],
        [
          'signed with a key the hub does not know',
          (e: Record<string, unknown>) =>
            signEvent(e as any, generateKeyPairSync('ed25519').privateKey, partnerKid('VN')),
        ],
        [
          'signed, then changed (a replay with changes)',
          (e: Record<string, unknown>) => ({
            ...signEvent(e as any, partnerKey('VN'), partnerKid('VN')),
            referralseq: 0,
          }),
        ],
      ])(
        'refuses an event %s: bad-signature, dead-lettered, not applied',
        async (_what, prepare) => {
          const id = await bokeo.send(victimReferral('VN-MPS'));
          const ack = partnerEvent(
            'VN-MPS',
            EVENT_TYPES.referralAcknowledged,
            { referralId: id },
            { referralseq: 1 },
          );

          await vn.publish(prepare(ack as any) as any, id, false);

          const answer = await vn.waitForAnswer(ack.id);
          expect(answer).toMatchObject({
            type: EVENT_TYPES.eventRejected,
            data: { code: 'bad-signature' },
          });
          const dead = await vn.waitFor('the DLQ record', () =>
            vn.deadLetters().find((r) => r.event.id === ack.id),
          );
          expect(dead.headers['mrh-dlq-code']).toBe('bad-signature');
          expect((await bokeo.get(`/v1/referrals/${id}`)).body.status).toBe('SUBMITTED');
        },
      );
    });

    it('refuses an id reused for a different payload and keeps the first', async () => {
      const id = await bokeo.send(victimReferral('VN-MPS'));
      const ack = await vn.act('VN-MPS', EVENT_TYPES.referralAcknowledged, { referralId: id }, 1);

      await vn.publish({ ...ack, data: { referralId: id, receiverReference: 'changed' } });

      const dead = await vn.waitFor('the DLQ record', () =>
        vn.deadLetters().find((r) => r.event.id === ack.id),
      );
      expect(dead.headers['mrh-dlq-code']).toBe('duplicate-event-id');
      expect((await bokeo.get(`/v1/referrals/${id}`)).body.receiverReference).toBeNull();
    });
  });
});
