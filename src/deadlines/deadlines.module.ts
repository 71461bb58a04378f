import { Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { OutboxModule } from '../outbox/outbox.module';
import { DeadlinePolicy, loadDeadlinePolicy } from './deadline-policy';
import { DeadlinesService } from './deadlines.service';
import { OverdueScanner } from './overdue-scanner';

/**
 * Deadlines of waiting steps and the overdue notices that escalate them. The policy is read from
 * `config/deadlines.json` when the module is built: an invalid file stops the hub at start-up.
 */
@Module({
  imports: [OutboxModule],
  providers: [
    {
      provide: DeadlinePolicy,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => loadDeadlinePolicy(config.env.CONFIG_DIR),
    },
    DeadlinesService,
    OverdueScanner,
  ],
  exports: [DeadlinesService, OverdueScanner],
})
export class DeadlinesModule {}
