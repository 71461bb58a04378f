import {
  formatDate,
  formatDateTime,
  toWallTime,
  wallTimeToRfc3339,
  zoneOffsetMinutes,
} from './dates';

describe('console dates', () => {
  const instant = '2026-11-18T01:30:00.000Z';

  it('shows an instant in Asia/Vientiane (UTC+07:00) by default zone', () => {
    expect(formatDateTime(instant, 'en', 'Asia/Vientiane')).toBe('18 Nov 2026, 08:30');
  });

  it('shows it in Lao with the lo-LA locale', () => {
    const lao = formatDateTime(instant, 'lo', 'Asia/Vientiane');
    expect(lao).toBe('18 ພະຈິກ 2026, 08:30');
    expect(formatDateTime('2026-12-31T17:05:00Z', 'lo', 'Asia/Vientiane')).toBe(
      '1 ມັງກອນ 2027, 00:05',
    );
    expect(formatDate('2010-05-21', 'lo')).toBe('21 ພຶດສະພາ 2010');
  });

  it('shows the same instant in another zone the user chose', () => {
    expect(formatDateTime(instant, 'en', 'UTC')).toBe('18 Nov 2026, 01:30');
  });

  it('never shifts a calendar date', () => {
    expect(formatDate('2010-05-21', 'en')).toBe('21 May 2010');
  });

  it('turns a wall-clock time in a zone into RFC 3339 with its offset, and back', () => {
    expect(zoneOffsetMinutes(new Date(instant), 'Asia/Vientiane')).toBe(420);
    expect(wallTimeToRfc3339('2026-11-18T08:30', 'Asia/Vientiane')).toBe(
      '2026-11-18T08:30:00+07:00',
    );
    expect(wallTimeToRfc3339('2026-07-01T09:00', 'Europe/London')).toBe(
      '2026-07-01T09:00:00+01:00',
    );
    expect(wallTimeToRfc3339('18/11/2026', 'UTC')).toBeUndefined();
    expect(toWallTime(new Date(instant), 'Asia/Vientiane')).toBe('2026-11-18T08:30');
  });
});
