import { HttpException } from '@nestjs/common';
import { CommonError, type CommonErrorCode } from './common.error';
import { ProblemError } from './problem-error';
import { problemStatus } from './problem-status';

/** Media type of every error response (RFC 9457). */
export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** An RFC 9457 problem document with the hub's `code` and correlation id. */
export interface ProblemDocument {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  code: string;
  correlationId?: string;
  errors?: readonly { path: string; message: string }[];
  [extension: string]: unknown;
}

export interface RenderedProblem {
  status: number;
  body: ProblemDocument;
  /** The error was not a refusal of bad input but a fault of ours: log it with its stack. */
  unexpected: boolean;
}

/**
 * Turns anything thrown while serving a request into a problem document. Never leaks a stack
 * trace or an internal message: unknown errors become a bare `internal-error`.
 */
export function renderProblem(
  error: unknown,
  context: { instance?: string; correlationId?: string },
): RenderedProblem {
  const known = asProblemError(error);
  const problem = known ?? new CommonError('internal-error', 'An unexpected error occurred.');
  const { status, title } = problemStatus(problem.code);
  const body: ProblemDocument = {
    ...problem.extensions,
    type: `urn:mrh:problem:${problem.code}`,
    title,
    status,
    detail: problem.detail,
    code: problem.code,
  };
  if (context.instance !== undefined) body.instance = context.instance;
  if (context.correlationId !== undefined) body.correlationId = context.correlationId;
  if (problem.errors && problem.errors.length > 0) body.errors = problem.errors;
  return { status, body, unexpected: known === undefined };
}

function asProblemError(error: unknown): ProblemError | undefined {
  if (error instanceof ProblemError) return error;
  if (error instanceof HttpException) return fromHttpException(error);
  if (isDatabaseUnavailable(error)) {
    return new CommonError('database-unavailable', 'The database cannot be reached; try again.');
  }
  return fromFastifyError(error);
}

function fromHttpException(error: HttpException): ProblemError | undefined {
  // Nest wraps Fastify's own refusals (body parsing, media types); their messages are Fastify's
  // wording, so answer with ours.
  const fastifyError = fromFastifyError(error.cause);
  if (fastifyError) return fastifyError;
  const status = error.getStatus();
  const code = COMMON_CODE_BY_STATUS[status];
  if (!code) return undefined;
  if (code === 'not-ready') {
    // Terminus throws 503 with the per-dependency results; keep them, they say what is down.
    return new ProblemErrorWithChecks(error.getResponse());
  }
  return new CommonError(code, describeHttpException(error, code));
}

class ProblemErrorWithChecks extends ProblemError<'not-ready'> {
  constructor(checks: unknown) {
    super('not-ready', 'A dependency of the hub is down.', undefined, { checks });
  }
}

const COMMON_CODE_BY_STATUS: Readonly<Record<number, CommonErrorCode>> = {
  400: 'malformed-request',
  404: 'not-found',
  405: 'method-not-allowed',
  413: 'payload-too-large',
  415: 'unsupported-media-type',
  429: 'rate-limited',
  503: 'not-ready',
};

function describeHttpException(error: HttpException, code: CommonErrorCode): string {
  switch (code) {
    case 'not-found':
      return 'No such resource.';
    case 'method-not-allowed':
      return 'This resource does not support that method.';
    case 'payload-too-large':
      return 'The request body exceeds the size limit.';
    case 'unsupported-media-type':
      return 'Send the body as application/json (UTF-8).';
    case 'rate-limited':
      return 'Too many requests; retry later.';
    default:
      return error.message;
  }
}

interface FastifyLikeError {
  statusCode: number;
  code?: string;
  message: string;
}

function isFastifyLikeError(error: unknown): error is FastifyLikeError {
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as { statusCode?: unknown }).statusCode === 'number' &&
    typeof (error as { message?: unknown }).message === 'string'
  );
}

/** Errors Fastify raises before a handler runs (URLs, body parsing, limits, media types). */
function fromFastifyError(error: unknown): ProblemError | undefined {
  if (!isFastifyLikeError(error)) return undefined;
  switch (error.code) {
    case 'FST_ERR_BAD_URL':
      return new CommonError('malformed-request', 'The URL is not valid (bad percent-encoding).');
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return new CommonError('not-found', 'No such resource.');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new CommonError('malformed-request', 'The body does not match its Content-Length.');
    default:
      break;
  }
  switch (error.statusCode) {
    case 413:
      return new CommonError('payload-too-large', 'The request body exceeds the size limit.');
    case 415:
      return new CommonError(
        'unsupported-media-type',
        'Send the body as application/json (UTF-8).',
      );
    case 400:
      return new CommonError('malformed-request', 'The request could not be read.');
    case 404:
      return new CommonError('not-found', 'No such resource.');
    case 429:
      return new CommonError('rate-limited', 'Too many requests; retry later.');
    default:
      return undefined;
  }
}

const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '08000',
  '08001',
  '08003',
  '08006',
]);

/**
 * TypeORM releases a transaction's query runner when its connection reports an error (the server
 * ended the session: a restart, a shutdown) and then refuses the transaction's next statement with
 * this error instead of the connection's. The transaction seam never releases a runner while work
 * is running, so here it always means the connection was lost.
 */
const RUNNER_RELEASED = 'QueryRunnerProviderAlreadyReleasedError';

/** A failure to reach PostgreSQL (refused, shut down, connection lost), not a query error. */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 4; depth++) {
    if (typeof e !== 'object') return false;
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && UNAVAILABLE_CODES.has(code)) return true;
    if ((e as { name?: unknown }).name === RUNNER_RELEASED) return true;
    const message = (e as { message?: unknown }).message;
    if (
      typeof message === 'string' &&
      /Connection terminated|timeout exceeded when trying to connect/.test(message)
    ) {
      return true;
    }
    e =
      (e as { driverError?: unknown; cause?: unknown }).driverError ??
      (e as { cause?: unknown }).cause;
  }
  return false;
}
