import { isMinor } from './person-age';

describe(isMinor.name, () => {
  const now = new Date('2026-11-22T12:00:00Z');

  it('counts a 16-year-old as a minor, a 30-year-old not', () => {
    expect(isMinor({ birthDate: '2010-05-21' }, now)).toBe(true);
    expect(isMinor({ birthDate: '1996-05-21' }, now)).toBe(false);
  });

  it('counts a person as a minor until the 18th birthday has begun everywhere', () => {
    // 12:00 UTC on 22 November is still 21 November at UTC−12... until 12:00 UTC.
    expect(isMinor({ birthDate: '2008-11-22' }, new Date('2026-11-22T11:59:00Z'))).toBe(true);
    expect(isMinor({ birthDate: '2008-11-22' }, new Date('2026-11-22T12:00:00Z'))).toBe(false);
    expect(isMinor({ birthDate: '2008-11-23' }, now)).toBe(true);
  });

  it('lets someone born on 29 February come of age on 1 March', () => {
    expect(isMinor({ birthDate: '2008-02-29' }, new Date('2026-02-28T23:00:00Z'))).toBe(true);
    expect(isMinor({ birthDate: '2008-02-29' }, new Date('2026-03-01T23:00:00Z'))).toBe(false);
  });

  it('uses the estimated age, and takes either fact as enough', () => {
    expect(isMinor({ estimatedAge: 15 }, now)).toBe(true);
    expect(isMinor({ estimatedAge: 18 }, now)).toBe(false);
    expect(isMinor({ birthDate: '1990-01-01', estimatedAge: 17 }, now)).toBe(true);
  });

  it('ignores malformed facts', () => {
    expect(isMinor({ birthDate: '2010-02-30' }, now)).toBe(false);
    expect(isMinor({ estimatedAge: '15' }, now)).toBe(false);
    expect(isMinor({}, now)).toBe(false);
  });
});
