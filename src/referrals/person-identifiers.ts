import { isIsoDate } from '@hub/contracts';
import { asRecord } from './person-facts';

/**
 * The identifiers a person is recognised by across referrals, normalised so that the same person
 * written twice yields the same strings: each document as issuing country and number (letters and
 * digits only, upper case), and each name with the birth date (tokens of given and family name
 * folded to lower case without diacritics, sorted, so name order does not matter). No birth date:
 * a name alone is too common to recognise anyone by. These strings are only ever stored as keyed
 * hashes (`consent_person_index`), never in clear.
 */
export function personIdentifiers(content: Record<string, unknown> | null): string[] {
  const person = asRecord(content?.['person']);
  const identifiers = new Set<string>();
  for (const document of asList(person['documents'])) {
    const { number, issuingCountry } = asRecord(document);
    if (typeof number !== 'string' || typeof issuingCountry !== 'string') continue;
    const digits = number
      .normalize('NFKC')
      .toUpperCase()
      .replace(/[^0-9A-Z]/g, '');
    if (digits.length >= 4) identifiers.add(`document:${issuingCountry}:${digits}`);
  }
  const birthDate = person['birthDate'];
  if (isIsoDate(birthDate)) {
    for (const name of asList(person['names'])) {
      const { given, family } = asRecord(name);
      const tokens = foldedTokens([given, family].filter((t) => typeof t === 'string').join(' '));
      if (tokens.length > 0) identifiers.add(`name:${tokens.sort().join(' ')}:${birthDate}`);
    }
  }
  return [...identifiers].sort();
}

/** Lower-case tokens without diacritics (`Nguyễn Thị Đào` → `nguyen`, `thi`, `dao`). */
export function foldedTokens(text: string): string[] {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .split(/[\s\p{P}]+/u)
    .filter((token) => token !== '');
}

function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
