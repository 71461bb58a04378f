import { CommonError } from '../common/problem/common.error';
import { resolvePeriod, startOfDay } from './stats-period';

describe(resolvePeriod.name, () => {
  it('defaults to the calendar year in Laos, which starts 7 hours before UTC', () => {
    expect(resolvePeriod({}, new Date('2025-12-31T16:59:00Z'))).toMatchObject({
      from: '2025-01-01',
      to: '2026-01-01',
    });
    expect(resolvePeriod({}, new Date('2025-12-31T17:00:00Z'))).toMatchObject({
      from: '2026-01-01',
      to: '2027-01-01',
    });
  });

  it('takes one year from `from`, or up to `to`, when only one is given', () => {
    expect(resolvePeriod({ from: '2019-04-01' })).toMatchObject({
      from: '2019-04-01',
      to: '2020-04-01',
    });
    expect(resolvePeriod({ to: '2020-01-01' })).toMatchObject({
      from: '2019-01-01',
      to: '2020-01-01',
    });
  });

  it('moves 29 February to 1 March in a year that has none', () => {
    expect(resolvePeriod({ from: '2020-02-29' }).to).toBe('2021-03-01');
  });

  it('refuses a period that does not end after it starts, naming `to`', () => {
    const attempt = (): unknown => resolvePeriod({ from: '2019-05-01', to: '2019-05-01' });

    expect(attempt).toThrow(CommonError);
    expect(attempt).toThrow(
      expect.objectContaining({ errors: [{ path: 'to', message: 'must be after from' }] }),
    );
  });
});

describe(startOfDay.name, () => {
  it('is midnight in Laos', () => {
    expect(new Date(startOfDay('2019-01-01')).toISOString()).toBe('2018-12-31T17:00:00.000Z');
  });
});
