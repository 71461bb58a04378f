import { grantOf } from '../auth/permissions';
import type { Principal } from '../auth/principal';
import type { ReferralRecord } from './referral.record';
import { availableActions } from './referral-lifecycle';

/**
 * A referral as the HTTP API shows it to one caller. `content` (personal data) only in the
 * single-referral view of its parties' officers; lists carry metadata only; auditors' single view
 * carries metadata and `personalData: "withheld"`.
 */
export interface ReferralView {
  id: string;
  type: string;
  status: string;
  priority: string;
  from: string;
  to: string;
  /** `outbound` for the sender, `inbound` for the receiver, `null` for others (auditors). */
  direction: 'outbound' | 'inbound' | null;
  senderReference: string;
  receiverReference: string | null;
  handlingCode: string;
  origin: 'http' | 'kafka';
  /** Optimistic-concurrency token, also sent as `ETag`. */
  version: number;
  /** Last change number (`referralseq`); 0 while a draft. */
  referralSeq: number;
  createdAt: string;
  updatedAt: string;
  submittedAt: string | null;
  closedAt: string | null;
  /**
   * Lifecycle actions the caller may take now: the lifecycle's for its side, none for a withheld
   * view, an auditor, or a party that acts through its partner system.
   */
  availableActions: string[];
  /** The earliest step still waiting, and whether its deadline has passed. */
  nextDeadline: { step: string; dueAt: string; waitingFor: string; overdue: boolean } | null;
  /**
   * The referral's last numbered change (lifecycle step or case message) and, when the
   * counterpart is a partner system, when it confirmed receipt (`null`: not yet, or never asked).
   */
  lastChange: {
    seq: number;
    action: string;
    byParty: string;
    at: string;
    deliveredAt: string | null;
  } | null;
  /** The referral content (single-referral view only); null once the personal data is erased. */
  content?: Record<string, unknown> | null;
  /** When the personal data was erased (crypto-shredded); null while it is kept. */
  personalDataErasedAt: string | null;
  /** Only when the caller may not see the personal data: `content` is left out on purpose. */
  personalData?: 'withheld';
}

/**
 * How much of a referral a view shows: `full` with its content (a party's single view),
 * `metadata` without (lists), `withheld` without and saying so (auditors' single view).
 */
export type ViewDetail = 'full' | 'metadata' | 'withheld';

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
  };
  if (detail === 'full') view.content = r.content;
  if (detail === 'withheld') view.personalData = 'withheld';
  return view;
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
