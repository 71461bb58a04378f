import { EARLIEST_UTC_OFFSET, isIsoDate, todayAt } from './dates';

/** Age from which a person is an adult, for the guardian rule and child-protection handling. */
export const AGE_OF_MAJORITY = 18;

/** What a referral may say about a person's age; either may be absent or malformed. */
export interface AgeFacts {
  /** `YYYY-MM-DD`, when known. */
  birthDate?: unknown;
  /** Whole years, when the birth date is not known. */
  estimatedAge?: unknown;
}

/**
 * True when the person is under 18 by their birth date or by their estimated age: either is
 * enough, so an uncertain age is treated as a child's. "Today" is taken in the last time zone to
 * reach it, so no one is counted an adult before their 18th birthday has begun everywhere.
 * Someone born on 29 February comes of age on 1 March in non-leap years.
 */
export function isMinor(person: AgeFacts, now: Date = new Date()): boolean {
  const { birthDate, estimatedAge } = person;
  if (typeof estimatedAge === 'number' && estimatedAge < AGE_OF_MAJORITY) return true;
  if (!isIsoDate(birthDate)) return false;
  const year = Number(birthDate.slice(0, 4)) + AGE_OF_MAJORITY;
  const comingOfAge = `${String(year).padStart(4, '0')}${birthDate.slice(4)}`;
  return todayAt(EARLIEST_UTC_OFFSET, now) < comingOfAge;
}
