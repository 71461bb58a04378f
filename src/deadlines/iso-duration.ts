const SECOND_MS = 1000;
const MINUTE_MS = 60 * SECOND_MS;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

/**
 * The subset of ISO 8601 durations deadlines accept: `PnD`, `PTnHnMnS` and their combination
 * (`P1DT12H`), whole numbers only. Years, months and weeks are left out on purpose: a month has
 * no fixed length, and a deadline must mean the same number of hours whatever the date.
 */
const PATTERN = /^P(?:(\d+)D)?(?:T(?=\d)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/;

/**
 * Milliseconds of an ISO 8601 duration such as `PT24H`, `P7D` or `P1DT2H30M`; `undefined` when
 * `text` is not in the supported subset (see {@link PATTERN}) or too large to count exactly.
 * A day is 24 hours: deadlines run on elapsed time, not on calendar days.
 */
export function parseIsoDuration(text: string): number | undefined {
  const match = PATTERN.exec(text);
  // `P` alone matches the pattern with every part absent: it says nothing, so it is refused.
  if (!match || text === 'P') return undefined;
  const [, days, hours, minutes, seconds] = match;
  const total =
    count(days) * DAY_MS +
    count(hours) * HOUR_MS +
    count(minutes) * MINUTE_MS +
    count(seconds) * SECOND_MS;
  return Number.isSafeInteger(total) ? total : undefined;
}

function count(part: string | undefined): number {
  return part === undefined ? 0 : Number(part);
}
