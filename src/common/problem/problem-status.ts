import type { CommonErrorCode } from './common.error';

/**
 * Codes of the auth feature's refusals ({@link AuthError} in `src/auth`). Declared here, beside
 * the one switch that maps every code, so this platform module depends on no feature.
 */
export type AuthErrorCode =
  | 'missing-token'
  | 'invalid-token'
  | 'forbidden'
  | 'issuer-unavailable'
  | 'csrf-failed'
  | 'sign-in-failed';

/**
 * Codes of the referral feature's refusals, over HTTP and (as `mrh.event.rejected.v1` codes) on
 * Kafka. Declared here for the same reason as {@link AuthErrorCode}.
 */
export type ReferralErrorCode =
  | 'referral-not-found'
  | 'invalid-transition'
  | 'not-your-turn'
  | 'version-mismatch'
  | 'stale-state'
  | 'invalid-envelope'
  | 'duplicate-referral'
  | 'idempotency-key-reused'
  | 'consent-required'
  | 'consent-withdrawn'
  | 'personal-data-erased'
  | 'erasure-not-allowed'
  | 'not-allowed';

/** Every code the HTTP API can answer with; adding a feature's union here is the one step. */
export type ProblemCode = CommonErrorCode | AuthErrorCode | ReferralErrorCode;

/** HTTP status and title of each code: the one place they are decided. */
export function problemStatus(code: ProblemCode): { status: number; title: string } {
  switch (code) {
    case 'validation-failed':
      return { status: 400, title: 'The request is not valid' };
    case 'malformed-request':
      return { status: 400, title: 'The request could not be read' };
    case 'missing-token':
      return { status: 401, title: 'Authentication required' };
    case 'invalid-token':
      return { status: 401, title: 'The bearer token is not valid' };
    case 'forbidden':
    case 'not-allowed':
      return { status: 403, title: 'Not allowed' };
    case 'not-your-turn':
      return { status: 403, title: 'This action belongs to the other party' };
    case 'csrf-failed':
      return { status: 403, title: 'The request did not come from the console' };
    case 'sign-in-failed':
      return { status: 401, title: 'Sign-in failed' };
    case 'referral-not-found':
      return { status: 404, title: 'Referral not found' };
    case 'invalid-transition':
      return { status: 409, title: "Not allowed in the referral's current state" };
    case 'personal-data-erased':
      return { status: 409, title: "The referral's personal data was erased" };
    case 'erasure-not-allowed':
      return { status: 409, title: 'The personal data cannot be erased now' };
    case 'stale-state':
      return { status: 409, title: 'The referral has changed' };
    case 'duplicate-referral':
      return { status: 409, title: 'The referral exists already' };
    case 'invalid-envelope':
      // Partner events only (referralseq, recipient); listed so the map stays total.
      return { status: 400, title: 'The event envelope is not valid' };
    case 'version-mismatch':
      return { status: 412, title: 'The referral has changed since you read it' };
    case 'idempotency-key-reused':
      return { status: 422, title: 'Idempotency-Key reused with a different request' };
    case 'consent-required':
      return { status: 422, title: 'Consent to share data is required' };
    case 'consent-withdrawn':
      return { status: 409, title: 'Consent to share data was withdrawn' };
    case 'not-found':
      return { status: 404, title: 'Not found' };
    case 'method-not-allowed':
      return { status: 405, title: 'Method not allowed' };
    case 'payload-too-large':
      return { status: 413, title: 'The request body is too large' };
    case 'unsupported-media-type':
      return { status: 415, title: 'Unsupported media type' };
    case 'rate-limited':
      return { status: 429, title: 'Too many requests' };
    case 'internal-error':
      return { status: 500, title: 'Internal error' };
    case 'not-ready':
      return { status: 503, title: 'Not ready' };
    case 'issuer-unavailable':
      return { status: 503, title: "The token issuer's keys are unavailable" };
    case 'database-unavailable':
      return { status: 503, title: 'The database is unavailable' };
  }
}
