import { Controller, Get, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '../auth/public.decorator';
import { HubMetrics } from './hub-metrics';

/**
 * Prometheus scrape endpoint. Public like the health probes (no case data in it) and outside
 * `/v1`; not rate limited. Restrict it at the network edge if the figures are sensitive there.
 */
@Public()
@ApiTags('health')
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: HubMetrics) {}

  @Get()
  @ApiOperation({
    summary: 'Prometheus metrics (text exposition format)',
    description:
      'Process metrics; HTTP requests by route and status; outbox backlog and relay ' +
      'publications and failures; inbound events applied, rejected and dead-lettered; audit log size.',
  })
  @ApiProduces('text/plain')
  async scrape(@Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    const text = await this.metrics.metrics();
    void reply.header('content-type', this.metrics.contentType).header('cache-control', 'no-store');
    return text;
  }
}
