import { isIsoDate } from '@hub/contracts';
import { asRecord } from './person-facts';

/**
 * The identifiers a person is recognised by across referrals, normalised so that the same person
 * written twice yields the same strings: each document as issuing country and number (letters and
 * digits only, upper case), and each name with the birth date (tokens of given and family name,
 * sorted so name order does not matter; a Latin name folded to lower case without diacritics, a
 * name in another script kept exact, for there its marks are letters: Lao, Thai and Khmer vowels
 * and tones). No birth date:
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
      const { script, given, family } = asRecord(name);
      const text = [given, family].filter((t) => typeof t === 'string').join(' ');
      const tokens = script === 'Latn' ? foldedTokens(text) : scriptTokens(text);
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

/** Tokens of a name in its own script: NFC, split at spaces and punctuation, nothing dropped. */
function scriptTokens(text: string): string[] {
  return text
    .normalize('NFC')
    .toLowerCase()
    .split(/[\s\p{P}]+/u)
    .filter((token) => token !== '');
}

function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
