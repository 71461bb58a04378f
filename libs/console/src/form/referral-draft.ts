import type { ReferralType } from '../../../contracts/src/referral/code-lists';
import { wallTimeToRfc3339 } from '../format/dates';
import { getAt, pruneEmpty, splitList } from './paths';

/**
 * The new-referral form's state: the referral content as the contract shapes it
 * (libs/contracts/src/referral/referral-content.dto.ts), with a few fields held as the user
 * types them (lists as comma-separated text, the age as text, the consent time as a wall-clock
 * `datetime-local` value) until {@link toReferralContent} turns it into the request body.
 */
export type ReferralDraft = Record<string, unknown>;

export function emptyDraft(type: ReferralType = 'VICTIM_REPATRIATION'): ReferralDraft {
  return {
    type,
    priority: 'ROUTINE',
    handlingCode: 'H1',
    person: { names: [{ script: 'Latn', given: '', family: '' }], sex: 'U', documents: [] },
    victim: {
      exploitation: [],
      needs: [],
      consent: { dataSharing: false, return: false, recordedAt: '' },
    },
    suspect: { offences: [{ code: '', description: '' }], linkedVictims: [] },
  };
}

/**
 * The body of `POST /v1/referrals` for a draft: the sections of the chosen type only, blanks
 * dropped (optional fields are absent, not empty), texts turned into lists and numbers. Required
 * fields left blank are dropped too, so the hub names them in its field errors.
 */
export function toReferralContent(draft: ReferralDraft, timeZone: string): Record<string, unknown> {
  const type = draft['type'] as ReferralType;
  const person = (draft['person'] ?? {}) as Record<string, unknown>;
  const age = textOf(person['estimatedAge']).trim();
  const content: Record<string, unknown> = {
    to: draft['to'],
    type,
    priority: draft['priority'],
    senderReference: draft['senderReference'],
    handlingCode: draft['handlingCode'],
    summary: draft['summary'],
    person: {
      ...person,
      aliases: splitList(person['aliases']),
      languages: splitList(person['languages']),
      estimatedAge: age === '' ? undefined : Number(age),
    },
    relatedReferrals: splitList(draft['relatedReferrals']),
  };
  if (type === 'VICTIM_REPATRIATION') {
    const victim = (draft['victim'] ?? {}) as Record<string, unknown>;
    const consent = (victim['consent'] ?? {}) as Record<string, unknown>;
    const recordedAt = textOf(consent['recordedAt']);
    content['victim'] = {
      ...victim,
      consent: {
        dataSharing: consent['dataSharing'] === true,
        return: consent['return'] === true,
        recordedAt: wallTimeToRfc3339(recordedAt, timeZone) ?? recordedAt,
      },
    };
    content['repatriation'] = draft['repatriation'];
  } else if (type === 'SUSPECT_HANDOFF') {
    content['suspect'] = draft['suspect'];
    content['handoff'] = draft['handoff'];
  } else {
    content['request'] = draft['request'];
  }
  const pruned = (pruneEmpty(content) ?? {}) as Record<string, unknown>;
  // Lists the contract requires even when empty, and consent booleans, survive pruning.
  if (type === 'VICTIM_REPATRIATION') {
    const victim = (pruned['victim'] ?? {}) as Record<string, unknown>;
    victim['exploitation'] = getAt(draft, 'victim.exploitation') ?? [];
    victim['consent'] = {
      ...(victim['consent'] as Record<string, unknown> | undefined),
      dataSharing: getAt(draft, 'victim.consent.dataSharing') === true,
      return: getAt(draft, 'victim.consent.return') === true,
    };
    pruned['victim'] = victim;
  }
  return pruned;
}

/** What a text or number input holds, as text. */
function textOf(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : '';
}
