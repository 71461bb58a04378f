import { Module } from '@nestjs/common';
import { ReferralsModule } from '../referrals/referrals.module';
import { CaseMessageRepository } from '../referrals/case-message.repository';
import { MessagesController } from './messages.controller';
import { MessagesService } from './messages.service';

/** Case messages over HTTP; partners' messages arrive through the inbound consumer. */
@Module({
  imports: [ReferralsModule],
  controllers: [MessagesController],
  providers: [MessagesService, CaseMessageRepository],
  exports: [MessagesService],
})
export class MessagingModule {}
