/**
 * Every CloudEvents `type` of contract v1 (`mrh.<noun>.<verb>.v<major>`). A breaking change gets a
 * new `.vN` type published alongside the old one, never a change to these.
 */
export const EVENT_TYPES = {
  /** A referral was submitted; data: the full referral content. */
  referralSubmitted: 'mrh.referral.submitted.v1',
  /** The receiver acknowledged a referral. */
  referralAcknowledged: 'mrh.referral.acknowledged.v1',
  /** The receiver asked the sender for more information. */
  referralInfoRequested: 'mrh.referral.info-requested.v1',
  /** The sender answered an information request. */
  referralInfoProvided: 'mrh.referral.info-provided.v1',
  /** The receiver accepted a referral. */
  referralAccepted: 'mrh.referral.accepted.v1',
  /** The receiver rejected a referral, with a coded reason. */
  referralRejected: 'mrh.referral.rejected.v1',
  /** Either side scheduled (or rescheduled) the hand-over. */
  referralHandoverScheduled: 'mrh.referral.handover-scheduled.v1',
  /** The receiver completed a referral. */
  referralCompleted: 'mrh.referral.completed.v1',
  /** The sender withdrew a referral. */
  referralWithdrawn: 'mrh.referral.withdrawn.v1',
  /**
   * The victim (or guardian) withdrew consent to share their data: the recipient restricts its
   * copy, and nothing more of the person is disclosed until consent is restored.
   */
  referralConsentWithdrawn: 'mrh.referral.consent-withdrawn.v1',
  /** Consent to share data holds again (recorded by a supervisor, or the partner's system). */
  referralConsentRestored: 'mrh.referral.consent-restored.v1',
  /** A case message was posted on a referral. */
  messagePosted: 'mrh.message.posted.v1',
  /** Hub notice: a step of a referral missed its deadline. */
  referralOverdue: 'mrh.referral.overdue.v1',
  /** The hub applied a partner's event, or a partner confirms it received a hub event. */
  receipt: 'mrh.receipt.v1',
  /** Hub notice: the hub refused a partner's event. */
  eventRejected: 'mrh.event.rejected.v1',
  /** Hub notice: a signed audit checkpoint, so partners hold evidence of the history. */
  auditCheckpoint: 'mrh.audit.checkpoint.v1',
  /** A partner system, as a witness of the audit log, cosigns a checkpoint it found consistent. */
  auditCosigned: 'mrh.audit.cosigned.v1',
  /** A partner system, as a witness, refuses a checkpoint that forks the log it cosigned. */
  auditForkDetected: 'mrh.audit.fork-detected.v1',
} as const;

/** One of the values of {@link EVENT_TYPES}, e.g. `mrh.referral.submitted.v1`. */
export type EventType = (typeof EVENT_TYPES)[keyof typeof EVENT_TYPES];

/** Every event type, in the order of {@link EVENT_TYPES}. */
export const EVENT_TYPE_VALUES: readonly EventType[] = Object.values(EVENT_TYPES);

/** True when `type` is an event type of contract v1. */
export function isEventType(type: unknown): type is EventType {
  return typeof type === 'string' && (EVENT_TYPE_VALUES as readonly string[]).includes(type);
}
