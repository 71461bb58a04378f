import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SubmittedReferralData } from '../referral/submitted-referral-data.dto';
import { validatePayload, type FieldError } from '../validation';
import { EVENT_DATA_CLASSES, validateEventData } from './event-data-classes';
import { EVENT_TYPES, EVENT_TYPE_VALUES, isEventType, type EventType } from './event-types';
import { isLifecycleAction, LIFECYCLE_ACTION_NAMES, LIFECYCLE_ACTIONS } from './lifecycle-actions';
import { MessagePostedData } from './message-posted.dto';
import { ReferralRejectedData, RejectBody } from './reject.dto';

type Json = Record<string, unknown>;

const REFERRAL_ID = '0b6f3f0e-6c55-4d8e-9a43-3f1f7f1e2a10';
const EVENT_ID = '5d0c9a4e-2f57-4a55-8f0e-7f3b2f2b9c41';

const submittedReferral: Json = {
  ...(JSON.parse(
    readFileSync(join(__dirname, '../referral/examples/suspect-handoff.json'), 'utf8'),
  ) as Json),
  referralId: REFERRAL_ID,
  from: 'LA-PDPCHT',
  submittedAt: '2026-11-20T10:00:00+07:00',
};

/** A valid `data` of every event type, with every optional field filled in. */
const SAMPLES: { [K in EventType]: Json } = {
  [EVENT_TYPES.referralSubmitted]: submittedReferral,
  [EVENT_TYPES.referralAcknowledged]: { referralId: REFERRAL_ID, receiverReference: 'MPS-2026-77' },
  [EVENT_TYPES.referralInfoRequested]: {
    referralId: REFERRAL_ID,
    question: 'Which commune is the family registered in?',
  },
  [EVENT_TYPES.referralInfoProvided]: { referralId: REFERRAL_ID, answer: 'Kỳ Tân, Kỳ Anh.' },
  [EVENT_TYPES.referralAccepted]: { referralId: REFERRAL_ID, note: 'Reception centre informed.' },
  [EVENT_TYPES.referralRejected]: {
    referralId: REFERRAL_ID,
    reasonCode: 'NOT_OUR_NATIONAL',
    note: 'No record of this person in the population register.',
  },
  [EVENT_TYPES.referralHandoverScheduled]: {
    referralId: REFERRAL_ID,
    checkpoint: 'LA-VN-DENSAVANH',
    scheduledAt: '2026-12-10T09:00:00+07:00',
    escorts: [{ name: 'Keo Sengphet', agency: 'LA-PROTECTION-CENTRE' }],
  },
  [EVENT_TYPES.referralCompleted]: {
    referralId: REFERRAL_ID,
    completedAt: '2026-12-10T11:20:00+07:00',
    note: 'Received by the Ha Tinh social protection centre.',
  },
  [EVENT_TYPES.referralWithdrawn]: {
    referralId: REFERRAL_ID,
    reason: 'The victim returned home by herself.',
  },
  [EVENT_TYPES.referralConsentWithdrawn]: {
    referralId: REFERRAL_ID,
    withdrawnBy: 'GUARDIAN',
    withdrawnOn: '2026-11-25',
    note: 'Stated by her mother at the Savannakhet shelter.',
  },
  [EVENT_TYPES.referralConsentRestored]: {
    referralId: REFERRAL_ID,
    restoredOn: '2026-11-28',
    note: 'She agreed again after counselling, in writing.',
  },
  [EVENT_TYPES.messagePosted]: {
    referralId: REFERRAL_ID,
    messageId: EVENT_ID,
    author: 'Lt. Phonesavanh',
    language: 'lo',
    body: 'ກະລຸນາສົ່ງສຳເນົາໜັງສືຜ່ານແດນ.',
    attachments: [
      {
        name: 'passport-copy.pdf',
        mediaType: 'application/pdf',
        size: 183_204,
        sha256: 'a'.repeat(64),
      },
    ],
  },
  [EVENT_TYPES.referralOverdue]: {
    referralId: REFERRAL_ID,
    step: 'ACKNOWLEDGE',
    dueAt: '2026-11-21T10:00:00+07:00',
  },
  [EVENT_TYPES.receipt]: { eventId: EVENT_ID, status: 'APPLIED' },
  [EVENT_TYPES.eventRejected]: {
    eventId: 'not-even-a-uuid',
    code: 'validation-failed',
    detail: 'One or more fields are not valid; see errors.',
    errors: [{ path: 'person.names[0].script', message: 'must be an ISO 15924 script code' }],
  },
  [EVENT_TYPES.auditCheckpoint]: {
    checkpoint: 'hub.mekong-referral-hub.la/audit\n1042\nq1Z3ZtXcJY0Ff1b4ZkF5kQ==\n\n— hub Az3f…\n',
  },
  [EVENT_TYPES.auditCosigned]: {
    checkpoint: 'hub/audit\n1042\nq1Z3ZtXcJY0Ff1b4ZkF5kQ==\n',
    cosignature:
      '\u2014 witness.th.example jWbPPwAAAABkGFDLEZMHwSRaJNiIDoe9DYn/zXcrtPHeolMI5OWXEhZCB9dlrDJsX3b2oyin1nPZqhf5nNo0xUe+mbIUBkBIfZ+qnA==',
  },
  [EVENT_TYPES.auditForkDetected]: {
    held: 'hub/audit\n1042\nq1Z3ZtXcJY0Ff1b4ZkF5kQ==\n',
    offered: 'hub/audit\n1042\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n',
    reason: 'same size, another root',
    consistencyProof: ['AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA='],
  },
};

