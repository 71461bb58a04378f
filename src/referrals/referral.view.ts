import { grantOf } from '../auth/permissions';
import type { Principal } from '../auth/principal';
import type { ConsentView, ReferralView } from '@hub/contracts';
import { consentStateOf } from './consent-rules';
import type { ReferralRecord } from './referral.record';

/** The view's shape is the contract's (libs/contracts/src/http/views.ts), shared with the console. */
export type { ReferralView };
import { availableActions } from './referral-lifecycle';

/**
 * How much of a referral a view shows: `full` with its content (a party's single view),
 * `metadata` without (lists), `withheld` without and saying so (auditors' single view),
 * or a {@link PartyRestriction}: without and saying why, its actions kept.
 */
export type ViewDetail = 'full' | 'metadata' | 'withheld' | PartyRestriction;

/**
 * Why a party's own officer sees a referral without its content (its actions stay):
 * `restricted` — the victim withdrew consent and the other side recorded it; `child-protected` —
 * the person is under 18 and the officer does not hold `child_protection`.
 */
export type PartyRestriction = 'restricted' | 'child-protected';

/** What a view shows beyond the referral row: deadlines and delivery (see `progressOf`). */
export interface ReferralProgress {
  nextDeadline: ReferralView['nextDeadline'];
  lastChange: ReferralView['lastChange'];
}

/** Who looks: the party, and whether its roles and channel let it act on referrals at all. */
export interface Viewer {
  party: string;
  mayAct: boolean;
}

/** The {@link Viewer} a principal is. */
export function viewerOf(principal: Principal): Viewer {
  return { party: principal.party, mayAct: grantOf(principal, 'referral.act') !== null };
}

export function toReferralView(
  r: ReferralRecord,
  viewer: Viewer,
  detail: ViewDetail,
  progress?: ReferralProgress,
): ReferralView {
  const viewerParty = viewer.party;
  const direction =
    r.senderParty === viewerParty ? 'outbound' : r.receiverParty === viewerParty ? 'inbound' : null;
  const view: ReferralView = {
    id: r.id,
    type: r.type,
    status: r.status,
    priority: r.priority,
    from: r.senderParty,
    to: r.receiverParty,
    direction,
    senderReference: r.senderReference,
    receiverReference: r.receiverReference,
    handlingCode: r.handlingCode,
    origin: r.origin,
    version: r.version,
    referralSeq: r.seq,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
    submittedAt: r.submittedAt?.toISOString() ?? null,
    closedAt: r.closedAt?.toISOString() ?? null,
    availableActions:
      direction === null || detail === 'withheld' || !viewer.mayAct
        ? []
        : availableActions(r.status, direction === 'outbound' ? 'sender' : 'receiver'),
    nextDeadline: progress?.nextDeadline ?? null,
    lastChange: progress?.lastChange ?? null,
    personalDataErasedAt: r.personalDataErasedAt?.toISOString() ?? null,
    consent: consentViewOf(r),
  };
  if (detail === 'full') view.content = r.content;
  if (detail !== 'full' && detail !== 'metadata') view.personalData = detail;
  return view;
}

function consentViewOf(r: ReferralRecord): ConsentView | null {
  const state = consentStateOf(r);
  const withdrawal = r.consentWithdrawal;
  if (state === null) return null;
  if (withdrawal === null) return { state };
  return {
    state,
    withdrawnBy: withdrawal.withdrawnBy,
    withdrawnOn: withdrawal.withdrawnOn,
    recordedBy: withdrawal.party,
    recordedAt: withdrawal.recordedAt,
  };
}

/** The `ETag` of a referral version. */
export function etagOf(version: number): string {
  return `"${version}"`;
}

/** Reads `If-Match` (`"3"`, `W/"3"` or `3`); undefined when absent, NaN when unreadable. */
export function parseIfMatch(header: string | undefined): number | undefined {
  if (header === undefined || header.trim() === '' || header.trim() === '*') return undefined;
  const match = /^(?:W\/)?"?(\d{1,9})"?$/.exec(header.trim());
  return match?.[1] === undefined ? Number.NaN : Number(match[1]);
}
