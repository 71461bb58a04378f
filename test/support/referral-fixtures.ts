import { randomInt } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The product owner's originals beside the checkout (as CI has them); the contract library's
 * copies (kept identical by a unit test) where shared/ is absent.
 */
const SHARED_EXAMPLES = join(__dirname, '..', '..', '..', 'shared', 'design', 'examples');
const EXAMPLES = existsSync(SHARED_EXAMPLES)
  ? SHARED_EXAMPLES
  : join(__dirname, '..', '..', 'libs', 'contracts', 'src', 'referral', 'examples');

/** One of the contract's two example referrals, exactly as published. */
export function example(name: 'victim-repatriation' | 'suspect-handoff'): Record<string, unknown> {
  return JSON.parse(readFileSync(join(EXAMPLES, `${name}.json`), 'utf8')) as Record<
    string,
    unknown
  >;
}

/** A valid victim repatriation to `to`, with `edit` applied (a deep copy each time). */
export function victimReferral(
  to = 'VN-MPS',
  edit: (r: Record<string, any>) => void = () => undefined,
): Record<string, unknown> {
  const referral = example('victim-repatriation');
  referral['to'] = to;
  referral['senderReference'] = `BK-${Math.floor(Math.random() * 1e9)}`;
  edit(referral);
  return referral;
}

/** A valid suspect hand-off to `to`. */
export function suspectReferral(to = 'CN-MPS'): Record<string, unknown> {
  const referral = example('suspect-handoff');
  referral['to'] = to;
  return referral;
}

/**
 * A Thai partner's victim repatriation of a Lao woman to `LA-BOKEO-POLICE` (through Friendship
 * Bridge IV), with `edit` applied.
 */
export function victimReferralFromThailand(
  edit: (r: Record<string, any>) => void = () => undefined,
): Record<string, unknown> {
  return victimReferral('LA-BOKEO-POLICE', (r) => {
    r['person'].nationality = 'LA';
    r['repatriation'].proposedCheckpoint = 'LA-TH-FB4';
    r['repatriation'].homeAddress = { country: 'LA', province: 'Bokeo' };
    edit(r);
  });
}

/**
 * An adult of her own (names, birth date, passport) to put in a victim referral with `edit`: the
 * suites share one database, and a withdrawal of consent refuses every new referral of the same
 * person, so a test that withdraws one must leave the contract's example person untouched.
 */
export function somePerson(): { edit: (r: Record<string, any>) => void; passport: string } {
  const n = randomInt(1_000_000, 9_999_999);
  const passport = `C${n}`;
  const birthDate = `199${n % 10}-0${1 + (n % 9)}-1${n % 10}`;
  return {
    passport,
    edit: (r) => {
      r['person'].names = [
        { script: 'Latn', given: `Thị Hoa ${n}`, family: 'Nguyễn' },
        { script: 'Laoo', given: `ທິ ຮວາ ${n}`, family: 'ງຸຍເອັນ' },
      ];
      r['person'].birthDate = birthDate;
      r['person'].documents = [{ type: 'PASSPORT', number: passport, issuingCountry: 'VN' }];
    },
  };
}
