import { CLOUDEVENTS_CONTENT_TYPE, EVENT_TYPES, HUB_SOURCE } from '@hub/contracts';
import { decodeHubEvent, formatIncoming, formatOutgoing, readHubRecord } from './hub-events';

const REFERRAL = '7f3a2b1c-4d5e-4f60-8a7b-9c0d1e2f3a4b';
const EVENT_ID = '11111111-2222-4333-8444-555555555555';

function receiptJson(extra: Record<string, unknown> = {}, data: object = {}): string {
  return JSON.stringify({
    specversion: '1.0',
    id: 'a6f1c1de-5b1e-4c8e-9f4e-2d0c0b6a7e11',
    source: HUB_SOURCE,
    type: EVENT_TYPES.receipt,
    subject: REFERRAL,
    time: '2026-03-02T02:00:00.000Z',
    datacontenttype: 'application/json',
    recipient: 'TH-POLICE',
    referralseq: 2,
    causationid: EVENT_ID,
    ...extra,
    data: { eventId: EVENT_ID, status: 'APPLIED', ...data },
  });
}

describe('decodeHubEvent', () => {
  it('reads a structured CloudEvent, ignoring attributes and data fields it does not know', () => {
    const decoded = decodeHubEvent(
      Buffer.from(receiptJson({ traceparent: '00-abc' }, { appliedAt: 'later' })),
      `${CLOUDEVENTS_CONTENT_TYPE}; charset=utf-8`,
    );

    expect(decoded.ok).toBe(true);
    if (!decoded.ok) return;
    expect(decoded.event.type).toBe(EVENT_TYPES.receipt);
    expect(decoded.event.referralseq).toBe(2);
    expect(decoded.event.data).toEqual({ eventId: EVENT_ID, status: 'APPLIED' });
  });

  it.each([
    ['no content type', receiptJson(), undefined, 'content-type is absent'],
    ['a binary-mode record', receiptJson(), 'application/json', 'not a CloudEvent'],
    ['no JSON', '{', CLOUDEVENTS_CONTENT_TYPE, 'not JSON'],
    ['an array', '[]', CLOUDEVENTS_CONTENT_TYPE, 'not a JSON object'],
    ['no id', receiptJson({ id: undefined }), CLOUDEVENTS_CONTENT_TYPE, 'id is missing'],
    [
      'a fractional referralseq',
      receiptJson({ referralseq: 1.5 }),
      CLOUDEVENTS_CONTENT_TYPE,
      'referralseq',
    ],
    [
      'a type of a later contract',
      receiptJson({ type: 'mrh.receipt.v2' }),
      CLOUDEVENTS_CONTENT_TYPE,
      'unknown event type mrh.receipt.v2',
    ],
    ['invalid data', receiptJson({}, { status: 'LOST' }), CLOUDEVENTS_CONTENT_TYPE, 'data.status'],
  ])('refuses %s', (_what, value, contentType, reason) => {
    const decoded = decodeHubEvent(value, contentType);

    expect(decoded).toEqual({ ok: false, reason: expect.stringContaining(reason) });
  });
});

describe('readHubRecord', () => {
  it('gives the record as sent, unknown fields kept: the form the hub signed', () => {
    const record = readHubRecord(
      receiptJson({ traceparent: '00-abc' }, { appliedAt: 'later' }),
      CLOUDEVENTS_CONTENT_TYPE,
    );

    expect(record).toEqual({
      ok: true,
      json: expect.objectContaining({
        traceparent: '00-abc',
        data: { eventId: EVENT_ID, status: 'APPLIED', appliedAt: 'later' },
      }),
    });
  });
});

describe('log lines', () => {
  it('say who sent what, with the referral and its number', () => {
    const decoded = decodeHubEvent(receiptJson(), CLOUDEVENTS_CONTENT_TYPE);
    if (!decoded.ok) throw new Error(decoded.reason);

    expect(formatIncoming('TH', decoded.event, 'our acknowledged applied')).toBe(
      'TH ← receipt            7f3a2b1c… seq 2 APPLIED — our acknowledged applied',
    );
    expect(
      formatOutgoing('TH', {
        specversion: '1.0',
        id: EVENT_ID,
        source: '/parties/TH-POLICE',
        type: EVENT_TYPES.referralAcknowledged,
        subject: REFERRAL,
        time: '2026-03-02T02:00:00.000Z',
        datacontenttype: 'application/json',
        recipient: 'LA-BOKEO-POLICE',
        referralseq: 1,
        data: { referralId: REFERRAL },
      }),
    ).toBe('TH → acknowledged       7f3a2b1c… (seen 1) as TH-POLICE to LA-BOKEO-POLICE');
  });
});
