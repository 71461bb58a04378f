/*
 * Dates travel as strings, exactly as the contract writes them, so that a signed event's data
 * survives a round trip unchanged; these predicates decide which strings are acceptable.
 */

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

const RFC_3339_DATE_TIME =
  /^(\d{4}-\d{2}-\d{2})[Tt]([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{1,9})?([Zz]|[+-]([01]\d|2[0-3]):[0-5]\d)$/;

/**
 * True for a calendar date written `YYYY-MM-DD` that exists (`2026-02-30` does not). No other
 * ISO 8601 form (week dates, ordinal dates, times) is accepted.
 */
export function isIsoDate(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const match = ISO_DATE.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  // Date.UTC maps years 0–99 to 1900–1999, so set the year again before comparing.
  date.setUTCFullYear(year);
  return (
    date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day
  );
}

/**
 * True for an RFC 3339 date-time with an explicit offset, e.g. `2026-11-18T08:30:00+07:00`, on a
 * date that exists. Leap seconds (`:60`) are refused: JavaScript and PostgreSQL cannot hold them.
 */
export function isRfc3339DateTime(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const match = RFC_3339_DATE_TIME.exec(value);
  return match !== null && isIsoDate(match[1]);
}

/**
 * Today's calendar date (`YYYY-MM-DD`) at the given UTC offset. Callers pick the offset that
 * errs on the safe side of their rule, since "today" differs across the region's time zones.
 */
export function todayAt(utcOffsetHours: number, now: Date = new Date()): string {
  return new Date(now.getTime() + utcOffsetHours * 3_600_000).toISOString().slice(0, 10);
}

/** UTC+14, where a calendar day starts first: no date that is already today somewhere is later. */
export const LATEST_UTC_OFFSET = 14;

/** UTC−12, where a calendar day starts last. */
export const EARLIEST_UTC_OFFSET = -12;

/** True when the ISO date `date` is not after today anywhere on Earth. */
export function isNotFutureDate(date: string, now: Date = new Date()): boolean {
  return date <= todayAt(LATEST_UTC_OFFSET, now);
}
