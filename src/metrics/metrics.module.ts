import { Module } from '@nestjs/common';
import { OutboxModule } from '../outbox/outbox.module';
import { PartnersModule } from '../partners/partners.module';
import { HubMetrics } from './hub-metrics';
import { MetricsController } from './metrics.controller';

/** `GET /metrics` and the registry HTTP instrumentation records into. */
@Module({
  imports: [OutboxModule, PartnersModule],
  controllers: [MetricsController],
  providers: [HubMetrics],
  exports: [HubMetrics],
})
export class MetricsModule {}