/** A field each event type's data cannot do without. */
const REQUIRED_FIELD: { [K in EventType]: string } = {
  ...(Object.fromEntries(EVENT_TYPE_VALUES.map((type) => [type, 'referralId'])) as {
    [K in EventType]: string;
  }),
  [EVENT_TYPES.receipt]: 'eventId',
  [EVENT_TYPES.eventRejected]: 'eventId',
  [EVENT_TYPES.auditCheckpoint]: 'checkpoint',
  [EVENT_TYPES.auditCosigned]: 'cosignature',
  [EVENT_TYPES.auditForkDetected]: 'offered',
};

function errorsOf(type: EventType, plain: unknown): FieldError[] {
  const result = validatePayload(EVENT_DATA_CLASSES[type], plain);
  return result.ok ? [] : result.errors;
}

function without(plain: Json, field: string): Json {
  const copy = { ...plain };
  Reflect.deleteProperty(copy, field);
  return copy;
}

describe('EVENT_DATA_CLASSES', () => {
  it('has a data class for every event type, and only for those', () => {
    expect(Object.keys(EVENT_DATA_CLASSES).sort()).toEqual([...EVENT_TYPE_VALUES].sort());
    expect(EVENT_DATA_CLASSES[EVENT_TYPES.referralSubmitted]).toBe(SubmittedReferralData);
  });

  it.each(EVENT_TYPE_VALUES)('%s accepts a valid sample', (type) => {
    const result = validatePayload(EVENT_DATA_CLASSES[type], SAMPLES[type]);

    expect(result.ok ? [] : result.errors).toEqual([]);
    expect(result.ok && result.value).toBeInstanceOf(EVENT_DATA_CLASSES[type]);
  });

  it.each(EVENT_TYPE_VALUES)('%s refuses its data without its required id', (type) => {
    const field = REQUIRED_FIELD[type];

    expect(errorsOf(type, without(SAMPLES[type], field)).map((e) => e.path)).toEqual([field]);
  });

  it.each(EVENT_TYPE_VALUES.filter((type) => REQUIRED_FIELD[type] === 'referralId'))(
    '%s refuses a referralId that is not a UUID',
    (type) => {
      expect(errorsOf(type, { ...SAMPLES[type], referralId: 'BK-2026-0417' })).toEqual([
        { path: 'referralId', message: 'must be a UUID' },
      ]);
    },
  );

  it.each(EVENT_TYPE_VALUES)('%s refuses a field the contract does not have', (type) => {
    expect(errorsOf(type, { ...SAMPLES[type], injected: true })).toEqual([
      { path: 'injected', message: 'is not an accepted field' },
    ]);
  });

  it('refuses a rejection reason outside the list', () => {
    const data = { ...SAMPLES[EVENT_TYPES.referralRejected], reasonCode: 'BUSY' };

    expect(errorsOf(EVENT_TYPES.referralRejected, data).map((e) => e.path)).toEqual(['reasonCode']);
  });

  it('refuses a message body over 8000 characters and a malformed attachment hash', () => {
    const sample = SAMPLES[EVENT_TYPES.messagePosted];
    const data = {
      ...sample,
      body: 'ກ'.repeat(8001),
      attachments: [{ name: 'a.pdf', mediaType: 'application/pdf', size: 1, sha256: 'ABC' }],
    };

    expect(errorsOf(EVENT_TYPES.messagePosted, data).map((e) => e.path)).toEqual([
      'body',
      'attachments[0].sha256',
    ]);
  });

  it('leaves message attachments empty when there are none', () => {
    const result = validatePayload(
      MessagePostedData,
      without(SAMPLES[EVENT_TYPES.messagePosted], 'attachments'),
    );

    expect(result.ok && result.value.attachments).toEqual([]);
  });

  it('refuses a hand-over time without an offset', () => {
    const data = {
      ...SAMPLES[EVENT_TYPES.referralHandoverScheduled],
      scheduledAt: '2026-12-10T09:00:00',
    };

    expect(errorsOf(EVENT_TYPES.referralHandoverScheduled, data).map((e) => e.path)).toEqual([
      'scheduledAt',
    ]);
  });

  it('keeps the audit checkpoint byte for byte (no normalisation of signed text)', () => {
    const checkpoint = 'origin\ne\u0301\n';
    const result = validateEventData(EVENT_TYPES.auditCheckpoint, { checkpoint });

    expect(result.ok && result.value.checkpoint).toBe(checkpoint);
  });
});

