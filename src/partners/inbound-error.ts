import type { FieldError } from '@hub/contracts';

/**
 * Codes of `mrh.event.rejected.v1` and of dead-letter records (`mrh-dlq-code`) — what a partner
 * system is told when the hub refuses its event. Stable: partners branch on them.
 */
export type InboundErrorCode =
  // The record is unusable as an event: it goes to the DLQ.
  | 'unsupported-content-type'
  | 'malformed-event'
  | 'invalid-envelope'
  | 'unknown-type'
  | 'invalid-data'
  | 'foreign-source'
  | 'duplicate-event-id'
  | 'bad-signature'
  | 'processing-failed'
  // The event is well-formed but the hub cannot apply it: answered with a rejection only.
  | 'referral-not-found'
  | 'invalid-transition'
  | 'not-your-turn'
  | 'stale-state'
  | 'duplicate-referral'
  | 'consent-required'
  | 'consent-withdrawn'
  | 'not-allowed'
  | 'personal-data-erased'
  | 'unsupported-type'
  // A witness's event about the audit log the hub cannot apply.
  | 'unknown-checkpoint'
  | 'bad-cosignature';

/** Codes whose records are dead-lettered as well as answered. */
export const DEAD_LETTER_CODES: ReadonlySet<InboundErrorCode> = new Set<InboundErrorCode>([
  'unsupported-content-type',
  'malformed-event',
  'invalid-envelope',
  'unknown-type',
  'invalid-data',
  'foreign-source',
  'duplicate-event-id',
  'bad-signature',
  'processing-failed',
]);

/** A partner event the hub refuses, with what to tell the partner. */
export class InboundRefusal extends Error {
  constructor(
    readonly code: InboundErrorCode,
    readonly detail: string,
    readonly errors?: readonly FieldError[],
  ) {
    super(`${code}: ${detail}`);
    this.name = 'InboundRefusal';
  }
}
