import type { IncomingMessage } from 'node:http';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { LogController } from 'fastify';
import type { Logger as PinoLogger } from 'pino';
import { SwaggerModule } from '@nestjs/swagger';
import { AppModule } from './app.module';
import { API_PREFIX, UNPREFIXED_ROUTES } from './common/api-prefix';
import { buildOpenApiDocument } from './openapi/openapi-document';
import { serveConsole } from './console/console-assets';
import { frameworkErrorHandler, hardenHttp } from './http/harden-http';
import { CORRELATION_HEADER, correlationIdFrom } from './common/logging/correlation';
import { PinoNestLogger } from './common/logging/pino-nest-logger';
import { HubMetrics } from './metrics/hub-metrics';
import type { AppConfig } from './config/app-config';

/** Largest accepted request body; larger ones get 413 problem+json before any parsing. */
export const BODY_LIMIT_BYTES = 256 * 1024;

/**
 * Builds the hub's HTTP application (not yet listening): Fastify with the global `/v1` prefix,
 * correlation ids, problem+json for every error, structured logs. Shared by `main.ts` and tests.
 */
export async function createApp(
  config: AppConfig,
  logger: PinoLogger,
): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    loggerInstance: logger,
    // Our onResponse hook writes one line per request instead of Fastify's two.
    logController: new LogController({
      disableRequestLogging: true,
      requestIdLogLabel: 'correlationId',
    }),
    requestIdHeader: false,
    genReqId: (request: IncomingMessage) => correlationIdFrom(request.headers[CORRELATION_HEADER]),
    bodyLimit: BODY_LIMIT_BYTES,
    return503OnClosing: true,
    frameworkErrors: frameworkErrorHandler,
    // Longer ids reach the routes and get their 404 rather than the router's 414.
    routerOptions: { maxParamLength: 500 },
  });
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot(config, logger),
    adapter,
    // Bodies are parsed by our strict JSON parser only (see hardenHttp).
    { logger: new PinoNestLogger(logger), abortOnError: false, bodyParser: false },
  );
  app.setGlobalPrefix(API_PREFIX, { exclude: [...UNPREFIXED_ROUTES] });
  app.enableShutdownHooks();

  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.header(CORRELATION_HEADER, request.id);
    done();
  });
  hardenHttp(app, config);
  const metrics = app.get(HubMetrics);
  fastify.addHook('onResponse', (request, reply, done) => {
    // The route pattern, never the raw URL: one series per route, whatever clients send.
    metrics.observeRequest(
      request.method,
      request.is404 ? 'unmatched' : (request.routeOptions.url ?? 'unmatched'),
      reply.statusCode,
      reply.elapsedTime / 1000,
    );
    request.log.info(
      {
        method: request.method,
        url: request.url.split('?')[0],
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime * 10) / 10,
      },
      'request',
    );
    done();
  });
  // Public like the health probes: the API's description is no secret.
  SwaggerModule.setup('docs', app, () => buildOpenApiDocument(app), {
    jsonDocumentUrl: 'docs/openapi.json',
  });
  await serveConsole(fastify, config.env.CONSOLE_DIR);
  await app.init();
  await fastify.ready();
  return app;
}