describe(validateEventData.name, () => {
  it('validates data against the class of its type, with a precise result type', () => {
    const receipt = validateEventData(EVENT_TYPES.receipt, SAMPLES[EVENT_TYPES.receipt]);
    const wrongType = validateEventData(EVENT_TYPES.receipt, SAMPLES[EVENT_TYPES.auditCheckpoint]);

    expect(receipt.ok && receipt.value.status).toBe('APPLIED');
    expect(wrongType.ok ? [] : wrongType.errors.map((e) => e.path)).toEqual([
      'checkpoint',
      'eventId',
      'status',
    ]);
  });
});

describe('EVENT_TYPES', () => {
  it('follows mrh.<noun>.<verb>.v<major> and has no duplicates', () => {
    for (const type of EVENT_TYPE_VALUES) expect(type).toMatch(/^mrh\.[a-z]+(\.[a-z-]+)?\.v\d+$/);
    expect(new Set(EVENT_TYPE_VALUES).size).toBe(EVENT_TYPE_VALUES.length);
    expect(EVENT_TYPE_VALUES).toHaveLength(18);
  });

  it('recognises its own types only', () => {
    expect(isEventType('mrh.referral.submitted.v1')).toBe(true);
    expect(isEventType('mrh.referral.submitted.v2')).toBe(false);
  });
});

describe('LIFECYCLE_ACTIONS', () => {
  it('names the actions as the URLs do', () => {
    expect(LIFECYCLE_ACTION_NAMES).toEqual([
      'submit',
      'acknowledge',
      'request-info',
      'provide-info',
      'accept',
      'reject',
      'schedule-handover',
      'complete',
      'withdraw',
    ]);
    expect(isLifecycleAction('request-info')).toBe(true);
    expect(isLifecycleAction('toString')).toBe(false);
  });

  it('makes each event data class its body plus referralId', () => {
    for (const name of LIFECYCLE_ACTION_NAMES) {
      const { eventType, body } = LIFECYCLE_ACTIONS[name];
      const data = EVENT_DATA_CLASSES[eventType];
      if (body === null) {
        expect(name).toBe('submit');
        continue;
      }
      expect(data.prototype).toBeInstanceOf(body);
    }
    expect(ReferralRejectedData.prototype).toBeInstanceOf(RejectBody);
  });

  it('validates a body without referralId, which comes from the URL', () => {
    const body = without(SAMPLES[EVENT_TYPES.referralRejected], 'referralId');

    expect(validatePayload(LIFECYCLE_ACTIONS.reject.body, body).ok).toBe(true);
    expect(
      validatePayload(LIFECYCLE_ACTIONS.reject.body, SAMPLES[EVENT_TYPES.referralRejected]),
    ).toEqual({
      ok: false,
      errors: [{ path: 'referralId', message: 'is not an accepted field' }],
    });
  });
});
