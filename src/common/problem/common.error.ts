import { ProblemError } from './problem-error';

/** Codes of refusals that belong to no feature in particular. */
export type CommonErrorCode =
  | 'validation-failed'
  | 'malformed-request'
  | 'payload-too-large'
  | 'unsupported-media-type'
  | 'not-found'
  | 'method-not-allowed'
  | 'rate-limited'
  | 'not-ready'
  | 'database-unavailable'
  | 'internal-error';

/** A refusal that is not specific to a feature (bad body, unknown route, dependency down …). */
export class CommonError extends ProblemError<CommonErrorCode> {}
