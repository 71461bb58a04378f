/**
 * A party code: the party's ISO 3166-1 alpha-2 country first, then one or more agency segments,
 * e.g. `LA-BOKEO-POLICE`, `TH-POLICE`. Binding for partners (contract v1, "Parties").
 */
export const PARTY_CODE_PATTERN = /^[A-Z]{2}(-[A-Z0-9]+)+$/;

/** ISO 3166-1 alpha-2 country code, upper case. */
export type CountryCode = string;

/** True when `code` is a well-formed party code (registration is checked separately). */
export function isPartyCode(code: string): boolean {
  return PARTY_CODE_PATTERN.test(code);
}

/** The country a party code belongs to (its first two letters). */
export function countryOfParty(code: string): CountryCode {
  return code.slice(0, 2);
}

/** The CloudEvents `source` of events acted by a party: `/parties/<code>`. */
export function partySource(code: string): string {
  return `/parties/${code}`;
}
