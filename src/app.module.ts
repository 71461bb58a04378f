import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_INTERCEPTOR, APP_PIPE } from '@nestjs/core';
import type { Logger as PinoLogger } from 'pino';
import { AuditModule } from './audit/audit.module';
import { AuditTrailModule } from './audit-trail/audit-trail.module';
import { AuthModule } from './auth/auth.module';
import { ConsoleModule } from './console/console.module';
import { HealthModule } from './health/health.module';
import { CorrelationInterceptor } from './common/logging/correlation.interceptor';
import { LoggingModule } from './common/logging/logging.module';
import { ProblemFilter } from './common/problem/problem.filter';
import { createValidationPipe } from './common/validation.pipe';
import type { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { KafkaModule } from './kafka/kafka.module';
import { LiveModule } from './live/live.module';
import { MessagingModule } from './messaging/messaging.module';
import { MetricsModule } from './metrics/metrics.module';
import { PartnersModule } from './partners/partners.module';
import { ErasureModule } from './privacy/erasure.module';
import { PersonalDataModule } from './vault/vault.module';
import { ReferralsModule } from './referrals/referrals.module';
import { ReportingModule } from './reporting/reporting.module';

/** The hub application: one module per feature, wired to the process's config and logger. */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig, logger: PinoLogger): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggingModule.forRoot(logger),
        DatabaseModule,
        KafkaModule,
        AuthModule,
        HealthModule,
        AuditTrailModule,
        PersonalDataModule,
        ReferralsModule,
        MessagingModule,
        PartnersModule,
        AuditModule,
        ReportingModule,
        ErasureModule,
        MetricsModule,
        LiveModule,
        ConsoleModule,
      ],
      providers: [
        { provide: APP_FILTER, useClass: ProblemFilter },
        { provide: APP_PIPE, useFactory: createValidationPipe },
        { provide: APP_INTERCEPTOR, useClass: CorrelationInterceptor },
      ],
    };
  }
}
