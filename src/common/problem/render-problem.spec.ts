import { HttpException, NotFoundException, ServiceUnavailableException } from '@nestjs/common';
import { QueryRunnerProviderAlreadyReleasedError } from 'typeorm';
import { AuthError } from '../../auth/auth.error';
import { CommonError } from './common.error';
import { isDatabaseUnavailable, renderProblem } from './render-problem';

describe(renderProblem.name, () => {
  const context = { instance: '/v1/referrals', correlationId: 'c-1' };

  it('renders a domain error with its code, status and field errors', () => {
    const error = new CommonError('validation-failed', 'bad', [
      { path: 'to', message: 'unknown party' },
    ]);

    const { status, body, unexpected } = renderProblem(error, context);

    expect(status).toBe(400);
    expect(unexpected).toBe(false);
    expect(body).toEqual({
      type: 'urn:mrh:problem:validation-failed',
      title: 'The request is not valid',
      status: 400,
      detail: 'bad',
      code: 'validation-failed',
      instance: '/v1/referrals',
      correlationId: 'c-1',
      errors: [{ path: 'to', message: 'unknown party' }],
    });
  });

  it('maps an authentication error to 401', () => {
    expect(renderProblem(new AuthError('invalid-token', 'x'), context).status).toBe(401);
  });

  it('hides the message and stack of an unexpected error', () => {
    const { status, body, unexpected } = renderProblem(
      new Error('secret table users_pii'),
      context,
    );

    expect(status).toBe(500);
    expect(unexpected).toBe(true);
    expect(JSON.stringify(body)).not.toContain('users_pii');
    expect(body.code).toBe('internal-error');
  });

  it('maps Nest exceptions by status', () => {
    expect(renderProblem(new NotFoundException(), context).body.code).toBe('not-found');
  });

  it('keeps the readiness checks of a 503', () => {
    const checks = { status: 'error', error: { kafka: { status: 'down' } } };

    const { body } = renderProblem(new ServiceUnavailableException(checks), context);

    expect(body.code).toBe('not-ready');
    expect(body['checks']).toEqual(checks);
  });

  it('maps Fastify body errors to 413 and 415', () => {
    expect(renderProblem({ statusCode: 413, message: 'x' }, context).body.code).toBe(
      'payload-too-large',
    );
    expect(renderProblem({ statusCode: 415, message: 'x' }, context).body.code).toBe(
      'unsupported-media-type',
    );
  });

  it("answers Fastify's router and parser refusals in our words, not Fastify's", () => {
    const badUrl = { statusCode: 400, code: 'FST_ERR_BAD_URL', message: "'/v1/%E0' is not valid" };
    const longParam = { statusCode: 414, code: 'FST_ERR_MAX_PARAM_LENGTH', message: 'too long' };
    const wrapped = new HttpException('Unsupported Media Type: application/xml', 415, {
      cause: { statusCode: 415, code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE', message: 'x' },
    });

    expect(renderProblem(badUrl, context).body).toMatchObject({
      status: 400,
      code: 'malformed-request',
      detail: 'The URL is not valid (bad percent-encoding).',
    });
    expect(renderProblem(longParam, context).body).toMatchObject({
      status: 404,
      code: 'not-found',
    });
    expect(renderProblem(wrapped, context).body.detail).toBe(
      'Send the body as application/json (UTF-8).',
    );
    expect(renderProblem({ statusCode: 429, message: 'x' }, context).body.code).toBe(
      'rate-limited',
    );
  });

  it('answers 503 when PostgreSQL cannot be reached', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });

    expect(renderProblem(refused, context).status).toBe(503);
  });
});

describe(isDatabaseUnavailable.name, () => {
  it('sees a shut-down server through TypeORM wrapping', () => {
    const error = {
      message: 'query failed',
      driverError: { code: '57P01', message: 'terminating' },
    };

    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it('sees a transaction whose connection died under it (TypeORM released its runner)', () => {
    expect(isDatabaseUnavailable(new QueryRunnerProviderAlreadyReleasedError())).toBe(true);
  });

  it('does not mistake a constraint violation for an outage', () => {
    expect(isDatabaseUnavailable({ code: '23505', message: 'duplicate key' })).toBe(false);
  });
});
