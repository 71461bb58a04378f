import {
  CLOUDEVENTS_SPEC_VERSION,
  EVENT_TYPES,
  LIFECYCLE_ACTIONS,
  countryOfParty,
  partySource,
  type CloudEvent,
  type EventDataOf,
  type EventType,
  type LifecycleAction,
  type RejectionReasonCode,
  type SubmittedReferralData,
} from '@hub/contracts';
import { CANNED, PARTNER_COUNTRIES, handoverTime, type PartnerCountryCode } from './fixtures';

/*
 * The partner's side of the referral lifecycle, as pure functions: given what we know of a
 * referral and one event the hub sent us, what do we know now and what do we send? No Kafka, no
 * clock, no randomness (ids and time come from the context), so every path can be unit-tested and
 * read on its own.
 */

/** What the simulated officer decides on a referral once it is acknowledged. */
export const DECISIONS = ['accept', 'reject', 'request-info', 'none'] as const;
/** One of {@link DECISIONS}; `none` leaves the referral acknowledged, for a person to decide. */
export type Decision = (typeof DECISIONS)[number];

/** How the simulated officers of the partner country behave. */
export interface FlowPolicy {
  /** What to do with an acknowledged referral. `request-info` accepts once the answer is in. */
  readonly decision: Decision;
  /** The reason code of a rejection. */
  readonly rejectReason: RejectionReasonCode;
  /** Schedule the hand-over once the referral is accepted. */
  readonly handover: boolean;
  /** Complete the referral once it is accepted (after the hand-over, when one is scheduled). */
  readonly complete: boolean;
  /** Send a `DELIVERED` receipt for every business event received (optional in the contract). */
  readonly confirmDelivery: boolean;
}

/** What the flow needs from the outside world, injected so that it stays pure. */
export interface FlowContext {
  /** The partner country this system speaks for. */
  readonly country: PartnerCountryCode;
  readonly policy: FlowPolicy;
  /** A new CloudEvents id (a UUID). */
  readonly newId: () => string;
  readonly now: () => Date;
}

/**
 * An event from the hub whose `data` was checked against the class of its `type`: switching on
 * `type` narrows `data` to that class.
 */
export type HubEvent = {
  [K in EventType]: Omit<CloudEvent<EventDataOf<K>>, 'type'> & { type: K };
}[EventType];

/** A referral's state as the contract names it. `DRAFT`: our own submission, not yet applied. */
export type ReferralStatus =
  | 'DRAFT'
  | 'SUBMITTED'
  | 'ACKNOWLEDGED'
  | 'INFO_REQUESTED'
  | 'ACCEPTED'
  | 'REJECTED'
  | 'HANDOVER_SCHEDULED'
  | 'COMPLETED'
  | 'WITHDRAWN';

/**
 * The state each lifecycle action leads to (contract v1, "Referral lifecycle"). It does not depend
 * on the state before, so the partner can follow the referral from the events alone.
 */
const STATUS_AFTER: Readonly<Record<LifecycleAction, ReferralStatus>> = {
  submit: 'SUBMITTED',
  acknowledge: 'ACKNOWLEDGED',
  'request-info': 'INFO_REQUESTED',
  'provide-info': 'ACKNOWLEDGED',
  accept: 'ACCEPTED',
  reject: 'REJECTED',
  'schedule-handover': 'HANDOVER_SCHEDULED',
  complete: 'COMPLETED',
  withdraw: 'WITHDRAWN',
};

const TERMINAL: readonly ReferralStatus[] = ['REJECTED', 'COMPLETED', 'WITHDRAWN'];

/** The lifecycle action behind each business event type. */
const ACTION_OF_TYPE: ReadonlyMap<string, LifecycleAction> = new Map(
  Object.entries(LIFECYCLE_ACTIONS).map(([action, spec]) => [
    spec.eventType as string,
    action as LifecycleAction,
  ]),
);

/** A victim's consent withdrawn or restored: they bind us however the case stands. */
const CONSENT_EVENT_TYPES: ReadonlySet<string> = new Set([
  EVENT_TYPES.referralConsentWithdrawn,
  EVENT_TYPES.referralConsentRestored,
]);

