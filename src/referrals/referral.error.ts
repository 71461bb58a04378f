import { ProblemError } from '../common/problem/problem-error';

/** Refusals of the referral feature, over HTTP and (as `mrh.event.rejected.v1` codes) on Kafka. */
export type ReferralErrorCode =
  | 'referral-not-found'
  | 'invalid-transition'
  | 'not-your-turn'
  | 'version-mismatch'
  | 'stale-state'
  | 'idempotency-key-reused'
  | 'consent-required'
  | 'personal-data-erased'
  | 'erasure-not-allowed'
  | 'not-allowed';

/** A referral action refused for a reason the caller can act on. */
export class ReferralError extends ProblemError<ReferralErrorCode> {}
