import { personFacts } from './person-facts';

const at = new Date('2026-11-20T03:00:00Z');

describe(personFacts.name, () => {
  it('takes sex, nationality and the exploitation types, distinct and sorted', () => {
    expect(
      personFacts(
        {
          person: { sex: 'F', nationality: 'VN', birthDate: '2010-05-21' },
          victim: { exploitation: ['SEXUAL_EXPLOITATION', 'DEBT_BONDAGE', 'DEBT_BONDAGE'] },
        },
        at,
      ),
    ).toEqual({
      sex: 'F',
      nationality: 'VN',
      minor: true,
      exploitationTypes: ['DEBT_BONDAGE', 'SEXUAL_EXPLOITATION'],
    });
  });

  it('counts a minor by estimated age or birth date, and knows nothing when neither is usable', () => {
    expect(personFacts({ person: { estimatedAge: 15 } }, at).minor).toBe(true);
    expect(personFacts({ person: { estimatedAge: 30 } }, at).minor).toBe(false);
    expect(personFacts({ person: { birthDate: '1986-02-03' } }, at).minor).toBe(false);
    expect(personFacts({ person: { birthDate: '2026-02-30' } }, at).minor).toBeNull();
    expect(personFacts({ person: {} }, at).minor).toBeNull();
  });

  it('is a minor until the 18th birthday has begun everywhere', () => {
    const person = { birthDate: '2008-11-20' };
    // 2026-11-20 at 03:00 UTC is still 2026-11-19 at UTC−12.
    expect(personFacts({ person }, at).minor).toBe(true);
    expect(personFacts({ person }, new Date('2026-11-20T12:00:00Z')).minor).toBe(false);
  });

  it('ignores values that are not codes', () => {
    expect(
      personFacts(
        { person: { sex: 'female', nationality: 'Lao' }, victim: { exploitation: 'X' } },
        at,
      ),
    ).toEqual({ sex: null, nationality: null, minor: null, exploitationTypes: [] });
  });
});
