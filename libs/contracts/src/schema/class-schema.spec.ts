import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { ClassConstructor } from 'class-transformer';
import { IsEmail, isUUID, ValidateIf } from 'class-validator';
import { EVENT_DATA_CLASSES } from '../events/event-data-classes';
import { EVENT_TYPES, EVENT_TYPE_VALUES, type EventType } from '../events/event-types';
import { LIFECYCLE_ACTIONS } from '../events/lifecycle-actions';
import { isIsoDate, isRfc3339DateTime } from '../referral/dates';
import { isLanguageTag, IsText } from '../referral/field-rules';
import { ReferralContent } from '../referral/referral-content.dto';
import { validatePayload } from '../validation';
import {
  CONTRACT_CLASSES,
  contractSchemas,
  ISO_3166_ALPHA2_CODES,
  ISO_DATE_PATTERN,
  jsonSchemaOf,
  LANGUAGE_TAG_PATTERN,
  RFC_3339_DATE_TIME_PATTERN,
  schemasOf,
  standaloneSchemaOf,
  UUID_PATTERN,
} from './class-schema';
import type { JsonSchema } from './json-schema';

type Json = Record<string, unknown>;

/** The contract's examples: the design folder's when it is there, else the copies beside the DTOs. */
function example(name: 'victim-repatriation' | 'suspect-handoff'): Json {
  const design = join(__dirname, '../../../../../shared/design/examples', `${name}.json`);
  const copy = join(__dirname, '../referral/examples', `${name}.json`);
  return JSON.parse(readFileSync(existsSync(design) ? design : copy, 'utf8')) as Json;
}

/** A copy of `base` with each dotted path set (or removed, for `undefined`). */
function withChanges(base: Json, changes: Record<string, unknown>): Json {
  const copy = structuredClone(base);
  for (const [path, value] of Object.entries(changes)) {
    const keys = path.split('.');
    const last = keys.pop() as string;
    let node: Json = copy;
    for (const key of keys) node = node[key] as Json;
    if (value === undefined) Reflect.deleteProperty(node, last);
    else node[last] = value;
  }
  return copy;
}

/**
 * A validator as a partner would set one up: Ajv with the standard formats, in its strict mode
 * with types made strict too (not only logged). `strictRequired` stays off, as by default: the
 * cross-field rules require, under `if`/`then`, properties the enclosing schema defines.
 */
function newAjv(): Ajv {
  const ajv = new Ajv({ allErrors: true, strict: true, strictTypes: true, strictRequired: false });
  addFormats(ajv);
  return ajv;
}

const ajv = newAjv();
const validators = new Map<string, ValidateFunction>();

function schemaValidator(type: ClassConstructor<object>, unknownFields: 'refuse' | 'ignore') {
  const key = `${unknownFields}:${type.name}`;
  let validate = validators.get(key);
  if (validate === undefined) {
    validate = ajv.compile(standaloneSchemaOf(type, { unknownFields }));
    validators.set(key, validate);
  }
  return validate;
}

/** Whether the JSON Schema and class-validator accept `plain` as a `type`, in one mode. */
function verdicts(
  type: ClassConstructor<object>,
  plain: unknown,
  unknownFields: 'refuse' | 'ignore' = 'refuse',
): { schema: boolean; classes: boolean } {
  return {
    schema: schemaValidator(type, unknownFields)(plain),
    classes: validatePayload(type, plain, { unknownFields }).ok,
  };
}

const victim = (): Json => example('victim-repatriation');
const suspect = (): Json => example('suspect-handoff');

/** Payloads both the schema and the classes accept. */
const VALID: [string, () => Json][] = [
  ['the victim repatriation example', victim],
  ['the suspect hand-off example', suspect],
  [
    'omitted lists',
    () =>
      withChanges(suspect(), {
        relatedReferrals: undefined,
        'person.aliases': undefined,
        'person.documents': undefined,
        'person.languages': undefined,
        'suspect.linkedVictims': undefined,
      }),
  ],
  [
    'an estimated age instead of a birth date',
    () => withChanges(suspect(), { 'person.birthDate': undefined, 'person.estimatedAge': 40 }),
  ],
  [
    'no hand-over when the action is not a surrender',
    () => withChanges(suspect(), { 'suspect.requestedAction': 'LOCATE', handoff: undefined }),
  ],
  [
    'a victim linked by reference only',
    () => withChanges(suspect(), { 'suspect.linkedVictims': [{ reference: 'BK-1' }] }),
  ],
  [
    'an information request',
    () => ({
      ...withChanges(suspect(), { suspect: undefined, handoff: undefined }),
      type: 'INFORMATION_REQUEST',
      request: { question: 'Is this person registered in Mengla?' },
    }),
  ],
  [
    'a consent refusal (the hub, not the schema, decides on it)',
    () => withChanges(victim(), { 'victim.consent.dataSharing': false }),
  ],
];

