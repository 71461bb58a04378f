import { Module } from '@nestjs/common';
import { ReferralsModule } from '../referrals/referrals.module';
import { MessagesController } from './messages.controller';
import { MessagesService } from './messages.service';

/** Case messages over HTTP; partners' messages arrive through the inbound processor. */
@Module({
  imports: [ReferralsModule],
  controllers: [MessagesController],
  providers: [MessagesService],
})
export class MessagingModule {}
