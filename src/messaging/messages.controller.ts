import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import type { Principal } from '../auth/principal';
import { RequirePermission } from '../auth/require-permission.decorator';
import type { CaseMessageView } from '../referrals/case-message';
import { MessagesService } from './messages.service';
import { IntegerParam } from '../common/integer-param';

class ListMessagesQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @IntegerParam()
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;

  /** `nextCursor` of the previous page. */
  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @Matches(/^\d{1,9}$/, { message: 'is not a cursor this API returned' })
  cursor?: string;
}

/** Case messages between the two parties of a referral. */
@ApiTags('messages')
@ApiBearerAuth()
@Controller('referrals/:id/messages')
export class MessagesController {
  constructor(private readonly messages: MessagesService) {}

  @Post()
  @RequirePermission('message.post')
  @ApiOperation({ summary: 'Post a case message (travels to a partner as mrh.message.posted.v1)' })
  post(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Body() body: unknown,
  ): Promise<CaseMessageView> {
    return this.messages.post(principal, id, body);
  }

  @Get()
  @RequirePermission('message.read')
  @ApiOperation({ summary: "The referral's messages in order; the other party's become read" })
  list(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Query() query: ListMessagesQuery,
  ): Promise<{ items: CaseMessageView[]; nextCursor: string | null }> {
    return this.messages.list(principal, id, Number(query.cursor ?? 0), query.limit ?? 50);
  }
}