/** Payloads both refuse, by the rule named. */
const INVALID: [string, () => Json][] = [
  ['no receiving party', () => withChanges(victim(), { to: undefined })],
  ['a malformed party code', () => withChanges(victim(), { to: 'vn-mps' })],
  ['an unknown referral type', () => withChanges(victim(), { type: 'ASYLUM' })],
  ['a blank summary', () => withChanges(victim(), { summary: '  \n ' })],
  ['a summary over 4000 characters', () => withChanges(victim(), { summary: 'x'.repeat(4001) })],
  [
    'no name in Latin script',
    () => withChanges(victim(), { 'person.names': [{ script: 'Laoo', given: 'ຮວາ' }] }),
  ],
  ['no names at all', () => withChanges(victim(), { 'person.names': [] })],
  ['an unknown script code', () => withChanges(victim(), { 'person.names.0.script': 'Latin' })],
  [
    'neither birth date nor estimated age',
    () => withChanges(suspect(), { 'person.birthDate': undefined }),
  ],
  [
    'an estimated age over 120',
    () => withChanges(suspect(), { 'person.birthDate': undefined, 'person.estimatedAge': 121 }),
  ],
  [
    'a fractional estimated age',
    () => withChanges(suspect(), { 'person.birthDate': undefined, 'person.estimatedAge': 40.5 }),
  ],
  [
    'a date that does not exist',
    () => withChanges(suspect(), { 'person.birthDate': '1986-02-30' }),
  ],
  ['a date in another format', () => withChanges(suspect(), { 'person.birthDate': '03/02/1986' })],
  ['an unassigned country code', () => withChanges(suspect(), { 'person.nationality': 'XX' })],
  ['a lower-case country code', () => withChanges(suspect(), { 'person.nationality': 'cn' })],
  [
    'a language tag with an underscore',
    () => withChanges(suspect(), { 'person.languages': ['zh_CN'] }),
  ],
  ['an unknown document type', () => withChanges(suspect(), { 'person.documents.0.type': 'VISA' })],
  [
    'a related referral that is not a UUID',
    () => withChanges(suspect(), { relatedReferrals: ['BK-1'] }),
  ],
  ['a victim section on a suspect hand-off', () => ({ ...suspect(), victim: victim()['victim'] })],
  [
    'a request section on a victim repatriation',
    () => ({ ...victim(), request: { question: 'Why?' } }),
  ],
  [
    'a victim repatriation without repatriation',
    () => withChanges(victim(), { repatriation: undefined }),
  ],
  [
    'a surrender at the border without hand-over',
    () => withChanges(suspect(), { handoff: undefined }),
  ],
  ['no form of exploitation', () => withChanges(victim(), { 'victim.exploitation': [] })],
  [
    'a repeated form of exploitation',
    () => withChanges(victim(), { 'victim.exploitation': ['OTHER', 'OTHER'] }),
  ],
  [
    'a consent time without offset',
    () => withChanges(victim(), { 'victim.consent.recordedAt': '2026-11-18T08:30:00' }),
  ],
  [
    'a consent that is not a boolean',
    () => withChanges(victim(), { 'victim.consent.dataSharing': 'yes' }),
  ],
  [
    'a linked victim with neither id nor reference',
    () => withChanges(suspect(), { 'suspect.linkedVictims': [{}] }),
  ],
  ['a field the contract does not have', () => ({ ...victim(), injected: true })],
  ['a nested field the contract does not have', () => withChanges(victim(), { 'person.age': 16 })],
];

describe('contract JSON Schemas of ReferralContent', () => {
  it.each(VALID)('accept %s, as the classes do', (_name, plain) => {
    expect(verdicts(ReferralContent, plain())).toEqual({ schema: true, classes: true });
  });

  it.each(INVALID)('refuse %s, as the classes do', (_name, plain) => {
    expect(verdicts(ReferralContent, plain())).toEqual({ schema: false, classes: false });
  });

  it('let unknown fields through when told to ignore them, as events on Kafka do', () => {
    const plain = withChanges(victim(), { injected: true, 'person.age': 16 });

    expect(verdicts(ReferralContent, plain, 'ignore')).toEqual({ schema: true, classes: true });
  });

  it('describe, without enforcing, the rules JSON Schema cannot express', () => {
    const { components } = jsonSchemaOf(ReferralContent);
    const child = withChanges(victim(), { 'victim.guardian': undefined });
    const future = withChanges(suspect(), { 'person.birthDate': '2999-01-01' });

    expect(verdicts(ReferralContent, child)).toEqual({ schema: true, classes: false });
    expect(verdicts(ReferralContent, future)).toEqual({ schema: true, classes: false });
    expect(components['VictimDto']?.properties?.['guardian']?.description).toContain(
      'Required when the person is under 18',
    );
    expect(components['PersonDto']?.properties?.['birthDate']?.description).toContain(
      'not in the future',
    );
  });
});

