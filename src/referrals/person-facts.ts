import { isIsoDate, isMinor } from '@hub/contracts';

/**
 * The non-identifying facts about a referral's person that the yearly figures count, stored in
 * clear beside the sealed content (`referrals.person_sex`, `person_nationality`, `person_minor`,
 * `exploitation_types`). They outlive an erasure of the personal data on purpose: the committee's
 * figures keep counting the case without being able to say who it was.
 */
export interface PersonFacts {
  sex: string | null;
  nationality: string | null;
  /** Under 18 at `at` by birth date or estimated age; null when neither is usable. */
  minor: boolean | null;
  /** `victim.exploitation`, distinct and sorted. */
  exploitationTypes: string[];
}

/** Derives {@link PersonFacts} from a referral's content as of `at` (its submission, else creation). */
export function personFacts(content: Record<string, unknown>, at: Date): PersonFacts {
  const person = asRecord(content['person']);
  const victim = asRecord(content['victim']);
  const sex = person['sex'];
  const nationality = person['nationality'];
  const usableAge = typeof person['estimatedAge'] === 'number' || isIsoDate(person['birthDate']);
  const exploitation = victim['exploitation'];
  return {
    sex: typeof sex === 'string' && ['F', 'M', 'X', 'U'].includes(sex) ? sex : null,
    nationality:
      typeof nationality === 'string' && /^[A-Z]{2}$/.test(nationality) ? nationality : null,
    minor: usableAge ? isMinor(person, at) : null,
    exploitationTypes: Array.isArray(exploitation)
      ? [...new Set(exploitation.filter((e): e is string => typeof e === 'string'))].sort()
      : [],
  };
}

/** `value` when it is a JSON object, else an empty one. */
export function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}
