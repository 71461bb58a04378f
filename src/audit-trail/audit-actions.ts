/** Who or what causes an audited action, and when: one row of the README's table. */
export interface AuditedAction {
  /** Who or what acts (an officer's role, a partner system, the hub itself). */
  readonly by: string;
  /** The request, event or job that writes the entry. */
  readonly when: string;
}

const LIFECYCLE_STEP = 'the party whose turn it is: an officer, or a partner system';

/**
 * Every action the audit trail records, by the name its entries carry. {@link AuditWriter} takes
 * only these names, so an entry cannot be written under a name missing here, and the README's
 * table (`npm run docs:audit-actions`, checked by a unit test) is generated from this list.
 */
export const AUDITED_ACTIONS = {
  'referral.create': {
    by: 'a liaison officer',
    when: '`POST /v1/referrals` stores a draft (a retry with the same `Idempotency-Key` writes none)',
  },
  'referral.submit': {
    by: "the sender: an officer, or a partner system's new referral",
    when: '`POST …/submit`, or `mrh.referral.submitted.v1` applied',
  },
  'referral.acknowledge': {
    by: LIFECYCLE_STEP,
    when: '`POST …/acknowledge`, or `mrh.referral.acknowledged.v1` applied',
  },
  'referral.request-info': {
    by: LIFECYCLE_STEP,
    when: '`POST …/request-info`, or `mrh.referral.info-requested.v1` applied',
  },
  'referral.provide-info': {
    by: LIFECYCLE_STEP,
    when: '`POST …/provide-info`, or `mrh.referral.info-provided.v1` applied',
  },
  'referral.accept': {
    by: LIFECYCLE_STEP,
    when: '`POST …/accept`, or `mrh.referral.accepted.v1` applied',
  },
  'referral.reject': {
    by: LIFECYCLE_STEP,
    when: '`POST …/reject`, or `mrh.referral.rejected.v1` applied',
  },
  'referral.schedule-handover': {
    by: LIFECYCLE_STEP,
    when: '`POST …/schedule-handover`, or `mrh.referral.handover-scheduled.v1` applied',
  },
  'referral.complete': {
    by: LIFECYCLE_STEP,
    when: '`POST …/complete`, or `mrh.referral.completed.v1` applied',
  },
  'referral.withdraw': {
    by: LIFECYCLE_STEP,
    when: '`POST …/withdraw` (a draft too), or `mrh.referral.withdrawn.v1` applied',
  },
  'referral.withdraw-consent': {
    by: 'either side: a liaison officer or supervisor, or a partner system',
    when: '`POST …/consent/withdrawal`, or `mrh.referral.consent-withdrawn.v1` applied',
  },
  'referral.restore-consent': {
    by: 'the side that withdrew it: a supervisor, or that partner system',
    when: '`POST …/consent/restoration`, or `mrh.referral.consent-restored.v1` applied',
  },
  'referral.consent-override': {
    by: 'a supervisor',
    when: 'submits a victim repatriation without consent to share data, with a reason (beside `referral.submit`)',
  },
  'referral.read': {
    by: "an officer of one of the referral's parties",
    when: '`GET /v1/referrals/{id}` answers with the personal data (auditors, who get none, write no entry)',
  },
  'message.posted': {
    by: 'an officer, or a partner system',
    when: '`POST …/messages`, or `mrh.message.posted.v1` applied',
  },
  'messages.read': {
    by: 'an officer',
    when: '`GET …/messages` answers a page of case messages (the ids read are digested)',
  },
  'referral.delivery-confirmed': {
    by: 'a partner system',
    when: 'its `mrh.receipt.v1` `DELIVERED` marks a change or a case message of the referral delivered',
  },
  'referral.overdue': {
    by: 'the hub (overdue scanner)',
    when: "a waiting step's deadline passed (once per step, however many instances run)",
  },
  'referral.personal-data-erased': {
    by: 'a supervisor, or the hub (`hub:retention`)',
    when: '`POST …/erase`, or `PERSONAL_DATA_RETENTION_DAYS` after the referral closed',
  },
  'partner-event.refused': {
    by: 'a partner system',
    when: 'the hub refused its event (the code is the outcome; the event is digested, never kept)',
  },
} as const satisfies Record<string, AuditedAction>;

/** The name of an audited action, as entries carry it in `action`. */
export type AuditAction = keyof typeof AUDITED_ACTIONS;

/** Every audited action's name, in the README's order. */
export const AUDIT_ACTION_NAMES = Object.keys(AUDITED_ACTIONS) as readonly AuditAction[];

/** The README's table of audited actions (Markdown, before Prettier aligns it). */
export function auditActionsMarkdown(): string {
  const rows = AUDIT_ACTION_NAMES.map((name) => {
    const { by, when } = AUDITED_ACTIONS[name];
    return `| \`${name}\` | ${by} | ${when} |`;
  });
  return ['| action | by | when |', '| --- | --- | --- |', ...rows].join('\n');
}
