import type { AuthErrorCode } from '../../auth/auth.error';
import type { CommonErrorCode } from './common.error';

/** Every code the HTTP API can answer with; adding a feature's union here is the one step. */
export type ProblemCode = CommonErrorCode | AuthErrorCode;

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
      return { status: 403, title: 'Not allowed' };
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
    case 'database-unavailable':
      return { status: 503, title: 'The database is unavailable' };
  }
}
