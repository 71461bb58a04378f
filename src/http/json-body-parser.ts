import type { FastifyInstance } from 'fastify';
import { parseStrictJson, StrictJsonError } from '../common/json/strict-json';
import { CommonError } from '../common/problem/common.error';

/**
 * Makes `application/json` (UTF-8) the only body the API reads, parsed by
 * {@link parseStrictJson}: Fastify's default text/plain parser and Nest's form parser are
 * removed, so any other media type is a 415, and invalid UTF-8 is refused rather than replaced.
 */
export function acceptJsonBodiesOnly(fastify: FastifyInstance): void {
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i
      .exec(request.headers['content-type'] ?? '')?.[1]
      ?.toLowerCase();
    if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
      done(
        new CommonError('unsupported-media-type', 'Send the body as application/json (UTF-8).'),
        undefined,
      );
      return;
    }
    const bytes = body as Buffer;
    if (bytes.length === 0) {
      done(
        new CommonError('malformed-request', 'The body is empty but the content type says JSON.'),
        undefined,
      );
      return;
    }
    try {
      done(null, parseStrictJson(bytes));
    } catch (error) {
      done(
        error instanceof StrictJsonError
          ? new CommonError('malformed-request', error.detail)
          : (error as Error),
        undefined,
      );
    }
  });
}
