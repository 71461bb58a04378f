import { parseIsoDuration } from './iso-duration';

const HOUR = 3600_000;

describe(parseIsoDuration.name, () => {
  it.each([
    ['PT24H', 24 * HOUR],
    ['P7D', 7 * 24 * HOUR],
    ['P30D', 30 * 24 * HOUR],
    ['PT2H', 2 * HOUR],
    ['PT90M', 90 * 60_000],
    ['PT45S', 45_000],
    ['P1DT2H30M15S', 26 * HOUR + 30 * 60_000 + 15_000],
    ['PT1H1S', HOUR + 1000],
    ['PT0S', 0],
  ])('reads %s', (text, ms) => {
    expect(parseIsoDuration(text)).toBe(ms);
  });

  it.each([
    ['', 'empty'],
    ['P', 'no part at all'],
    ['PT', 'a time designator without a part'],
    ['P1DT', 'a trailing time designator'],
    ['PT5', 'a number without a unit'],
    ['P1D2H', 'hours without the time designator'],
    ['PT2H1H', 'a unit twice'],
    ['PT30M2H', 'units out of order'],
    ['P1Y', 'years (no fixed length)'],
    ['P1M', 'months (no fixed length)'],
    ['P2W', 'weeks (outside the subset)'],
    ['PT1.5H', 'a fraction'],
    ['PT-1H', 'a negative number'],
    ['pt24h', 'lower case'],
    [' PT24H', 'surrounding blanks'],
    ['24h', 'no designator'],
    [`P${'9'.repeat(20)}D`, 'a number too large to count exactly'],
  ])('refuses %p (%s)', (text) => {
    expect(parseIsoDuration(text)).toBeUndefined();
  });
});