/** Business events (as opposed to hub notices): the ones a partner may confirm as delivered. */
const BUSINESS_TYPES: ReadonlySet<string> = new Set<string>([
  ...ACTION_OF_TYPE.keys(),
  EVENT_TYPES.messagePosted,
  ...CONSENT_EVENT_TYPES,
]);

/** What this partner system remembers about one referral. */
export interface ReferralTrack {
  readonly referralId: string;
  /** Whether the partner received the referral (the usual case) or submitted it. */
  readonly role: 'receiver' | 'sender';
  /** Our party on this referral: the one we act as (`source` of our events). */
  readonly party: string;
  /** The Lao party on the other side (`recipient` of our events). */
  readonly counterpart: string;
  /** The referral's state, as far as the events we saw tell. */
  readonly status: ReferralStatus;
  /**
   * The last `referralseq` the hub told us of (0: none yet). Sent as `referralseq` on our events,
   * so the hub can refuse a decision taken on a state that has changed since.
   */
  readonly lastSeq: number;
  /** Our event the hub has not answered yet; its receipt tells us to go on. */
  readonly awaiting?: { readonly eventId: string; readonly action: LifecycleAction };
  /** Set once we stop working the referral (a terminal state, or the hub refused our event). */
  readonly closed?: string;
  /**
   * Set while the person's consent to share data is withdrawn: our copy of the person is
   * restricted (kept for the record of the case, used for nothing else) until it is restored.
   */
  readonly restricted?: true;
  /**
   * `source` + `id` of every hub event seen about this referral: the hub delivers at least once,
   * so after a crash it may send an event again, with the same id.
   */
  readonly seen: readonly string[];
}

/** What to do about one hub event. */
export interface Reaction {
  /** What we know of the referral now; undefined when it is not a referral we work on. */
  readonly track?: ReferralTrack;
  /** `DELIVERED` receipts for the event, to send at once (only with `confirmDelivery`). */
  readonly confirmations: readonly CloudEvent<object>[];
  /** Our next business event, to send after the officer's (simulated) pause. */
  readonly answer?: CloudEvent<object>;
  /** A few words for the log line of the incoming event, e.g. `duplicate, ignored`. */
  readonly note?: string;
}

/** The referral an event is about: its `subject`, or the `referralId` in its data. */
export function referralIdOf(event: HubEvent): string | undefined {
  if (event.subject !== undefined) return event.subject;
  const data: object = event.data;
  return 'referralId' in data && typeof data.referralId === 'string' ? data.referralId : undefined;
}

/** The key events are de-duplicated by (contract v1: `source` + `id` identifies an event). */
export function eventKey(event: Pick<CloudEvent, 'source' | 'id'>): string {
  return `${event.source} ${event.id}`;
}

/**
 * Reacts to one event from the hub, given what we knew of its referral (`undefined` when we did
 * not know it). A `submitted` event addressed to one of our parties opens a track and is
 * acknowledged; receipts of our events move the flow on; `event.rejected` closes it.
 */
export function react(
  track: ReferralTrack | undefined,
  event: HubEvent,
  ctx: FlowContext,
): Reaction {
  if (track === undefined) return openTrack(event, ctx);
  if (track.seen.includes(eventKey(event))) {
    return { track, confirmations: [], note: 'duplicate, ignored' };
  }
  const notes: string[] = [];
  const expected = track.lastSeq + 1;
  if (event.referralseq !== undefined && event.referralseq > expected) {
    // Numbers reach a partner in order and without gaps; a gap means an event went missing.
    notes.push(`gap: seq ${expected} never arrived`);
  }
  const observed: ReferralTrack = {
    ...track,
    lastSeq: Math.max(track.lastSeq, event.referralseq ?? 0),
    seen: [...track.seen, eventKey(event)],
  };
  const confirmations = confirmDelivery(observed, event, ctx);
  // Consent changes bind us however the case stands: a closed case's copy is restricted too.
  if (observed.closed !== undefined && !CONSENT_EVENT_TYPES.has(event.type)) {
    notes.push(`no longer worked on (${observed.closed})`);
    return withNotes({ track: observed, confirmations }, notes);
  }
  const step = advance(observed, event, ctx.policy);
  if (step.note !== undefined) notes.push(step.note);
  if (step.next === undefined) return withNotes({ track: step.track, confirmations }, notes);
  const answer = answerEvent(step.track, step.next, ctx);
  const awaiting = { eventId: answer.id, action: step.next };
  return withNotes({ track: { ...step.track, awaiting }, confirmations, answer }, notes);
}

