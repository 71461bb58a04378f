import type { LifecycleAction } from '@hub/contracts';
import { REFERRAL_STATUSES, TERMINAL_STATUSES, type ReferralStatus } from '@hub/contracts';

/** Which side of a referral may take an action. */
export type Side = 'sender' | 'receiver' | 'either';

/** One row of the lifecycle table. */
export interface Transition {
  action: LifecycleAction;
  from: readonly ReferralStatus[];
  to: ReferralStatus;
  by: Side;
}

const BEFORE_TERMINAL = REFERRAL_STATUSES.filter((s) => !TERMINAL_STATUSES.includes(s));

/**
 * The referral lifecycle, as data, in the one place it is written (contract v1). Both the HTTP
 * actions of Lao officers and the events of partner systems go through {@link decide}.
 */
export const LIFECYCLE: readonly Transition[] = [
  { action: 'submit', from: ['DRAFT'], to: 'SUBMITTED', by: 'sender' },
  { action: 'acknowledge', from: ['SUBMITTED'], to: 'ACKNOWLEDGED', by: 'receiver' },
  { action: 'request-info', from: ['ACKNOWLEDGED'], to: 'INFO_REQUESTED', by: 'receiver' },
  { action: 'provide-info', from: ['INFO_REQUESTED'], to: 'ACKNOWLEDGED', by: 'sender' },
  { action: 'accept', from: ['ACKNOWLEDGED'], to: 'ACCEPTED', by: 'receiver' },
  { action: 'reject', from: ['ACKNOWLEDGED'], to: 'REJECTED', by: 'receiver' },
  {
    action: 'schedule-handover',
    from: ['ACCEPTED', 'HANDOVER_SCHEDULED'],
    to: 'HANDOVER_SCHEDULED',
    by: 'either',
  },
  { action: 'complete', from: ['ACCEPTED', 'HANDOVER_SCHEDULED'], to: 'COMPLETED', by: 'receiver' },
  { action: 'withdraw', from: BEFORE_TERMINAL, to: 'WITHDRAWN', by: 'sender' },
];

/** Why an action cannot be taken. */
export type RefusalReason = 'invalid-transition' | 'not-your-turn';

export type Decision =
  | { allowed: true; transition: Transition }
  | { allowed: false; reason: RefusalReason; detail: string };

/**
 * Decides whether `side` may take `action` on a referral in `status`. `invalid-transition`: the
 * action does not exist in that state; `not-your-turn`: it exists but belongs to the other side.
 */
export function decide(
  action: LifecycleAction,
  status: ReferralStatus,
  side: 'sender' | 'receiver',
): Decision {
  const transition = LIFECYCLE.find((t) => t.action === action && t.from.includes(status));
  if (!transition) {
    return {
      allowed: false,
      reason: 'invalid-transition',
      detail: `A referral in state ${status} cannot be ${describe(action)}.`,
    };
  }
  if (transition.by !== 'either' && transition.by !== side) {
    return {
      allowed: false,
      reason: 'not-your-turn',
      detail: `Only the ${transition.by} of a referral may ${action.replace('-', ' ')} it.`,
    };
  }
  return { allowed: true, transition };
}

/** Actions `side` may take now: what a console would offer as buttons. */
export function availableActions(
  status: ReferralStatus,
  side: 'sender' | 'receiver',
): LifecycleAction[] {
  return LIFECYCLE.filter(
    (t) => t.from.includes(status) && (t.by === 'either' || t.by === side),
  ).map((t) => t.action);
}

function describe(action: LifecycleAction): string {
  switch (action) {
    case 'submit':
      return 'submitted';
    case 'acknowledge':
      return 'acknowledged';
    case 'request-info':
      return 'asked for information';
    case 'provide-info':
      return 'answered with information';
    case 'accept':
      return 'accepted';
    case 'reject':
      return 'rejected';
    case 'schedule-handover':
      return 'scheduled for hand-over';
    case 'complete':
      return 'completed';
    case 'withdraw':
      return 'withdrawn';
  }
}
