import { Logger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ConsoleSessions } from '../auth/console-sessions';
import { TokenVerifier } from '../auth/token-verifier';
import type { AppConfig } from '../config/app-config';
import { CORRELATION_HEADER } from '../common/logging/correlation';
import { CommonError } from '../common/problem/common.error';
import { sendProblem } from '../common/problem/problem.filter';
import { acceptJsonBodiesOnly } from './json-body-parser';
import { isExemptFromRateLimit, RequestRateLimit } from './request-rate-limit';
import { RouteTable } from './route-table';
import { setSecurityHeaders } from './security-headers';

const logger = new Logger('Http');

/** Headers a browser page on an allowed origin may send and read. */
const CORS_REQUEST_HEADERS = ['authorization', 'content-type', 'idempotency-key', 'if-match'];
const CORS_EXPOSED_HEADERS = ['etag', 'location', 'retry-after', 'x-request-id'];

/**
 * Fastify's router errors (a malformed percent-encoding, an over-long path parameter) are
 * answered before any hook runs: render them like every other error.
 */
export function frameworkErrorHandler(
  error: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  // No hook ran: set what they would have (the id is generated, never the caller's raw header).
  void reply.header(CORRELATION_HEADER, request.id);
  setSecurityHeaders(reply, request.url.split('?')[0] ?? '');
  sendProblem(error, request, reply, logger);
}

/**
 * Everything the HTTP API does against hostile or careless clients, wired before the routes are
 * registered (`app.init()`): JSON-only bodies, security headers on every response, CORS closed
 * unless origins are listed, rate limits per officer (per address without a valid token), and 405
 * with `Allow` for a known path asked with the wrong method. The body limit (413) is the
 * adapter's `bodyLimit`.
 */
export function hardenHttp(app: NestFastifyApplication, config: AppConfig): void {
  const fastify = app.getHttpAdapter().getInstance();
  acceptJsonBodiesOnly(fastify);

  const origins = config.corsOrigins;
  if (origins.length > 0) {
    app.enableCors({
      origin: origins,
      methods: ['GET', 'POST'],
      allowedHeaders: CORS_REQUEST_HEADERS,
      exposedHeaders: CORS_EXPOSED_HEADERS,
      credentials: false,
      maxAge: 600,
    });
  }

  const routes = new RouteTable();
  fastify.addHook('onRoute', (route) => routes.add(route.method, route.url));

  const limiter = config.env.RATE_LIMIT_ENABLED
    ? new RequestRateLimit(app.get(TokenVerifier), app.get(ConsoleSessions), {
        perOfficer: config.env.RATE_LIMIT_PER_OFFICER,
        perAddress: config.env.RATE_LIMIT_PER_ADDRESS,
        windowSeconds: config.env.RATE_LIMIT_WINDOW_SECONDS,
      })
    : undefined;

  fastify.addHook('onRequest', async (request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    setSecurityHeaders(reply, path);
    if (limiter && !isExemptFromRateLimit(path)) await limiter.check(request);
    if (request.is404) {
      const allowed = routes.allowedMethods(path);
      if (allowed.length > 0 && !allowed.includes(request.method)) {
        void reply.header('allow', allowed.join(', '));
        throw new CommonError('method-not-allowed', `This resource answers ${allowed.join(', ')}.`);
      }
    }
  });
}