/**
 * Starts a referral of our own: the `submitted` event to send, and the track that waits for its
 * receipt. `data` should be checked with `validatePayload(SubmittedReferralData, …)` first.
 */
export function startSubmission(
  data: SubmittedReferralData,
  ctx: FlowContext,
): { track: ReferralTrack; event: CloudEvent<object> } {
  const track: ReferralTrack = {
    referralId: data.referralId,
    role: 'sender',
    party: data.from,
    counterpart: data.to,
    status: 'DRAFT',
    lastSeq: 0,
    seen: [],
  };
  // No `referralseq`: a new referral has no number yet; the receipt brings number 1.
  const event = envelope(track, EVENT_TYPES.referralSubmitted, data, ctx, { seq: false });
  return { track: { ...track, awaiting: { eventId: event.id, action: 'submit' } }, event };
}

/** A `submitted` event for one of our parties opens a track; anything else is not ours. */
function openTrack(event: HubEvent, ctx: FlowContext): Reaction {
  if (event.type !== EVENT_TYPES.referralSubmitted) {
    // A simulator keeps its state in memory: after a restart it no longer knows older referrals.
    return { confirmations: [], note: 'not a referral this system is working on, ignored' };
  }
  const receiver = event.recipient ?? event.data.to;
  if (countryOfParty(receiver) !== ctx.country) {
    return { confirmations: [], note: `addressed to ${receiver}, not to us, ignored` };
  }
  const track: ReferralTrack = {
    referralId: event.data.referralId,
    role: 'receiver',
    party: receiver,
    counterpart: event.data.from,
    status: 'SUBMITTED',
    lastSeq: event.referralseq ?? 1,
    seen: [eventKey(event)],
  };
  const answer = answerEvent(track, 'acknowledge', ctx);
  return {
    track: { ...track, awaiting: { eventId: answer.id, action: 'acknowledge' } },
    confirmations: confirmDelivery(track, event, ctx),
    answer,
  };
}

/** One step of the flow: the new track, what to do next (if anything), and why. */
interface Step {
  track: ReferralTrack;
  next?: LifecycleAction;
  note?: string;
}

