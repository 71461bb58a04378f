/*
 * The coded values of a referral's content. Each list is binding for partners once published:
 * adding a value is a compatible change only for consumers that tolerate unknown codes, so values
 * are never renamed or removed within v1.
 */

/** What a referral asks of the receiving party; decides which sections the content carries. */
export const REFERRAL_TYPES = [
  'VICTIM_REPATRIATION',
  'SUSPECT_HANDOFF',
  'INFORMATION_REQUEST',
] as const;
/** One of {@link REFERRAL_TYPES}. */
export type ReferralType = (typeof REFERRAL_TYPES)[number];

/** How fast the sender needs the receiver to act. */
export const REFERRAL_PRIORITIES = ['ROUTINE', 'URGENT', 'IMMEDIATE'] as const;
/** One of {@link REFERRAL_PRIORITIES}. */
export type ReferralPriority = (typeof REFERRAL_PRIORITIES)[number];

/**
 * Handling code: how far the receiver may pass the referral on, from `H0` to `H3`, as defined by
 * the handling policy the parties agreed.
 */
export const HANDLING_CODES = ['H0', 'H1', 'H2', 'H3'] as const;
/** One of {@link HANDLING_CODES}. */
export type HandlingCode = (typeof HANDLING_CODES)[number];

/** A person's sex: female, male, another sex (`X`, as in ICAO travel documents), unknown. */
export const SEX_CODES = ['F', 'M', 'X', 'U'] as const;
/** One of {@link SEX_CODES}. */
export type SexCode = (typeof SEX_CODES)[number];

/** Kinds of identity and travel documents a person may hold. */
export const DOCUMENT_TYPES = [
  'PASSPORT',
  'NATIONAL_ID',
  'BORDER_PASS',
  'TRAVEL_DOCUMENT',
  /** Household registration book (Lao "family book", Vietnamese "hộ khẩu"…). */
  'FAMILY_BOOK',
  'BIRTH_CERTIFICATE',
  'RESIDENCE_PERMIT',
  'WORK_PERMIT',
  'DRIVING_LICENCE',
  'OTHER',
] as const;
/** One of {@link DOCUMENT_TYPES}. */
export type DocumentType = (typeof DOCUMENT_TYPES)[number];

/** Forms of exploitation a (presumed) victim was subjected to (contract v1, binding list). */
export const EXPLOITATION_TYPES = [
  'FORCED_LABOUR',
  'SEXUAL_EXPLOITATION',
  'FORCED_MARRIAGE',
  'SURROGACY',
  'ONLINE_SEXUAL_EXPLOITATION',
  'FORCED_CRIMINALITY',
  'DEBT_BONDAGE',
  'ORGAN_REMOVAL',
  'OTHER',
] as const;
/** One of {@link EXPLOITATION_TYPES}. */
export type ExploitationType = (typeof EXPLOITATION_TYPES)[number];

/** How a victim was recruited. */
export const RECRUITMENT_METHODS = [
  /** A job that did not exist or was not as promised. */
  'FRAUDULENT_JOB_OFFER',
  /** A marriage arranged or promised, by a broker or the family. */
  'MARRIAGE_OFFER',
  /** Contact made through social media, messaging or dating apps. */
  'ONLINE',
  /** Through a relative, friend, neighbour or other person the victim knew. */
  'ACQUAINTANCE',
  /** Through a broker or agency, registered or not. */
  'BROKER',
  /** A debt, real or invented, used to make the victim go or stay. */
  'DEBT',
  /** Taken by force, threat or deception without consent to leave. */
  'ABDUCTION',
  'OTHER',
  'UNKNOWN',
] as const;
/** One of {@link RECRUITMENT_METHODS}. */
export type RecruitmentMethod = (typeof RECRUITMENT_METHODS)[number];

/** Assistance a victim needs on return, so the receiving side can prepare it. */
export const VICTIM_NEEDS = [
  'MEDICAL',
  'COUNSELLING',
  'SHELTER',
  'FAMILY_TRACING',
  'INTERPRETER',
  'LEGAL_AID',
  'TRAVEL_DOCUMENTS',
  /** Protection from traffickers or others threatening the victim or the family. */
  'SECURITY',
  'CHILD_PROTECTION',
  'REINTEGRATION',
  'OTHER',
] as const;
/** One of {@link VICTIM_NEEDS}. */
export type VictimNeed = (typeof VICTIM_NEEDS)[number];

/** The part a suspect is alleged to have played. */
export const SUSPECT_ROLES = [
  'RECRUITER',
  'BROKER',
  'TRANSPORTER',
  'EMPLOYER',
  /** Kept, housed or guarded victims. */
  'HARBOURER',
  'FINANCIER',
  'ORGANISER',
  'OTHER',
] as const;
/** One of {@link SUSPECT_ROLES}. */
export type SuspectRole = (typeof SUSPECT_ROLES)[number];

/** Where a suspect is, as far as the sender knows. */
export const CUSTODY_STATUSES = [
  'AT_LARGE',
  'DETAINED',
  'ON_BAIL',
  'IN_CUSTODY_ABROAD',
  'UNKNOWN',
] as const;
/** One of {@link CUSTODY_STATUSES}. */
export type CustodyStatus = (typeof CUSTODY_STATUSES)[number];

/** What the sender asks the receiver to do about a suspect. */
export const REQUESTED_ACTIONS = [
  'LOCATE',
  'ARREST',
  'SURRENDER_AT_BORDER',
  'SHARE_INFORMATION',
] as const;
/** One of {@link REQUESTED_ACTIONS}. */
export type RequestedAction = (typeof REQUESTED_ACTIONS)[number];

/** True when `value` is one of `list` (narrows it to that list's union). */
export function isOneOf<T extends string>(list: readonly T[], value: unknown): value is T {
  return typeof value === 'string' && (list as readonly string[]).includes(value);
}
