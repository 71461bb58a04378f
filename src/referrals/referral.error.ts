import { ProblemError } from '../common/problem/problem-error';
import type { ReferralErrorCode } from '../common/problem/problem-status';

export type { ReferralErrorCode };

/** A referral action refused for a reason the caller can act on (codes: {@link ReferralErrorCode}). */
export class ReferralError extends ProblemError<ReferralErrorCode> {}