function advance(track: ReferralTrack, event: HubEvent, policy: FlowPolicy): Step {
  switch (event.type) {
    case EVENT_TYPES.receipt: {
      const { awaiting, ...rest } = track;
      if (event.data.status !== 'APPLIED' || awaiting?.eventId !== event.data.eventId) {
        return { track, note: 'receipt of an event we are not waiting for' };
      }
      const applied: ReferralTrack = { ...rest, status: STATUS_AFTER[awaiting.action] };
      const done = `our ${shortName(LIFECYCLE_ACTIONS[awaiting.action].eventType)} applied`;
      if (TERMINAL.includes(applied.status)) {
        return { track: close(applied), note: `${done}; ${applied.status}, done` };
      }
      const step = afterApplied(applied, awaiting.action, policy);
      return { ...step, note: step.note === undefined ? done : `${done}; ${step.note}` };
    }
    case EVENT_TYPES.eventRejected: {
      const { code, detail, errors } = event.data;
      const where = errors.map((e) => `${e.path}: ${e.message}`).join(', ');
      const { awaiting: _refused, ...rest } = track;
      // The hub changed nothing; a person would have to look at why before trying again.
      return {
        track: { ...rest, closed: `the hub refused our event: ${code}` },
        note: `REFUSED ${code}, no more answers on it: ${detail}${where ? ` (${where})` : ''}`,
      };
    }
    case EVENT_TYPES.referralOverdue:
      return { track, note: `step ${event.data.step} was due ${event.data.dueAt}` };
    case EVENT_TYPES.auditCheckpoint:
    case EVENT_TYPES.auditCosigned:
    case EVENT_TYPES.auditForkDetected:
      // The audit log's witness answers checkpoints (see witness.ts); no referral's business.
      return { track };
    case EVENT_TYPES.messagePosted:
      return { track, note: `"${event.data.body.slice(0, 60)}"` };
    case EVENT_TYPES.referralConsentWithdrawn:
      // The receipt every hub event gets (DELIVERED) is the evidence that we were told.
      return {
        track: { ...track, restricted: true },
        note: `consent withdrawn by the ${event.data.withdrawnBy.toLowerCase()} on ${event.data.withdrawnOn}; our copy of the person is restricted`,
      };
    case EVENT_TYPES.referralConsentRestored: {
      const { restricted: _lifted, ...rest } = track;
      return {
        track: rest,
        note: `consent restored on ${event.data.restoredOn}; restriction lifted`,
      };
    }
    case EVENT_TYPES.referralSubmitted:
      return { track, note: 'already known under this id, ignored' };
    case EVENT_TYPES.referralAcknowledged:
    case EVENT_TYPES.referralInfoRequested:
    case EVENT_TYPES.referralInfoProvided:
    case EVENT_TYPES.referralAccepted:
    case EVENT_TYPES.referralRejected:
    case EVENT_TYPES.referralHandoverScheduled:
    case EVENT_TYPES.referralCompleted:
    case EVENT_TYPES.referralWithdrawn:
      return counterpartActed(track, event.type);
  }
}

/** The Lao officer changed the referral: follow the state; answer where the flow says so. */
function counterpartActed(track: ReferralTrack, type: EventType): Step {
  const action = ACTION_OF_TYPE.get(type);
  if (action === undefined) return { track };
  const moved: ReferralTrack = { ...track, status: STATUS_AFTER[action] };
  if (TERMINAL.includes(moved.status)) {
    return { track: close(moved), note: `${moved.status}, done` };
  }
  // While one of our events is in flight, its receipt decides what comes next.
  if (moved.awaiting !== undefined) return { track: moved };
  if (moved.role === 'receiver' && action === 'provide-info') {
    return { track: moved, next: 'accept', note: 'question answered' };
  }
  if (moved.role === 'sender' && action === 'request-info') {
    return { track: moved, next: 'provide-info' };
  }
  return { track: moved };
}

/** The hub applied our `action`: the next step of the policy, if there is one. */
function afterApplied(track: ReferralTrack, action: LifecycleAction, policy: FlowPolicy): Step {
  switch (action) {
    case 'acknowledge':
      return decide(track, policy.decision);
    case 'accept':
      if (policy.handover) return { track, next: 'schedule-handover' };
      if (policy.complete) return { track, next: 'complete' };
      return { track, note: 'hand-over and completion left to an officer' };
    case 'schedule-handover':
      if (policy.complete) return { track, next: 'complete' };
      return { track, note: 'completion left to an officer (--no-complete)' };
    case 'request-info':
    case 'submit':
    case 'provide-info':
      return { track, note: `waiting for ${track.counterpart}` };
    case 'reject':
    case 'complete':
    case 'withdraw':
      break;
  }
  return { track };
}

/** The receiver's decision on an acknowledged referral. */
function decide(track: ReferralTrack, decision: Decision): Step {
  switch (decision) {
    case 'accept':
      return { track, next: 'accept' };
    case 'reject':
      return { track, next: 'reject' };
    case 'request-info':
      return { track, next: 'request-info' };
    case 'none':
      return { track, note: 'decision left to an officer (--decision none)' };
  }
}

function close(track: ReferralTrack): ReferralTrack {
  return { ...track, closed: track.status };
}

