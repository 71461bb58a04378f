import type { AuthErrorCode } from '../common/problem/problem-status';
import { ProblemError } from '../common/problem/problem-error';

export type { AuthErrorCode };

/** The caller is not authenticated, or not allowed to do what it asked. */
export class AuthError extends ProblemError<AuthErrorCode> {}
