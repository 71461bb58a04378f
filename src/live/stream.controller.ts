import { Controller, Get, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { StreamEvent } from '@hub/contracts';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import { grantOf } from '../auth/permissions';
import type { Principal } from '../auth/principal';
import { RequirePermission } from '../auth/require-permission.decorator';
import { LiveUpdates, type LiveUpdate } from './live-updates';

/** A comment line this often keeps proxies and the browser from closing an idle stream. */
export const HEARTBEAT_MS = 15_000;

/**
 * `GET /v1/stream`: server-sent events telling an open console page that a referral it may see
 * changed, within the time a commit takes to be heard (no polling). Each event names the
 * referral, its version and status, and what changed, never its content: the page then reads the
 * referral through the API, which applies every rule again.
 */
@ApiTags('live')
@Controller('stream')
export class StreamController {
  constructor(private readonly live: LiveUpdates) {}

  @Get()
  @RequirePermission('live.read')
  @ApiOperation({
    summary:
      'Server-sent events: `referral` {referralId, version, status, kind} for each change to a ' +
      'referral the caller may see; `resync` when notices may have been missed (read again)',
  })
  @ApiProduces('text/event-stream')
  @ApiResponse({ status: 200, description: 'An endless text/event-stream' })
  stream(@CurrentPrincipal() principal: Principal, @Res() reply: FastifyReply): void {
    const everyReferral = grantOf(principal, 'live.read') === 'all';
    const visible = (u: LiveUpdate): boolean =>
      everyReferral ||
      u.from === principal.party ||
      (u.to === principal.party && u.status !== 'DRAFT');
    reply.hijack();
    const raw = reply.raw;
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(reply.getHeaders())) {
      if (value !== undefined) headers[name] = String(value);
    }
    raw.writeHead(200, {
      ...headers,
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      // Tells nginx-like proxies not to buffer the stream.
      'x-accel-buffering': 'no',
    });
    const write = (chunk: string): void => {
      if (!raw.writableEnded) raw.write(chunk);
    };
    write(`retry: 2000\nevent: ready\ndata: {}\n\n`);
    const unsubscribe = this.live.subscribe(
      (update) => {
        if (!visible(update)) return;
        const data: StreamEvent = {
          referralId: update.referralId,
          version: update.version,
          status: update.status,
          kind: update.kind,
        };
        write(`event: referral\ndata: ${JSON.stringify(data)}\n\n`);
      },
      () => write(`event: resync\ndata: {}\n\n`),
    );
    const heartbeat = setInterval(() => write(`: heartbeat\n\n`), HEARTBEAT_MS);
    raw.on('close', () => {
      clearInterval(heartbeat);
      unsubscribe();
    });
  }
}