/** A valid `data` of every event type (the submitted one is built from an example). */
const REFERRAL_ID = '0b6f3f0e-6c55-4d8e-9a43-3f1f7f1e2a10';
const EVENT_ID = '5d0c9a4e-2f57-4a55-8f0e-7f3b2f2b9c41';
const SAMPLES: { [K in EventType]: Json } = {
  [EVENT_TYPES.referralSubmitted]: {
    ...suspect(),
    referralId: REFERRAL_ID,
    from: 'LA-PDPCHT',
    submittedAt: '2026-11-20T10:00:00+07:00',
  },
  [EVENT_TYPES.referralAcknowledged]: { referralId: REFERRAL_ID, receiverReference: 'MPS-77' },
  [EVENT_TYPES.referralInfoRequested]: { referralId: REFERRAL_ID, question: 'Which commune?' },
  [EVENT_TYPES.referralInfoProvided]: { referralId: REFERRAL_ID, answer: 'Kỳ Tân, Kỳ Anh.' },
  [EVENT_TYPES.referralAccepted]: { referralId: REFERRAL_ID, note: 'Centre informed.' },
  [EVENT_TYPES.referralRejected]: { referralId: REFERRAL_ID, reasonCode: 'NOT_OUR_NATIONAL' },
  [EVENT_TYPES.referralHandoverScheduled]: {
    referralId: REFERRAL_ID,
    checkpoint: 'LA-VN-DENSAVANH',
    scheduledAt: '2026-12-10T09:00:00+07:00',
    escorts: [{ name: 'Keo Sengphet', agency: 'LA-PROTECTION-CENTRE' }],
  },
  [EVENT_TYPES.referralCompleted]: {
    referralId: REFERRAL_ID,
    completedAt: '2026-12-10T11:20:00Z',
  },
  [EVENT_TYPES.referralWithdrawn]: { referralId: REFERRAL_ID, reason: 'Returned by herself.' },
  [EVENT_TYPES.referralConsentWithdrawn]: {
    referralId: REFERRAL_ID,
    withdrawnBy: 'VICTIM',
    withdrawnOn: '2026-11-25',
  },
  [EVENT_TYPES.referralConsentRestored]: {
    referralId: REFERRAL_ID,
    restoredOn: '2026-11-28',
    note: 'Consent given again, in writing.',
  },
  [EVENT_TYPES.messagePosted]: {
    referralId: REFERRAL_ID,
    messageId: EVENT_ID,
    author: 'Lt. Phonesavanh',
    language: 'lo',
    body: 'ກະລຸນາສົ່ງສຳເນົາໜັງສືຜ່ານແດນ.',
    attachments: [
      { name: 'passport.pdf', mediaType: 'application/pdf', size: 183_204, sha256: 'a'.repeat(64) },
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
    errors: [{ path: 'data.person.names[0].script', message: 'must be an ISO 15924 script code' }],
  },
  [EVENT_TYPES.auditCheckpoint]: { checkpoint: 'hub/audit\n1042\nq1Z3ZtXcJY0Ff1b4ZkF5kQ==\n' },
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

/** One invalid variant of each event type's data. */
const BROKEN: { [K in EventType]: Json } = {
  [EVENT_TYPES.referralSubmitted]: { ...SAMPLES[EVENT_TYPES.referralSubmitted], from: 'LA' },
  [EVENT_TYPES.referralAcknowledged]: { receiverReference: 'MPS-77' },
  [EVENT_TYPES.referralInfoRequested]: { referralId: REFERRAL_ID, question: ' ' },
  [EVENT_TYPES.referralInfoProvided]: { referralId: REFERRAL_ID, answer: 'x'.repeat(8001) },
  [EVENT_TYPES.referralAccepted]: { referralId: 'BK-2026-0417' },
  [EVENT_TYPES.referralRejected]: { referralId: REFERRAL_ID, reasonCode: 'BUSY' },
  [EVENT_TYPES.referralHandoverScheduled]: {
    ...SAMPLES[EVENT_TYPES.referralHandoverScheduled],
    scheduledAt: '2026-12-10T09:00:00',
  },
  [EVENT_TYPES.referralCompleted]: { referralId: REFERRAL_ID, completedAt: '2026-12-10' },
  [EVENT_TYPES.referralWithdrawn]: { referralId: REFERRAL_ID },
  [EVENT_TYPES.referralConsentWithdrawn]: {
    ...(SAMPLES[EVENT_TYPES.referralConsentWithdrawn] as object),
    withdrawnBy: 'POLICE',
  },
  [EVENT_TYPES.referralConsentRestored]: { referralId: REFERRAL_ID, restoredOn: '2026-11-28' },
  [EVENT_TYPES.messagePosted]: {
    ...SAMPLES[EVENT_TYPES.messagePosted],
    attachments: [{ name: 'a.pdf', mediaType: 'application/pdf', size: 1, sha256: 'ABC' }],
  },
  [EVENT_TYPES.referralOverdue]: { ...SAMPLES[EVENT_TYPES.referralOverdue], step: 'LATE' },
  [EVENT_TYPES.receipt]: { eventId: EVENT_ID, status: 'SEEN' },
  [EVENT_TYPES.eventRejected]: { ...SAMPLES[EVENT_TYPES.eventRejected], code: 'Not_Kebab' },
  [EVENT_TYPES.auditCheckpoint]: { checkpoint: '' },
  [EVENT_TYPES.auditCosigned]: {
    checkpoint: 'hub/audit\n1042\nq1Z3ZtXcJY0Ff1b4ZkF5kQ==\n',
    cosignature: 'witness abc',
  },
  [EVENT_TYPES.auditForkDetected]: {
    ...(SAMPLES[EVENT_TYPES.auditForkDetected] as object),
    consistencyProof: ['not base64'],
  },
};

describe('contract JSON Schemas of event data', () => {
  it.each(EVENT_TYPE_VALUES)('%s: the schema accepts a valid sample, as the class does', (type) => {
    expect(verdicts(EVENT_DATA_CLASSES[type], SAMPLES[type])).toEqual({
      schema: true,
      classes: true,
    });
  });

  it.each(EVENT_TYPE_VALUES)(
    '%s: the schema refuses a broken sample, as the class does',
    (type) => {
      expect(verdicts(EVENT_DATA_CLASSES[type], BROKEN[type])).toEqual({
        schema: false,
        classes: false,
      });
    },
  );

  it.each(Object.entries(LIFECYCLE_ACTIONS).filter(([, spec]) => spec.body !== null))(
    'the %s body is its event data without referralId',
    (_action, { eventType, body }) => {
      const data = SAMPLES[eventType];
      const { referralId: _id, ...plain } = data;

      expect(body).not.toBeNull();
      if (body === null) return;
      expect(verdicts(body, plain)).toEqual({ schema: true, classes: true });
      expect(verdicts(body, data)).toEqual({ schema: false, classes: false });
    },
  );
});

describe(contractSchemas.name, () => {
  const schemas = contractSchemas();

  it('names every contract class and every class they nest, each once', () => {
    for (const type of CONTRACT_CLASSES) expect(schemas[type.name]?.title).toBe(type.name);
    expect(Object.keys(schemas)).toEqual(expect.arrayContaining(['PersonNameDto', 'CountryCode']));
    expect(Object.keys(schemas)).toEqual([...Object.keys(schemas)].sort());
  });

  it('gives every schema a description, since TSDoc is gone at runtime', () => {
    const undescribed = Object.entries(schemas).filter(([, schema]) => !schema.description);

    expect(undescribed.map(([name]) => name)).toEqual([]);
  });

  it('refers to nested classes by name, described through allOf where needed', () => {
    const content = schemas['ReferralContent'];

    expect(content?.properties?.['person']).toEqual({ $ref: '#/components/schemas/PersonDto' });
    expect(content?.properties?.['victim']?.allOf).toEqual([
      { $ref: '#/components/schemas/VictimDto' },
    ]);
    expect(content?.required).toEqual([
      'to',
      'type',
      'priority',
      'senderReference',
      'handlingCode',
      'summary',
      'person',
    ]);
  });

  it('marks lists that may be omitted with their default instead of requiring them', () => {
    const aliases = schemas['PersonDto']?.properties?.['aliases'];

    expect(aliases).toMatchObject({ type: 'array', default: [], maxItems: 20 });
    expect(schemas['PersonDto']?.required).not.toContain('aliases');
  });

  it('puts no keyword beside a $ref, which draft-07 (AsyncAPI 3.0) would ignore', () => {
    const offenders: string[] = [];
    const visit = (schema: unknown, path: string): void => {
      if (typeof schema !== 'object' || schema === null) return;
      const keys = Object.keys(schema);
      if (keys.includes('$ref') && keys.length > 1) offenders.push(path);
      for (const [key, value] of Object.entries(schema)) visit(value, `${path}/${key}`);
    };
    visit(schemas, '');

    expect(offenders).toEqual([]);
  });

  it('is the same on every run', () => {
    expect(JSON.stringify(contractSchemas())).toBe(JSON.stringify(schemas));
  });

  it('lists the assigned country codes the hub accepts', () => {
    expect(ISO_3166_ALPHA2_CODES).toEqual(expect.arrayContaining(['LA', 'TH', 'VN', 'CN', 'KH']));
    expect(ISO_3166_ALPHA2_CODES).not.toContain('XX');
    expect(ISO_3166_ALPHA2_CODES.length).toBeGreaterThan(240);
  });
});

describe('format patterns', () => {
  const matches = (pattern: string, value: string): boolean => new RegExp(pattern, 'u').test(value);

  it.each([
    '0b6f3f0e-6c55-4d8e-9a43-3f1f7f1e2a10',
    '0B6F3F0E-6C55-4D8E-9A43-3F1F7F1E2A10',
    '00000000-0000-0000-0000-000000000000',
    'ffffffff-ffff-ffff-ffff-ffffffffffff',
    '0b6f3f0e-6c55-9d8e-9a43-3f1f7f1e2a10',
    '0b6f3f0e-6c55-4d8e-7a43-3f1f7f1e2a10',
    '0b6f3f0e6c554d8e9a433f1f7f1e2a10',
    'urn:uuid:0b6f3f0e-6c55-4d8e-9a43-3f1f7f1e2a10',
  ])('UUID %s: as IsUUID("all")', (value) => {
    expect(matches(UUID_PATTERN, value)).toBe(isUUID(value, 'all'));
  });

  it.each([
    '2026-11-18T08:30:00+07:00',
    '2026-11-18t08:30:00.123456789z',
    '2026-11-18T08:30:00Z',
    '2026-11-18T08:30:00',
    '2026-11-18T24:00:00Z',
    '2026-11-18T23:59:60Z',
    '2026-11-18 08:30:00Z',
    '2026-11-18T08:30:00+7:00',
  ])('date-time %s: as isRfc3339DateTime (dates that exist aside)', (value) => {
    expect(matches(RFC_3339_DATE_TIME_PATTERN, value)).toBe(isRfc3339DateTime(value));
  });

  it.each(['2026-11-18', '26-11-18', '2026-1-18', '2026-11-18T00:00:00Z'])(
    'date %s: as isIsoDate (dates that exist aside)',
    (value) => {
      expect(matches(ISO_DATE_PATTERN, value)).toBe(isIsoDate(value));
    },
  );

  it.each(['lo', 'zh-Hans-CN', 'en_US', 'en-', ''])(
    'language tag "%s": as isLanguageTag',
    (tag) => {
      expect(matches(LANGUAGE_TAG_PATTERN, tag)).toBe(isLanguageTag(tag));
    },
  );
});

describe(schemasOf.name, () => {
  it('stops at a constraint it has no converter for, rather than leave it out', () => {
    class WithEmail {
      @IsEmail()
      email!: string;
    }

    expect(() => schemasOf([WithEmail])).toThrow(
      'WithEmail.email: no JSON Schema converter for constraint "isEmail"',
    );
  });

  it('stops at a conditional rule nobody described', () => {
    class Undescribed {
      @ValidateIf((o: Undescribed) => o.other !== undefined)
      @IsText(10)
      text?: string;

      @IsText(10)
      other?: string;
    }

    expect(() => schemasOf([Undescribed])).toThrow(
      'Undescribed.text has a conditional rule JSON Schema cannot fully express',
    );
  });

  it('writes additionalProperties: false only when unknown fields are refused', () => {
    const refuse = schemasOf([ReferralContent], { unknownFields: 'refuse' });
    const ignore = schemasOf([ReferralContent], { unknownFields: 'ignore' });

    expect(refuse['PersonDto']?.additionalProperties).toBe(false);
    expect(ignore['PersonDto']).not.toHaveProperty('additionalProperties');
  });

  it('refers with the prefix asked for', () => {
    const schema: JsonSchema = standaloneSchemaOf(ReferralContent);

    expect(schema.$ref).toBe('#/$defs/ReferralContent');
    expect(schema.$defs?.['ReferralContent']?.properties?.['person']).toEqual({
      $ref: '#/$defs/PersonDto',
    });
  });
});
