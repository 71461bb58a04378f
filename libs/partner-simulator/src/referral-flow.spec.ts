import { randomUUID } from 'node:crypto';
import {
  CLOUDEVENTS_CONTENT_TYPE,
  EVENT_DATA_CLASSES,
  EVENT_TYPES,
  HUB_SOURCE,
  isEventType,
  validatePayload,
  type CloudEvent,
} from '@hub/contracts';
import example from '../../contracts/src/referral/examples/victim-repatriation.json';
import { victimRepatriationFixture } from './fixtures';
import { decodeHubEvent } from './hub-events';
import {
  react,
  shortName,
  startSubmission,
  type FlowContext,
  type FlowPolicy,
  type HubEvent,
  type ReferralTrack,
} from './referral-flow';

const REFERRAL = '7f3a2b1c-4d5e-4f60-8a7b-9c0d1e2f3a4b';
const LAO = 'LA-BOKEO-POLICE';
const OURS = 'KH-MOI';
const NOW = new Date('2026-03-02T02:00:00Z');

const DEFAULT_POLICY: FlowPolicy = {
  decision: 'accept',
  rejectReason: 'INSUFFICIENT_INFORMATION',
  handover: true,
  complete: true,
  confirmDelivery: false,
};

function context(policy: Partial<FlowPolicy> = {}): FlowContext {
  let next = 0;
  return {
    country: 'KH',
    policy: { ...DEFAULT_POLICY, ...policy },
    newId: () => `00000000-0000-4000-8000-${String(++next).padStart(12, '0')}`,
    now: () => NOW,
  };
}

/** A hub event as it would arrive on Kafka, decoded the way the partner system decodes it. */
function fromHub(type: string, data: object, attributes: Partial<CloudEvent> = {}): HubEvent {
  const json = JSON.stringify({
    specversion: '1.0',
    id: randomUUID(),
    source: HUB_SOURCE,
    type,
    subject: REFERRAL,
    time: NOW.toISOString(),
    datacontenttype: 'application/json',
    recipient: OURS,
    ...attributes,
    data,
  });
  const decoded = decodeHubEvent(json, CLOUDEVENTS_CONTENT_TYPE);
  if (!decoded.ok) throw new Error(decoded.reason);
  return decoded.event;
}

/** The Lao officer's referral to KH-MOI, as the hub forwards it (change 1). */
function submitted(attributes: Partial<CloudEvent> = {}): HubEvent {
  const data = {
    ...example,
    to: OURS,
    referralId: REFERRAL,
    from: LAO,
    submittedAt: '2026-03-02T08:30:00+07:00',
  };
  return fromHub(EVENT_TYPES.referralSubmitted, data, {
    source: `/parties/${LAO}`,
    referralseq: 1,
    ...attributes,
  });
}

function receipt(ours: CloudEvent<object>, seq: number): HubEvent {
  return fromHub(
    EVENT_TYPES.receipt,
    { eventId: ours.id, status: 'APPLIED' },
    { referralseq: seq, causationid: ours.id, recipient: partyOf(ours) },
  );
}

function rejection(ours: CloudEvent<object>, code: string): HubEvent {
  return fromHub(
    EVENT_TYPES.eventRejected,
    { eventId: ours.id, code, detail: `The hub says ${code}.` },
    { causationid: ours.id, recipient: partyOf(ours) },
  );
}

/** A business event of the Lao officer, forwarded by the hub with its change number. */
function laoEvent(type: string, data: object, seq: number): HubEvent {
  return fromHub(
    type,
    { referralId: REFERRAL, ...data },
    { source: `/parties/${LAO}`, referralseq: seq },
  );
}

function partyOf(event: CloudEvent<object>): string {
  return event.source.replace('/parties/', '');
}

/**
 * Plays the hub for a whole flow: forwards the submission, applies every answer with the next
 * change number and answers an information request the way a Lao officer would.
 */
function playHub(ctx: FlowContext): { answers: CloudEvent<object>[]; track?: ReferralTrack } {
  let seq = 1;
  let track: ReferralTrack | undefined;
  const answers: CloudEvent<object>[] = [];
  const queue: HubEvent[] = [submitted()];
  for (let event = queue.shift(); event !== undefined; event = queue.shift()) {
    const reaction = react(track, event, ctx);
    track = reaction.track;
    const { answer } = reaction;
    if (answer === undefined) continue;
    answers.push(answer);
    queue.push(receipt(answer, ++seq));
    if (answer.type === EVENT_TYPES.referralInfoRequested) {
      queue.push(laoEvent(EVENT_TYPES.referralInfoProvided, { answer: 'Here it is.' }, ++seq));
    }
  }
  return { answers, ...(track !== undefined && { track }) };
}