/** Our business event for `action`, with the data a simulated officer would enter. */
function answerEvent(
  track: ReferralTrack,
  action: LifecycleAction,
  ctx: FlowContext,
): CloudEvent<object> {
  return envelope(track, LIFECYCLE_ACTIONS[action].eventType, answerData(track, action, ctx), ctx);
}

function answerData(track: ReferralTrack, action: LifecycleAction, ctx: FlowContext): object {
  const referralId = track.referralId;
  switch (action) {
    case 'acknowledge':
      return {
        referralId,
        receiverReference: `${ctx.country}-SIM-${referralId.slice(0, 8).toUpperCase()}`,
      } satisfies EventDataOf<typeof EVENT_TYPES.referralAcknowledged>;
    case 'request-info':
      return {
        referralId,
        question: CANNED.question,
      } satisfies EventDataOf<typeof EVENT_TYPES.referralInfoRequested>;
    case 'provide-info':
      return {
        referralId,
        answer: CANNED.answer,
      } satisfies EventDataOf<typeof EVENT_TYPES.referralInfoProvided>;
    case 'accept':
      return {
        referralId,
        note: CANNED.acceptNote,
      } satisfies EventDataOf<typeof EVENT_TYPES.referralAccepted>;
    case 'reject':
      return {
        referralId,
        reasonCode: ctx.policy.rejectReason,
        note: CANNED.rejectNote,
      } satisfies EventDataOf<typeof EVENT_TYPES.referralRejected>;
    case 'schedule-handover':
      return {
        referralId,
        checkpoint: PARTNER_COUNTRIES[ctx.country].checkpoint,
        scheduledAt: handoverTime(ctx.now()),
        escorts: [{ ...CANNED.escort }],
      } satisfies EventDataOf<typeof EVENT_TYPES.referralHandoverScheduled>;
    case 'complete':
      return {
        referralId,
        completedAt: ctx.now().toISOString(),
        note: CANNED.completeNote,
      } satisfies EventDataOf<typeof EVENT_TYPES.referralCompleted>;
    case 'submit':
    case 'withdraw':
      // The flow never decides these: a submission starts with startSubmission, and a partner
      // that wants to withdraw its referral does so deliberately.
      throw new Error(`the flow does not ${action} referrals`);
  }
}

/** `DELIVERED` receipts owed for `event`, when the policy asks for them. */
function confirmDelivery(
  track: ReferralTrack,
  event: HubEvent,
  ctx: FlowContext,
): CloudEvent<object>[] {
  if (!ctx.policy.confirmDelivery || !BUSINESS_TYPES.has(event.type)) return [];
  const data = {
    eventId: event.id,
    status: 'DELIVERED',
  } satisfies EventDataOf<typeof EVENT_TYPES.receipt>;
  return [envelope(track, EVENT_TYPES.receipt, data, ctx, { causationid: event.id })];
}

/**
 * The CloudEvents envelope of one of our events: acted by our party, addressed to the Lao
 * counterpart, about the referral, carrying the last `referralseq` we saw.
 */
function envelope(
  track: ReferralTrack,
  type: EventType,
  data: object,
  ctx: FlowContext,
  options: { causationid?: string; seq?: boolean } = {},
): CloudEvent<object> {
  return {
    specversion: CLOUDEVENTS_SPEC_VERSION,
    id: ctx.newId(),
    source: partySource(track.party),
    type,
    subject: track.referralId,
    time: ctx.now().toISOString(),
    datacontenttype: 'application/json',
    recipient: track.counterpart,
    ...(options.seq !== false && { referralseq: track.lastSeq }),
    ...(options.causationid !== undefined && { causationid: options.causationid }),
    data,
  };
}

function withNotes(reaction: Reaction, notes: readonly string[]): Reaction {
  return notes.length === 0 ? reaction : { ...reaction, note: notes.join('; ') };
}

/**
 * The short name of an event type for log lines: `mrh.referral.submitted.v1` → `submitted`,
 * `mrh.event.rejected.v1` → `event.rejected`.
 */
export function shortName(type: string): string {
  return type
    .replace(/^mrh\./, '')
    .replace(/\.v\d+$/, '')
    .replace(/^referral\./, '');
}
