import { existsSync, statSync } from 'node:fs';
import { isAbsolute, join, normalize, resolve, sep } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Logger } from '@nestjs/common';
import { CommonError } from '../common/problem/common.error';
import { sendProblem } from '../common/problem/problem.filter';
import { CONSOLE_PATH } from './console-auth.controller';

const logger = new Logger('Console');

/** Hashed file names under `assets/` never change content: browsers may keep them a year. */
const IMMUTABLE = 'public, max-age=31536000, immutable';

/**
 * Serves the built console (`CONSOLE_DIR`, from `npm run build:console`) under `/console/`: a
 * file when the path names one (its `.br`/`.gz` twin when the browser accepts it), else the
 * single page `index.html`, whose script then shows the page the path names. `/` leads to the
 * console. Nothing here is secret: every datum comes through the authenticated `/v1` API.
 */
export async function serveConsole(fastify: FastifyInstance, consoleDir: string): Promise<void> {
  const root = isAbsolute(consoleDir) ? consoleDir : resolve(process.cwd(), consoleDir);
  await fastify.register(async (scope) => {
    await scope.register(fastifyStatic, {
      root,
      serve: false,
      preCompressed: true,
      // Caching is decided below, per file.
      cacheControl: false,
      etag: true,
      lastModified: true,
    });
    scope.get('/', (_request, reply) => reply.redirect(CONSOLE_PATH, 302));
    scope.get('/console', (_request, reply) => reply.redirect(CONSOLE_PATH, 301));
    scope.get('/console/*', (request, reply) => sendConsoleFile(root, request, reply));
    // These routes are Fastify's, not Nest's: their errors, and those of the hooks before them
    // (a 429 of the rate limit), are answered with problem+json as the API's are.
    scope.setErrorHandler((error, request, reply) => {
      sendProblem(error, request, reply, logger);
    });
  });
}

function sendConsoleFile(root: string, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (!existsSync(join(root, 'index.html'))) {
    throw new CommonError(
      'not-ready',
      'The console is not built on this hub: run `npm run build:console` (or `npm run build`).',
    );
  }
  let path: string;
  try {
    path = decodeURIComponent((request.url.split('?')[0] ?? '').slice(CONSOLE_PATH.length));
  } catch {
    throw new CommonError('not-found', 'The console has no such page.');
  }
  const relative = normalize(path).replace(/^(\.\.(\/|\\|$))+/, '');
  const file = join(root, relative);
  const isFile =
    relative !== '' &&
    file.startsWith(root + sep) &&
    existsSync(file) &&
    statSync(file).isFile() &&
    !relative.endsWith('.gz') &&
    !relative.endsWith('.br');
  if (isFile) {
    void reply.header('cache-control', relative.startsWith('assets/') ? IMMUTABLE : 'no-cache');
    return reply.sendFile(relative);
  }
  // A path of the single-page app (a referral's page, the inbox …), or a file that is not there.
  if (/\.[a-z0-9]{1,8}$/i.test(relative)) {
    throw new CommonError('not-found', `The console has no file ${relative}.`);
  }
  void reply.header('cache-control', 'no-cache');
  return reply.sendFile('index.html');
}
