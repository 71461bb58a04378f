import type { ConsentAction, ConsentWithdrawnBy } from '@hub/contracts';
import type { Permission } from '../auth/permissions';
import { ReferralError } from './referral.error';

/** Whether the victim's consent to share data holds. */
export type ConsentState = 'GIVEN' | 'WITHDRAWN';

/** A withdrawal in force, as kept with the referral (`referrals.consent_withdrawal`). */
export interface ConsentWithdrawal {
  /** The party that recorded it; its counterpart is the one asked to restrict its copy. */
  party: string;
  withdrawnBy: ConsentWithdrawnBy;
  /** `YYYY-MM-DD`. */
  withdrawnOn: string;
  /** When the hub recorded it, RFC 3339. */
  recordedAt: string;
}

/** Who may make a consent change: either party of the referral, or only the one that withdrew. */
type ConsentSide = 'either' | 'recorder';

/** One row of the consent table. */
export interface ConsentRule {
  action: ConsentAction;
  from: ConsentState;
  to: ConsentState;
  by: ConsentSide;
  /** What an officer needs, over HTTP, besides being of a party of the referral. */
  permission: Permission;
}

/**
 * The victim's consent, as data, in the one place it is written: the changes and who may make
 * them. Either side may record a withdrawal (the victim tells whoever has them in care); only the
 * side that recorded it may restore it, on HTTP a supervisor.
 */
export const CONSENT_RULES: readonly ConsentRule[] = [
  {
    action: 'withdraw-consent',
    from: 'GIVEN',
    to: 'WITHDRAWN',
    by: 'either',
    permission: 'referral.consent-withdraw',
  },
  {
    action: 'restore-consent',
    from: 'WITHDRAWN',
    to: 'GIVEN',
    by: 'recorder',
    permission: 'referral.consent-restore',
  },
];

/** What an officer needs, over HTTP, to make the consent change `action`. */
export function consentPermission(action: ConsentAction): Permission {
  const rule = CONSENT_RULES.find((r) => r.action === action);
  if (!rule) throw new Error(`no consent rule for ${action}`);
  return rule.permission;
}

/** Referral types whose content records the victim's consent: the only ones it can change on. */
export const CONSENT_TYPES: readonly string[] = ['VICTIM_REPATRIATION'];

/**
 * Referral types whose exchange rests on the person's consent: a new one of a person whose
 * consent is withdrawn is refused. A suspect hand-off is a law-enforcement exchange that does not
 * rest on the person's consent, so it is not in the list.
 */
export const CONSENT_BOUND_TYPES: readonly string[] = [
  'VICTIM_REPATRIATION',
  'INFORMATION_REQUEST',
];

/** What would disclose more of the person than the other side holds. */
export type Disclosure = 'submission' | 'attachments' | 'same-person';

/** Every disclosure, refused while consent is withdrawn, with what the refusal says. */
export const DISCLOSURES: Readonly<Record<Disclosure, string>> = {
  submission:
    "Consent to share the person's data was withdrawn; the referral cannot be submitted until a supervisor restores it.",
  attachments:
    "Consent to share the person's data was withdrawn; case messages cannot carry attachments until it is restored.",
  'same-person':
    "The person's consent to share data was withdrawn on another referral; a new referral of them cannot be sent until it is restored there.",
};

/** The state of a referral's consent: `null` for a type that records none. */
export function consentStateOf(referral: {
  type: string;
  consentWithdrawal: ConsentWithdrawal | null;
}): ConsentState | null {
  if (!CONSENT_TYPES.includes(referral.type)) return null;
  return referral.consentWithdrawal === null ? 'GIVEN' : 'WITHDRAWN';
}

/**
 * The rule for `action` on `referral`, by `party`; throws the refusal when there is none.
 * `invalid-transition`: the referral records no consent, or its consent is not in the state the
 * change starts from; `not-your-turn`: only the side that withdrew consent may restore it.
 */
export function decideConsentChange(
  action: ConsentAction,
  referral: { type: string; consentWithdrawal: ConsentWithdrawal | null },
  party: string,
): ConsentRule {
  const state = consentStateOf(referral);
  if (state === null) {
    throw new ReferralError(
      'invalid-transition',
      `A ${referral.type} records no victim's consent; only a victim repatriation's can change.`,
    );
  }
  const rule = CONSENT_RULES.find((r) => r.action === action && r.from === state);
  if (!rule) {
    throw new ReferralError(
      'invalid-transition',
      state === 'WITHDRAWN'
        ? 'Consent to share data is withdrawn already.'
        : 'Consent to share data holds; there is no withdrawal to restore.',
    );
  }
  if (rule.by === 'recorder' && referral.consentWithdrawal?.party !== party) {
    throw new ReferralError(
      'not-your-turn',
      `Only ${referral.consentWithdrawal?.party ?? 'the party that withdrew it'}, which recorded the withdrawal, may restore consent.`,
    );
  }
  return rule;
}

/** Refuses `disclosure` while consent is withdrawn (`consent-withdrawn`); else does nothing. */
export function checkDisclosure(withdrawn: boolean, disclosure: Disclosure): void {
  if (withdrawn) throw new ReferralError('consent-withdrawn', DISCLOSURES[disclosure]);
}

/**
 * Whether `party` is asked to restrict its copy of the person: the counterpart of the party that
 * recorded the withdrawal, while it is in force.
 */
export function isRestrictedFor(
  referral: {
    consentWithdrawal: ConsentWithdrawal | null;
    senderParty: string;
    receiverParty: string;
  },
  party: string,
): boolean {
  const withdrawal = referral.consentWithdrawal;
  return (
    withdrawal !== null &&
    withdrawal.party !== party &&
    (referral.senderParty === party || referral.receiverParty === party)
  );
}
