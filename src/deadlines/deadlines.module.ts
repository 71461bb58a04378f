import { Module } from '@nestjs/common';
import { DeadlinesService } from './deadlines.service';

/** Deadlines of waiting steps and the overdue notices that escalate them. */
@Module({
  providers: [DeadlinesService],
  exports: [DeadlinesService],
})
export class DeadlinesModule {}
