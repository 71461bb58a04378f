import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validatePayload, type FieldError } from '../validation';
import { PersonNameDto } from './person-name.dto';
import { ReferralContent } from './referral-content.dto';
import { SubmittedReferralData } from './submitted-referral-data.dto';
import { VictimDto } from './victim.dto';

type Json = Record<string, unknown>;

const EXAMPLES = ['victim-repatriation', 'suspect-handoff'] as const;
type ExampleName = (typeof EXAMPLES)[number];

/** The design's examples, copied beside this spec so the suite runs in any checkout. */
function example(name: ExampleName): Json {
  return JSON.parse(readFileSync(join(__dirname, 'examples', `${name}.json`), 'utf8')) as Json;
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

function errorsOf(plain: unknown, type = ReferralContent): FieldError[] {
  const result = validatePayload(type, plain);
  return result.ok ? [] : result.errors;
}

function pathsOf(plain: unknown): string[] {
  return errorsOf(plain).map((error) => error.path);
}

function validValue(plain: unknown): ReferralContent {
  const result = validatePayload(ReferralContent, plain);
  if (!result.ok)
    throw new Error(`expected a valid referral, got ${JSON.stringify(result.errors)}`);
  return result.value;
}

/** `YYYY-MM-DD` of today (UTC) minus `years` and `days`. */
function dateAgo(years: number, days = 0): string {
  const date = new Date();
  date.setUTCFullYear(date.getUTCFullYear() - years);
  date.setUTCDate(date.getUTCDate() - days);
  return date.toISOString().slice(0, 10);
}

const victimExample = (): Json => example('victim-repatriation');
const suspectExample = (): Json => example('suspect-handoff');

describe(ReferralContent.name, () => {
  describe('the design examples', () => {
    it.each(EXAMPLES)('%s validates with zero errors', (name) => {
      expect(errorsOf(example(name))).toEqual([]);
    });

    it.each(EXAMPLES)('%s is the same JSON as the design folder holds', (name) => {
      const original = join(__dirname, '../../../../../shared/design/examples', `${name}.json`);
      // The design folder sits beside every checkout, CI's included; a copy that drifted from it,
      // or a checkout without it, fails here rather than passing with nothing compared.
      if (!existsSync(original)) {
        throw new Error(`${original} is missing: the design folder must sit beside the repository`);
      }
      expect(example(name)).toEqual(JSON.parse(readFileSync(original, 'utf8')));
    });

    it('turns nested objects into their classes', () => {
      const value = validValue(victimExample());

      expect(value).toBeInstanceOf(ReferralContent);
      expect(value.victim).toBeInstanceOf(VictimDto);
      expect(value.person.names[0]).toBeInstanceOf(PersonNameDto);
    });

    it('gives omitted lists as empty ones', () => {
      const value = validValue(
        withChanges(suspectExample(), {
          relatedReferrals: undefined,
          'person.aliases': undefined,
          'person.documents': null,
          'suspect.linkedVictims': undefined,
        }),
      );

      expect(value.relatedReferrals).toEqual([]);
      expect(value.person.aliases).toEqual([]);
      expect(value.person.documents).toEqual([]);
      expect(value.suspect?.linkedVictims).toEqual([]);
    });
  });

  describe('the guardian rule', () => {
    it('requires a guardian for a 16-year-old', () => {
      const plain = withChanges(victimExample(), {
        'person.birthDate': dateAgo(16, 10),
        'victim.guardian': undefined,
      });

      expect(errorsOf(plain)).toEqual([
        { path: 'victim.guardian', message: 'is required when the person is under 18' },
      ]);
    });

    it('requires a guardian for an estimated age of 15', () => {
      const plain = withChanges(victimExample(), {
        'person.birthDate': undefined,
        'person.estimatedAge': 15,
        'victim.guardian': undefined,
      });

      expect(pathsOf(plain)).toEqual(['victim.guardian']);
    });

    it('treats a null guardian as a missing one', () => {
      const plain = withChanges(victimExample(), { 'victim.guardian': null });

      expect(pathsOf(plain)).toEqual(['victim.guardian']);
    });

    it('still requires a guardian the day before the 18th birthday', () => {
      const plain = withChanges(victimExample(), {
        'person.birthDate': dateAgo(18, -1),
        'victim.guardian': undefined,
      });

      expect(pathsOf(plain)).toEqual(['victim.guardian']);
    });

    it('passes an adult without a guardian', () => {
      const plain = withChanges(victimExample(), {
        'person.birthDate': dateAgo(30),
        'victim.guardian': undefined,
      });

      expect(errorsOf(plain)).toEqual([]);
    });

    it('passes an adult by estimated age without a guardian', () => {
      const plain = withChanges(victimExample(), {
        'person.birthDate': undefined,
        'person.estimatedAge': 25,
        'victim.guardian': undefined,
      });

      expect(errorsOf(plain)).toEqual([]);
    });

    it('validates a guardian given for an adult too', () => {
      const plain = withChanges(victimExample(), {
        'person.birthDate': dateAgo(30),
        'victim.guardian': { relationship: 'mother' },
      });

      expect(pathsOf(plain)).toEqual(['victim.guardian.name']);
    });
  });

  describe('person', () => {
    it('refuses a birth date that does not exist', () => {
      const errors = errorsOf(withChanges(victimExample(), { 'person.birthDate': '2026-02-30' }));

      expect(errors).toEqual([
        { path: 'person.birthDate', message: 'must be a date written YYYY-MM-DD that exists' },
      ]);
    });

    it.each(['2010-5-21', '20100521', '2010-05-21T00:00:00Z', '21/05/2010'])(
      'refuses the birth date %s, not written YYYY-MM-DD',
      (birthDate) => {
        expect(pathsOf(withChanges(victimExample(), { 'person.birthDate': birthDate }))).toEqual([
          'person.birthDate',
        ]);
      },
    );

    it('refuses a birth date in the future', () => {
      const errors = errorsOf(withChanges(victimExample(), { 'person.birthDate': dateAgo(-1, 2) }));

      expect(errors).toEqual([{ path: 'person.birthDate', message: 'must not be in the future' }]);
    });

    it('requires a birth date or an estimated age', () => {
      const errors = errorsOf(withChanges(suspectExample(), { 'person.birthDate': undefined }));

      expect(errors).toEqual([
        { path: 'person.birthDate', message: 'is required unless estimatedAge is given' },
      ]);
    });

    it.each([-1, 121, 16.5, '16'])('refuses the estimated age %p', (estimatedAge) => {
      const plain = withChanges(suspectExample(), {
        'person.birthDate': undefined,
        'person.estimatedAge': estimatedAge,
      });

      expect(pathsOf(plain)).toEqual(['person.estimatedAge']);
    });

    it('refuses a name list without a Latin name', () => {
      const plain = withChanges(suspectExample(), {
        'person.names': [{ script: 'Hani', given: '伟', family: '王' }],
      });

      expect(errorsOf(plain)).toEqual([
        { path: 'person.names', message: 'must include a name in Latin script (Latn)' },
      ]);
    });

    it('refuses an empty name list', () => {
      expect(pathsOf(withChanges(suspectExample(), { 'person.names': [] }))).toEqual([
        'person.names',
      ]);
    });

    it('refuses an unknown script code at its path', () => {
      const plain = withChanges(suspectExample(), {
        'person.names': [
          { script: 'Chinese', given: '伟', family: '王' },
          { script: 'Latn', given: 'Wei', family: 'Wang' },
        ],
      });

      expect(pathsOf(plain)).toEqual(['person.names[0].script']);
    });

    it('refuses a script code in the wrong case', () => {
      const plain = withChanges(suspectExample(), {
        'person.names': [{ script: 'latn', given: 'Wei', family: 'Wang' }],
      });

      expect(pathsOf(plain)).toContain('person.names[0].script');
    });

    it('accepts a person with a single name', () => {
      const plain = withChanges(suspectExample(), {
        'person.names': [{ script: 'Latn', given: 'Aung' }],
      });

      expect(errorsOf(plain)).toEqual([]);
    });

    it('refuses a blank given name', () => {
      const plain = withChanges(suspectExample(), {
        'person.names': [{ script: 'Latn', given: '  ', family: 'Wang' }],
      });

      expect(errorsOf(plain)).toEqual([
        { path: 'person.names[0].given', message: 'must not be blank' },
      ]);
    });

    it.each([
      ['a right-to-left override', 'Wang\u202Egnaw'],
      ['a bidi isolate', '\u2067Wang\u2069'],
      ['a NUL-free C0 control', 'Wang\u0007'],
      ['a C1 control', 'Wang\u0085'],
      ['DEL', 'Wang\u007F'],
    ])('refuses a name with %s, wherever it is', (_what, text) => {
      const plain = withChanges(suspectExample(), {
        'person.names': [{ script: 'Latn', given: text, family: 'Wang' }],
        'person.aliases': [text],
      });

      expect(errorsOf(plain)).toEqual([
        {
          path: 'person.names[0].given',
          message:
            'must not contain control characters or bidirectional embedding, override or isolate controls',
        },
        {
          path: 'person.aliases',
          message:
            'each value must not contain control characters or bidirectional embedding, override or isolate controls',
        },
      ]);
    });

    it('keeps the bidi marks, tabs and line breaks that real text needs', () => {
      const plain = withChanges(suspectExample(), {
        'person.names': [{ script: 'Latn', given: 'Wang\u200E Wei\u200F', family: 'Wang' }],
        summary: 'Line one\n\tLine two\r\n',
      });

      expect(errorsOf(plain)).toEqual([]);
    });

    it.each(['XX', 'la', 'LAO'])('refuses the nationality %s', (nationality) => {
      expect(pathsOf(withChanges(suspectExample(), { 'person.nationality': nationality }))).toEqual(
        ['person.nationality'],
      );
    });

    it('refuses an unknown sex code', () => {
      expect(pathsOf(withChanges(suspectExample(), { 'person.sex': 'female' }))).toEqual([
        'person.sex',
      ]);
    });

    it('accepts BCP 47 language tags and refuses malformed ones', () => {
      const good = withChanges(suspectExample(), {
        'person.languages': ['zh-Hans-CN', 'lo', 'km'],
      });
      const bad = withChanges(suspectExample(), { 'person.languages': ['lo', 'en_US', ''] });

      expect(errorsOf(good)).toEqual([]);
      expect(errorsOf(bad)).toEqual([
        {
          path: 'person.languages',
          message: 'each value must be a BCP 47 language tag such as lo or zh-Hans',
        },
      ]);
    });

    it('refuses a document of an unknown issuing country', () => {
      const plain = withChanges(suspectExample(), {
        'person.documents': [{ type: 'PASSPORT', number: 'E1', issuingCountry: 'ZZ' }],
      });

      expect(pathsOf(plain)).toEqual(['person.documents[0].issuingCountry']);
    });
  });

  describe('unknown and malformed input', () => {
    it('refuses an unknown top-level field by name', () => {
      const errors = errorsOf(withChanges(victimExample(), { status: 'ACCEPTED' }));

      expect(errors).toEqual([{ path: 'status', message: 'is not an accepted field' }]);
    });

    it('refuses an unknown nested field with its path', () => {
      const plain = withChanges(victimExample(), {
        'person.names': [{ script: 'Latn', given: 'Hoa', family: 'Nguyen', middle: 'Thi' }],
      });

      expect(errorsOf(plain)).toEqual([
        { path: 'person.names[0].middle', message: 'is not an accepted field' },
      ]);
    });

    it.each([null, [], 'referral', 42])('refuses %p as a body', (plain) => {
      expect(errorsOf(plain)).toEqual([{ path: '', message: 'must be a JSON object' }]);
    });

    it('refuses a list in place of the person', () => {
      expect(pathsOf(withChanges(victimExample(), { person: [] }))).toEqual(['person']);
    });

    it('refuses a list nested inside a list of objects', () => {
      const plain = withChanges(suspectExample(), {
        'person.names': [[{ script: 'Latn', given: 'Wei', family: 'Wang' }]],
      });

      expect(pathsOf(plain)).toContain('person.names');
    });

    it('reports every offending field, not just the first', () => {
      const plain = withChanges(victimExample(), {
        to: 'vietnam',
        priority: 'SOON',
        relatedReferrals: ['not-a-uuid'],
      });

      expect(pathsOf(plain)).toEqual(['to', 'priority', 'relatedReferrals']);
    });
  });

  describe('sections by referral type', () => {
    it('refuses a suspect section on a victim repatriation, at path suspect', () => {
      const plain = withChanges(victimExample(), { suspect: suspectExample()['suspect'] });

      expect(errorsOf(plain)).toEqual([
        {
          path: 'suspect',
          message: 'belongs to a SUSPECT_HANDOFF referral, not to a VICTIM_REPATRIATION one',
        },
      ]);
    });

    it('refuses a victim section on a suspect hand-off', () => {
      const plain = withChanges(suspectExample(), { victim: victimExample()['victim'] });

      expect(pathsOf(plain)).toEqual(['victim']);
    });

    it('requires both victim and repatriation on a victim repatriation', () => {
      const errors = errorsOf(
        withChanges(victimExample(), { victim: undefined, repatriation: undefined }),
      );

      expect(errors).toEqual([
        { path: 'victim', message: 'is required on a VICTIM_REPATRIATION referral' },
        { path: 'repatriation', message: 'is required on a VICTIM_REPATRIATION referral' },
      ]);
    });

    it('requires a suspect section on a suspect hand-off', () => {
      expect(pathsOf(withChanges(suspectExample(), { suspect: undefined }))).toEqual(['suspect']);
    });

    it('requires the handoff only when surrender at the border is asked', () => {
      const surrender = withChanges(suspectExample(), { handoff: undefined });
      const locate = withChanges(suspectExample(), {
        handoff: undefined,
        'suspect.requestedAction': 'LOCATE',
      });

      expect(errorsOf(surrender)).toEqual([
        {
          path: 'handoff',
          message:
            'is required on a SUSPECT_HANDOFF referral whose suspect.requestedAction is SURRENDER_AT_BORDER',
        },
      ]);
      expect(errorsOf(locate)).toEqual([]);
    });

    it('accepts an information request with its question only', () => {
      const plain = withChanges(suspectExample(), {
        type: 'INFORMATION_REQUEST',
        suspect: undefined,
        handoff: undefined,
        request: { question: 'Please verify that this person is a Chinese national.' },
      });

      expect(errorsOf(plain)).toEqual([]);
    });

    it('reports only the type when the type is unknown', () => {
      expect(pathsOf(withChanges(victimExample(), { type: 'REPATRIATION' }))).toEqual(['type']);
    });

    it('accepts a refusal to share data: consent is enforced on submission, not here', () => {
      const plain = withChanges(victimExample(), { 'victim.consent.dataSharing': false });

      expect(errorsOf(plain)).toEqual([]);
    });

    it('refuses a consent time that is not an RFC 3339 date-time', () => {
      const plain = withChanges(victimExample(), {
        'victim.consent.recordedAt': '2026-11-18 08:30',
      });

      expect(pathsOf(plain)).toEqual(['victim.consent.recordedAt']);
    });

    it('refuses an exploitation type outside the list, and an empty list', () => {
      expect(pathsOf(withChanges(victimExample(), { 'victim.exploitation': ['BEGGING'] }))).toEqual(
        ['victim.exploitation'],
      );
      expect(pathsOf(withChanges(victimExample(), { 'victim.exploitation': [] }))).toEqual([
        'victim.exploitation',
      ]);
    });

    it('refuses a malformed checkpoint code', () => {
      const plain = withChanges(victimExample(), {
        'repatriation.proposedCheckpoint': 'Densavanh',
      });

      expect(pathsOf(plain)).toEqual(['repatriation.proposedCheckpoint']);
    });

    it('accepts linked victims by referral id or reference, not by neither', () => {
      const linked = (linkedVictims: unknown[]): Json =>
        withChanges(suspectExample(), { 'suspect.linkedVictims': linkedVictims });

      expect(
        errorsOf(
          linked([{ referralId: '0b6f3f0e-6c55-4d8e-9a43-3f1f7f1e2a10' }, { reference: 'BK-1' }]),
        ),
      ).toEqual([]);
      expect(errorsOf(linked([{}]))).toEqual([
        {
          path: 'suspect.linkedVictims[0].referralId',
          message: 'is required unless reference is given',
        },
      ]);
    });
  });

  describe('text', () => {
    it('stores a decomposed Vietnamese name NFC-composed', () => {
      const decomposed = 'Nguye\u0302\u0303n';
      const plain = withChanges(victimExample(), {
        'person.names': [{ script: 'Latn', given: 'Thi\u0323 Hoa', family: decomposed }],
        'person.aliases': ['Nguye\u0302\u0303n Hoa'],
        summary: `Found with ${decomposed}.`,
      });

      const value = validValue(plain);

      expect(value.person.names[0]?.family).toBe('Nguyễn');
      expect(value.person.names[0]?.family).toBe(decomposed.normalize('NFC'));
      expect(value.person.names[0]?.family).not.toBe(decomposed);
      expect(value.person.names[0]?.given).toBe('Thị Hoa');
      expect(value.person.aliases).toEqual(['Nguyễn Hoa']);
      expect(value.summary).toBe('Found with Nguyễn.');
    });

    it('keeps Lao, Thai, Khmer and Chinese names exactly as sent', () => {
      const names = [
        { script: 'Latn', given: 'Somchai', family: 'Phommachanh' },
        { script: 'Laoo', given: 'ສົມໃຈ', family: 'ພົມມະຈັນ' },
        { script: 'Thai', given: 'สมใจ', family: 'พรหมจันทร์' },
        { script: 'Khmr', given: 'សុខា', family: 'ចាន់' },
        { script: 'Hani', given: '伟', family: '王' },
      ];

      const value = validValue(withChanges(suspectExample(), { 'person.names': names }));

      expect(value.person.names).toEqual(names);
    });

    it('refuses a huge summary', () => {
      const errors = errorsOf(withChanges(victimExample(), { summary: 'x'.repeat(1_000_000) }));

      expect(errors).toEqual([
        { path: 'summary', message: 'must be shorter than or equal to 4000 characters' },
      ]);
    });

    it('refuses an over-long name and too many aliases', () => {
      const plain = withChanges(victimExample(), {
        'person.names': [{ script: 'Latn', given: 'a'.repeat(201), family: 'Nguyen' }],
        'person.aliases': Array.from({ length: 21 }, (_, i) => `alias ${i}`),
      });

      expect(pathsOf(plain)).toEqual(['person.names[0].given', 'person.aliases']);
    });

    it('refuses a huge list of related referrals', () => {
      const ids = Array.from({ length: 10_000 }, () => '0b6f3f0e-6c55-4d8e-9a43-3f1f7f1e2a10');

      expect(pathsOf(withChanges(victimExample(), { relatedReferrals: ids }))).toEqual([
        'relatedReferrals',
      ]);
    });
  });
});

describe(SubmittedReferralData.name, () => {
  const submitted = (): Json => ({
    ...victimExample(),
    referralId: '0b6f3f0e-6c55-4d8e-9a43-3f1f7f1e2a10',
    from: 'LA-BOKEO-POLICE',
    submittedAt: '2026-11-18T09:00:00+07:00',
  });

  it('accepts the content plus id, sender and submission time', () => {
    expect(errorsOf(submitted(), SubmittedReferralData)).toEqual([]);
  });

  it('keeps the content rules, the guardian rule included', () => {
    const plain = withChanges(submitted(), { 'victim.guardian': undefined });

    expect(errorsOf(plain, SubmittedReferralData).map((e) => e.path)).toEqual(['victim.guardian']);
  });

  it('refuses a missing referralId and a malformed sender', () => {
    const plain = withChanges(submitted(), { referralId: undefined, from: 'bokeo' });

    expect(
      errorsOf(plain, SubmittedReferralData)
        .map((e) => e.path)
        .sort(),
    ).toEqual(['from', 'referralId']);
  });
});
