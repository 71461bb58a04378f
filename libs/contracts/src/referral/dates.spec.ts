import { isIsoDate, isNotFutureDate, isRfc3339DateTime, todayAt } from './dates';

describe(isIsoDate.name, () => {
  it.each(['2026-02-28', '2024-02-29', '2000-02-29', '1986-02-03', '2026-12-31'])(
    'accepts %s',
    (date) => expect(isIsoDate(date)).toBe(true),
  );

  it.each([
    '2026-02-30',
    '2026-02-29',
    '1900-02-29',
    '2026-04-31',
    '2026-13-01',
    '2026-00-10',
    '2026-01-00',
    '2026-1-01',
    '20260101',
    '2026-01-01T00:00:00Z',
    ' 2026-01-01',
    '',
    20260101,
    null,
  ])('refuses %p', (date) => expect(isIsoDate(date)).toBe(false));
});

describe(isRfc3339DateTime.name, () => {
  it.each([
    '2026-11-18T08:30:00+07:00',
    '2026-11-18T01:30:00Z',
    '2026-11-18T01:30:00.123456z',
    '2026-11-18t01:30:00-05:30',
  ])('accepts %s', (value) => expect(isRfc3339DateTime(value)).toBe(true));

  it.each([
    '2026-11-18T08:30:00',
    '2026-11-18 08:30:00+07:00',
    '2026-11-18T24:00:00Z',
    '2026-11-18T08:30:60Z',
    '2026-02-30T08:30:00Z',
    '2026-11-18T08:30+07:00',
    '2026-11-18T08:30:00+0700',
    '2026-11-18',
  ])('refuses %s', (value) => expect(isRfc3339DateTime(value)).toBe(false));
});

describe(todayAt.name, () => {
  const now = new Date('2026-11-22T06:15:00Z');

  it('gives the calendar date at an offset', () => {
    expect(todayAt(0, now)).toBe('2026-11-22');
    expect(todayAt(-12, now)).toBe('2026-11-21');
    expect(todayAt(14, now)).toBe('2026-11-22');
    expect(todayAt(14, new Date('2026-11-22T10:00:00Z'))).toBe('2026-11-23');
  });
});

describe(isNotFutureDate.name, () => {
  const now = new Date('2026-11-22T12:00:00Z');

  it('accepts a date that is already today somewhere', () => {
    expect(isNotFutureDate('2026-11-23', now)).toBe(true);
    expect(isNotFutureDate('2026-11-22', now)).toBe(true);
  });

  it('refuses a date that is still to come everywhere', () => {
    expect(isNotFutureDate('2026-11-24', now)).toBe(false);
  });
});