/** `[short type, referralseq]` of each answer: the flow at a glance. */
function steps(answers: readonly CloudEvent<object>[]): [string, number | undefined][] {
  return answers.map((a) => [shortName(a.type), a.referralseq]);
}

describe('the partner flow (receiving a Lao referral)', () => {
  it('acknowledges, accepts, schedules the hand-over and completes, each on the latest seq', () => {
    const { answers, track } = playHub(context());

    expect(steps(answers)).toEqual([
      ['acknowledged', 1],
      ['accepted', 2],
      ['handover-scheduled', 3],
      ['completed', 4],
    ]);
    expect(track).toMatchObject({ status: 'COMPLETED', closed: 'COMPLETED', lastSeq: 5 });
  });

  it('builds every answer as the contract says: envelope, addressing and valid data', () => {
    const { answers } = playHub(context());

    for (const answer of answers) {
      expect(answer).toMatchObject({
        specversion: '1.0',
        source: `/parties/${OURS}`,
        subject: REFERRAL,
        recipient: LAO,
        datacontenttype: 'application/json',
        time: NOW.toISOString(),
        data: { referralId: REFERRAL },
      });
      expect(answer.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(isEventType(answer.type)).toBe(true);
      if (!isEventType(answer.type)) continue;
      const checked = validatePayload(EVENT_DATA_CLASSES[answer.type], answer.data);
      expect(checked.ok ? [] : checked.errors).toEqual([]);
    }
    expect(answers[2]?.data).toEqual({
      referralId: REFERRAL,
      checkpoint: 'LA-KH-VEUNKHAM',
      scheduledAt: '2026-03-05T09:00:00+07:00',
      escorts: [expect.objectContaining({ name: expect.any(String) })],
    });
  });

  it('leaves out the hand-over or the completion when told to', () => {
    expect(steps(playHub(context({ handover: false })).answers)).toEqual([
      ['acknowledged', 1],
      ['accepted', 2],
      ['completed', 3],
    ]);
    const { answers, track } = playHub(context({ handover: false, complete: false }));
    expect(steps(answers)).toEqual([
      ['acknowledged', 1],
      ['accepted', 2],
    ]);
    expect(track).toMatchObject({ status: 'ACCEPTED', lastSeq: 3 });
    expect(track?.closed).toBeUndefined();
  });

  it('rejects with the configured reason code and stops', () => {
    const { answers, track } = playHub(context({ decision: 'reject', rejectReason: 'DUPLICATE' }));

    expect(steps(answers)).toEqual([
      ['acknowledged', 1],
      ['rejected', 2],
    ]);
    expect(answers[1]?.data).toMatchObject({ reasonCode: 'DUPLICATE' });
    expect(track).toMatchObject({ status: 'REJECTED', closed: 'REJECTED' });
  });

  it('asks for information, waits for the answer, then accepts on the latest seq', () => {
    const { answers, track } = playHub(context({ decision: 'request-info' }));

    expect(steps(answers)).toEqual([
      ['acknowledged', 1],
      ['info-requested', 2],
      ['accepted', 4],
      ['handover-scheduled', 5],
      ['completed', 6],
    ]);
    expect(track?.status).toBe('COMPLETED');
  });

  it('only acknowledges with decision none', () => {
    const { answers, track } = playHub(context({ decision: 'none' }));

    expect(steps(answers)).toEqual([['acknowledged', 1]]);
    expect(track).toMatchObject({ status: 'ACKNOWLEDGED', lastSeq: 2 });
  });

  it('ignores a referral addressed to another country, and events of referrals it does not know', () => {
    const ctx = context();
    const foreign = react(undefined, submitted({ recipient: 'TH-POLICE' }), ctx);
    expect(foreign).toEqual({ confirmations: [], note: expect.stringContaining('not to us') });

    const unknown = react(
      undefined,
      laoEvent(EVENT_TYPES.referralWithdrawn, { reason: 'x' }, 3),
      ctx,
    );
    expect(unknown.track).toBeUndefined();
    expect(unknown.answer).toBeUndefined();
  });
});

describe('referralseq bookkeeping', () => {
  it('answers with the last number seen, including changes made by the Lao side', () => {
    const ctx = context({ decision: 'request-info' });
    const opened = react(undefined, submitted(), ctx);
    const ack = opened.answer;
    if (ack === undefined) throw new Error('no acknowledgement');
    const asking = react(opened.track, receipt(ack, 2), ctx);
    const question = asking.answer;
    if (question === undefined) throw new Error('no question');
    expect(question.referralseq).toBe(2);
    let track = react(asking.track, receipt(question, 3), ctx).track;
    // The Lao officer posts a case message (change 4), then answers (change 5).
    const message = laoEvent(
      EVENT_TYPES.messagePosted,
      { messageId: randomUUID(), author: 'Lt. Somphone', language: 'lo', body: 'ສະບາຍດີ' },
      4,
    );
    track = react(track, message, ctx).track;
    expect(track?.lastSeq).toBe(4);
    const answered = react(
      track,
      laoEvent(EVENT_TYPES.referralInfoProvided, { answer: 'Ban Donthen.' }, 5),
      ctx,
    );

    expect(answered.answer).toMatchObject({ type: EVENT_TYPES.referralAccepted, referralseq: 5 });
    expect(answered.track).toMatchObject({ status: 'ACKNOWLEDGED', lastSeq: 5 });
  });

  it('notes a gap in the numbers but keeps the highest', () => {
    const ctx = context();
    const opened = react(undefined, submitted(), ctx);
    const ack = opened.answer;
    if (ack === undefined) throw new Error('no acknowledgement');
    const reaction = react(opened.track, receipt(ack, 3), ctx);

    expect(reaction.note).toContain('gap: seq 2 never arrived');
    expect(reaction.answer?.referralseq).toBe(3);
  });

  it('sends no referralseq on a new submission and takes number 1 from its receipt', () => {
    const ctx = context();
    const data = victimRepatriationFixture({
      country: 'KH',
      referralId: REFERRAL,
      from: OURS,
      to: LAO,
      now: NOW,
    });
    const { track, event } = startSubmission(data, ctx);

    expect(event).toMatchObject({
      type: EVENT_TYPES.referralSubmitted,
      source: `/parties/${OURS}`,
      subject: REFERRAL,
      recipient: LAO,
      data: { referralId: REFERRAL, from: OURS, to: LAO },
    });
    expect(event).not.toHaveProperty('referralseq');
    const applied = react(track, receipt(event, 1), ctx);
    expect(applied.answer).toBeUndefined();
    expect(applied.track).toMatchObject({ role: 'sender', status: 'SUBMITTED', lastSeq: 1 });
  });
});

describe('duplicates', () => {
  it('ignores a hub event delivered twice (same source and id)', () => {
    const ctx = context();
    const first = submitted();
    const opened = react(undefined, first, ctx);
    const again = react(opened.track, first, ctx);

    expect(again).toEqual({ track: opened.track, confirmations: [], note: 'duplicate, ignored' });
  });

  it('answers a receipt delivered twice only once', () => {
    const ctx = context();
    const opened = react(undefined, submitted(), ctx);
    const ack = opened.answer;
    if (ack === undefined) throw new Error('no acknowledgement');
    const applied = receipt(ack, 2);
    const once = react(opened.track, applied, ctx);
    const twice = react(once.track, applied, ctx);

    expect(once.answer?.type).toBe(EVENT_TYPES.referralAccepted);
    expect(twice.answer).toBeUndefined();
    expect(twice.track).toBe(once.track);
  });

  it('does not take another submission of a known referral for a new one', () => {
    const ctx = context();
    const opened = react(undefined, submitted(), ctx);
    const other = react(opened.track, submitted(), ctx);

    expect(other.answer).toBeUndefined();
    expect(other.note).toContain('already known');
  });
});

describe('rejections by the hub', () => {
  it('stop the flow: no answer to the rejection, nor to anything after it', () => {
    const ctx = context();
    const opened = react(undefined, submitted(), ctx);
    const ack = opened.answer;
    if (ack === undefined) throw new Error('no acknowledgement');
    const refused = react(opened.track, rejection(ack, 'stale-state'), ctx);

    expect(refused.answer).toBeUndefined();
    expect(refused.note).toBe(
      'REFUSED stale-state, no more answers on it: The hub says stale-state.',
    );
    expect(refused.track?.closed).toContain('stale-state');
    expect(refused.track?.awaiting).toBeUndefined();

    const later = react(
      refused.track,
      laoEvent(EVENT_TYPES.referralInfoProvided, { answer: 'a' }, 3),
      ctx,
    );
    expect(later.answer).toBeUndefined();
    expect(later.note).toContain('no longer worked on');
  });

  it('list the field errors in the note', () => {
    const ctx = context();
    const opened = react(undefined, submitted(), ctx);
    const ack = opened.answer;
    if (ack === undefined) throw new Error('no acknowledgement');
    const event = fromHub(
      EVENT_TYPES.eventRejected,
      {
        eventId: ack.id,
        code: 'invalid-data',
        detail: 'Bad.',
        errors: [{ path: 'data.receiverReference', message: 'is too long' }],
      },
      { causationid: ack.id },
    );

    expect(react(opened.track, event, ctx).note).toContain('(data.receiverReference: is too long)');
  });

  it('a withdrawal while our event is in flight closes the referral; the late receipt changes nothing', () => {
    const ctx = context();
    const opened = react(undefined, submitted(), ctx);
    const ack = opened.answer;
    if (ack === undefined) throw new Error('no acknowledgement');
    const withdrawn = react(
      opened.track,
      laoEvent(EVENT_TYPES.referralWithdrawn, { reason: 'Duplicate.' }, 2),
      ctx,
    );
    const late = react(withdrawn.track, receipt(ack, 3), ctx);

    expect(withdrawn.track?.closed).toBe('WITHDRAWN');
    expect(late.answer).toBeUndefined();
  });
});

describe('delivery confirmations', () => {
  it('confirm each business event received, at once, and never a receipt or a notice', () => {
    const ctx = context({ confirmDelivery: true });
    const first = submitted();
    const opened = react(undefined, first, ctx);
    const ack = opened.answer;
    if (ack === undefined) throw new Error('no acknowledgement');

    expect(opened.confirmations).toEqual([
      expect.objectContaining({
        type: EVENT_TYPES.receipt,
        source: `/parties/${OURS}`,
        recipient: LAO,
        subject: REFERRAL,
        causationid: first.id,
        referralseq: 1,
        data: { eventId: first.id, status: 'DELIVERED' },
      }),
    ]);
    expect(react(opened.track, receipt(ack, 2), ctx).confirmations).toEqual([]);
    expect(react(opened.track, rejection(ack, 'stale-state'), ctx).confirmations).toEqual([]);
  });
});

describe('the partner as sender (--submit)', () => {
  it('answers an information request and closes when the referral completes', () => {
    const ctx = context();
    const data = victimRepatriationFixture({
      country: 'KH',
      referralId: REFERRAL,
      from: OURS,
      to: LAO,
      now: NOW,
    });
    const started = startSubmission(data, ctx);
    let track = react(started.track, receipt(started.event, 1), ctx).track;
    track = react(track, laoEvent(EVENT_TYPES.referralAcknowledged, {}, 2), ctx).track;
    const asked = react(
      track,
      laoEvent(EVENT_TYPES.referralInfoRequested, { question: 'Which village?' }, 3),
      ctx,
    );

    expect(asked.answer).toMatchObject({
      type: EVENT_TYPES.referralInfoProvided,
      referralseq: 3,
      recipient: LAO,
      data: { referralId: REFERRAL, answer: expect.any(String) },
    });
    const answer = asked.answer;
    if (answer === undefined) throw new Error('no answer');
    track = react(asked.track, receipt(answer, 4), ctx).track;
    track = react(track, laoEvent(EVENT_TYPES.referralAccepted, {}, 5), ctx).track;
    const done = react(
      track,
      laoEvent(EVENT_TYPES.referralCompleted, { completedAt: '2026-03-09T10:00:00+07:00' }, 6),
      ctx,
    );
    expect(done.answer).toBeUndefined();
    expect(done.track).toMatchObject({ status: 'COMPLETED', closed: 'COMPLETED', lastSeq: 6 });
  });
});

describe('shortName', () => {
  it('shortens event types for log lines', () => {
    expect(shortName(EVENT_TYPES.referralHandoverScheduled)).toBe('handover-scheduled');
    expect(shortName(EVENT_TYPES.eventRejected)).toBe('event.rejected');
    expect(shortName(EVENT_TYPES.receipt)).toBe('receipt');
    expect(shortName(EVENT_TYPES.messagePosted)).toBe('message.posted');
  });
});

describe("a victim's consent", () => {
  it('withdrawn: restricts our copy and confirms the event (the evidence we were told), even on a closed case; restored: lifts it', () => {
    const ctx = context({ confirmDelivery: true, decision: 'reject' });
    const opened = react(undefined, submitted(), ctx);
    const closed = react(
      opened.track,
      laoEvent(EVENT_TYPES.referralWithdrawn, { reason: 'She went home alone.' }, 2),
      ctx,
    );
    const withdrawal = laoEvent(
      EVENT_TYPES.referralConsentWithdrawn,
      { withdrawnBy: 'GUARDIAN', withdrawnOn: '2026-03-03' },
      3,
    );

    const told = react(closed.track, withdrawal, ctx);
    const lifted = react(
      told.track,
      laoEvent(EVENT_TYPES.referralConsentRestored, { restoredOn: '2026-03-05', note: 'Yes.' }, 4),
      ctx,
    );

    expect(closed.track?.closed).toBe('WITHDRAWN');
    expect(told.track?.restricted).toBe(true);
    expect(told.answer).toBeUndefined();
    expect(told.confirmations).toEqual([
      expect.objectContaining({ data: { eventId: withdrawal.id, status: 'DELIVERED' } }),
    ]);
    expect(told.note).toContain('restricted');
    expect(lifted.track?.restricted).toBeUndefined();
  });
});
