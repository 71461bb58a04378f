import { isIsoDate, todayAt } from '@hub/contracts';
import { CommonError } from '../common/problem/common.error';
import type { StatsPeriod } from './stats-report';

/** Laos' offset (Indochina Time, no daylight saving): the committee's year runs on Lao days. */
export const LAO_UTC_OFFSET = '+07:00';

/**
 * The period asked for: `from` and `to` as given, either defaulting to one year from the other,
 * both to the current calendar year in Laos. Refuses a period that does not end after it starts.
 */
export function resolvePeriod(
  query: { from?: string; to?: string },
  now: Date = new Date(),
): StatsPeriod {
  const { from, to } = query;
  if (from !== undefined) return checked(from, to ?? shiftYears(from, 1));
  if (to !== undefined) return checked(shiftYears(to, -1), to);
  const year = Number(todayAt(7, now).slice(0, 4));
  return checked(`${pad(year)}-01-01`, `${pad(year + 1)}-01-01`);
}

function checked(from: string, to: string): StatsPeriod {
  // Same-length dates compare as strings; a year past 9999 is longer and sorts first: refused.
  if (to <= from) {
    throw new CommonError('validation-failed', 'The period is empty.', [
      { path: 'to', message: 'must be after from' },
    ]);
  }
  return { from, to, utcOffset: LAO_UTC_OFFSET };
}

/** The instant a period's day starts, for comparison with `timestamptz` columns. */
export function startOfDay(date: string): string {
  return `${date}T00:00:00${LAO_UTC_OFFSET}`;
}

/** The same day `years` later or earlier; 29 February becomes 1 March in other years. */
function shiftYears(date: string, years: number): string {
  const year = pad(Number(date.slice(0, 4)) + years);
  const shifted = `${year}${date.slice(4)}`;
  return date.endsWith('-02-29') && !isIsoDate(shifted) ? `${year}-03-01` : shifted;
}

function pad(year: number): string {
  return String(year).padStart(4, '0');
}
