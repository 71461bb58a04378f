import { Module } from '@nestjs/common';
import { LiveUpdates } from './live-updates';
import { StreamController } from './stream.controller';

/** Live notices of referral changes for open console pages (`GET /v1/stream`). */
@Module({
  controllers: [StreamController],
  providers: [LiveUpdates],
  exports: [LiveUpdates],
})
export class LiveModule {}
