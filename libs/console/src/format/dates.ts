/** Time zones offered in the console; Laos first (the default). */
export const TIME_ZONES = [
  'Asia/Vientiane',
  'Asia/Bangkok',
  'Asia/Ho_Chi_Minh',
  'Asia/Phnom_Penh',
  'Asia/Shanghai',
  'Asia/Yangon',
  'UTC',
  'Europe/London',
  'Europe/Paris',
  'America/New_York',
] as const;

export const DEFAULT_TIME_ZONE = 'Asia/Vientiane';

export type UiLanguage = 'lo' | 'en';

/** The Intl locale of a console language. */
export function intlLocale(language: UiLanguage): string {
  return language === 'lo' ? 'lo-LA' : 'en-GB';
}

/**
 * Lao month names. Browsers' own Lao date data cannot be relied on: Chromium's ICU, for one,
 * has none and silently formats `lo-LA` in English. So Lao dates are composed here from numbers
 * that every browser computes right (the time zone arithmetic stays Intl's).
 */
const LAO_MONTHS = [
  'ມັງກອນ',
  'ກຸມພາ',
  'ມີນາ',
  'ເມສາ',
  'ພຶດສະພາ',
  'ມິຖຸນາ',
  'ກໍລະກົດ',
  'ສິງຫາ',
  'ກັນຍາ',
  'ຕຸລາ',
  'ພະຈິກ',
  'ທັນວາ',
] as const;

/** Year, month (1–12), day, hour and minute of `instant` on a wall clock in `timeZone`. */
function wallClock(
  instant: Date,
  timeZone: string,
): { year: number; month: number; day: number; hour: number; minute: number } {
  const shifted = new Date(instant.getTime() + zoneOffsetMinutes(instant, timeZone) * 60_000);
  return {
    year: shifted.getUTCFullYear(),
    month: shifted.getUTCMonth() + 1,
    day: shifted.getUTCDate(),
    hour: shifted.getUTCHours(),
    minute: shifted.getUTCMinutes(),
  };
}

function laoDate(year: number, month: number, day: number): string {
  return `${day} ${LAO_MONTHS[month - 1] ?? String(month)} ${year}`;
}

/** A date-time (RFC 3339) shown in the user's time zone and language (24-hour clock). */
export function formatDateTime(iso: string, language: UiLanguage, timeZone: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  if (language === 'lo') {
    const t = wallClock(date, timeZone);
    const time = `${String(t.hour).padStart(2, '0')}:${String(t.minute).padStart(2, '0')}`;
    return `${laoDate(t.year, t.month, t.day)}, ${time}`;
  }
  return new Intl.DateTimeFormat(intlLocale(language), {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone,
  }).format(date);
}

/** A calendar date (`YYYY-MM-DD`): the same day everywhere, so never shifted by a time zone. */
export function formatDate(isoDate: string, language: UiLanguage): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDate);
  if (!match) return isoDate;
  if (language === 'lo') return laoDate(Number(match[1]), Number(match[2]), Number(match[3]));
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return new Intl.DateTimeFormat(intlLocale(language), {
    dateStyle: 'medium',
    timeZone: 'UTC',
  }).format(date);
}

/** Offset of `timeZone` from UTC at `instant`, in minutes (Vientiane: +420). */
export function zoneOffsetMinutes(instant: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(instant);
  const get = (type: string): number => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const asUtc = Date.UTC(
    get('year'),
    get('month') - 1,
    get('day'),
    get('hour'),
    get('minute'),
    get('second'),
  );
  return Math.round((asUtc - Math.floor(instant.getTime() / 1000) * 1000) / 60_000);
}

/**
 * The RFC 3339 date-time (with the zone's offset) of a `datetime-local` value read as a wall
 * clock time in `timeZone`: `2026-11-18T08:30` in Asia/Vientiane is `2026-11-18T08:30:00+07:00`.
 * Undefined for a value that is not `YYYY-MM-DDTHH:mm[:ss]`.
 */
export function wallTimeToRfc3339(value: string, timeZone: string): string | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value);
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s = '00'] = match;
  const wall = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  // The offset at the instant itself; a second pass settles wall times next to a DST change.
  let offset = zoneOffsetMinutes(new Date(wall), timeZone);
  offset = zoneOffsetMinutes(new Date(wall - offset * 60_000), timeZone);
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  const hh = String(Math.floor(abs / 60)).padStart(2, '0');
  const mm = String(abs % 60).padStart(2, '0');
  return `${y}-${mo}-${d}T${h}:${mi}:${s}${sign}${hh}:${mm}`;
}

/** `datetime-local` value (`YYYY-MM-DDTHH:mm`) of an instant as a wall clock in `timeZone`. */
export function toWallTime(instant: Date, timeZone: string): string {
  const shifted = new Date(instant.getTime() + zoneOffsetMinutes(instant, timeZone) * 60_000);
  return shifted.toISOString().slice(0, 16);
}
