import { Catch, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PROBLEM_CONTENT_TYPE, renderProblem } from './render-problem';

/** The one global filter: every error leaves the HTTP API as RFC 9457 problem+json. */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger(ProblemFilter.name);

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    sendProblem(error, request, reply, this.logger);
  }
}

/** Shared by the Nest filter and Fastify's own error handler (errors before routing). */
export function sendProblem(
  error: unknown,
  request: FastifyRequest,
  reply: FastifyReply,
  logger: Pick<Logger, 'error'>,
): void {
  const problem = renderProblem(error, {
    instance: request.url.split('?')[0],
    correlationId: request.id,
  });
  if (problem.unexpected) {
    const stack = error instanceof Error ? error.stack : String(error);
    logger.error(
      `unexpected error serving ${request.method} ${request.url} [${request.id}]`,
      stack,
    );
  }
  if (reply.sent) return;
  if (problem.body.code === 'rate-limited') {
    const wait = problem.body['retryAfterSeconds'];
    void reply.header('retry-after', String(typeof wait === 'number' ? wait : 1));
  }
  void reply.status(problem.status).header('content-type', PROBLEM_CONTENT_TYPE).send(problem.body);
}
