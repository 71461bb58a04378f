import { ProblemError } from '../common/problem/problem-error';

export type AuthErrorCode = 'missing-token' | 'invalid-token' | 'forbidden' | 'issuer-unavailable';

/** The caller is not authenticated, or not allowed to do what it asked. */
export class AuthError extends ProblemError<AuthErrorCode> {}
