import type { ClassConstructor } from 'class-transformer';
import { AcceptBody } from './accept.dto';
import { AcknowledgeBody } from './acknowledge.dto';
import { CompleteBody } from './complete.dto';
import { EVENT_TYPES, type EventType } from './event-types';
import { ProvideInfoBody } from './provide-info.dto';
import { RejectBody } from './reject.dto';
import { RequestInfoBody } from './request-info.dto';
import { HandoverScheduledBody } from './schedule-handover.dto';
import { WithdrawBody } from './withdraw.dto';

/** What one lifecycle action is on the wire: the event it produces and its HTTP body class. */
export interface LifecycleActionSpec {
  /** The business event the action produces. */
  readonly eventType: EventType;
  /** The class of the body of `POST /v1/referrals/{id}/{action}`; `null` when it takes none. */
  readonly body: ClassConstructor<object> | null;
}

/**
 * The lifecycle actions by their URL name (`POST /v1/referrals/{id}/{action}`), each with the
 * event it produces and its body class. Which state allows which action, and who may take it, is
 * the hub's state machine, not part of this table.
 */
export const LIFECYCLE_ACTIONS = {
  submit: { eventType: EVENT_TYPES.referralSubmitted, body: null },
  acknowledge: { eventType: EVENT_TYPES.referralAcknowledged, body: AcknowledgeBody },
  'request-info': { eventType: EVENT_TYPES.referralInfoRequested, body: RequestInfoBody },
  'provide-info': { eventType: EVENT_TYPES.referralInfoProvided, body: ProvideInfoBody },
  accept: { eventType: EVENT_TYPES.referralAccepted, body: AcceptBody },
  reject: { eventType: EVENT_TYPES.referralRejected, body: RejectBody },
  'schedule-handover': {
    eventType: EVENT_TYPES.referralHandoverScheduled,
    body: HandoverScheduledBody,
  },
  complete: { eventType: EVENT_TYPES.referralCompleted, body: CompleteBody },
  withdraw: { eventType: EVENT_TYPES.referralWithdrawn, body: WithdrawBody },
} as const satisfies Record<string, LifecycleActionSpec>;

/** A lifecycle action's URL name, e.g. `request-info`. */
export type LifecycleAction = keyof typeof LIFECYCLE_ACTIONS;

/** Every lifecycle action's URL name, in lifecycle order. */
export const LIFECYCLE_ACTION_NAMES = Object.keys(LIFECYCLE_ACTIONS) as readonly LifecycleAction[];

/** True when `name` is a lifecycle action's URL name. */
export function isLifecycleAction(name: unknown): name is LifecycleAction {
  return typeof name === 'string' && Object.hasOwn(LIFECYCLE_ACTIONS, name);
}
