import { ReferralError } from './referral.error';
import type { ReferralRecord } from './referral.record';

/**
 * What the caller believed about the referral when it decided: an officer's `If-Match` version,
 * or a partner system's envelope (`referralseq`, the last number it had seen, and `recipient`).
 * Checked under the referral's row lock, so the belief and the change meet no race.
 */
export interface Preconditions {
  /** `If-Match` (officers): the version the officer was shown; absent, not checked. */
  version?: number;
  /** A partner event's `referralseq`: required on decisions about an existing referral. */
  referralseq?: number;
  /** A partner event's `recipient`: when given, must be the referral's other party. */
  recipient?: string;
}

/** An officer's change must be made on the version shown (`If-Match`), when one was sent. */
export function checkVersion(referral: ReferralRecord, version: number | undefined): void {
  if (version === undefined) return;
  if (Number.isNaN(version) || version !== referral.version) {
    throw new ReferralError(
      'version-mismatch',
      `The referral is at version ${referral.version}; reload it and try again.`,
    );
  }
}

/** A partner's decision must be taken on the latest state it was told of (contract v1). */
export function checkSequence(referral: ReferralRecord, seen: number | undefined): void {
  if (seen === undefined) {
    throw new ReferralError(
      'invalid-envelope',
      'referralseq (the last number you saw) is required.',
      [{ path: 'referralseq', message: 'is required on events about an existing referral' }],
    );
  }
  if (seen < referral.seq) {
    throw new ReferralError(
      'stale-state',
      `The referral has changed since you saw it (you saw ${seen}, it is at ${referral.seq}); decide again on the latest state.`,
    );
  }
  if (seen > referral.seq) {
    throw new ReferralError(
      'invalid-envelope',
      `referralseq ${seen} is ahead of the referral (${referral.seq}).`,
      [{ path: 'referralseq', message: `must not exceed ${referral.seq}` }],
    );
  }
}

/**
 * A partner event addressed to someone other than the referral's other party is refused: the
 * partner has mixed up its referrals or its parties, and applying it would act on the wrong case.
 */
export function checkRecipient(
  actorParty: string,
  expected: string,
  recipient: string | undefined,
): void {
  if (recipient === undefined || recipient === expected) return;
  throw new ReferralError(
    'invalid-envelope',
    `The event is addressed to ${recipient}, but ${actorParty}'s counterpart here is ${expected}.`,
    [{ path: 'recipient', message: `must be ${expected}` }],
  );
}

/** Whether a victim repatriation's content records the victim's consent to share data. */
export function hasConsent(type: string, content: Record<string, unknown> | null): boolean {
  if (type !== 'VICTIM_REPATRIATION') return true;
  const victim = content?.['victim'] as { consent?: { dataSharing?: boolean } } | undefined;
  return victim?.consent?.dataSharing === true;
}
