import { Body, Controller, Get, Headers, Param, Post, Query, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiHeader,
  ApiOperation,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import type { Principal } from '../auth/principal';
import { RequirePermission } from '../auth/require-permission.decorator';
import { IDEMPOTENCY_KEY_HEADER, idempotencyKeyOf } from '../http/idempotency-key';
import type { CaseMessageView } from '../referrals/referrals.module';
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
  @ApiHeader(IDEMPOTENCY_KEY_HEADER)
  async post(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Body() body: unknown,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CaseMessageView> {
    const result = await this.messages.post(principal, id, body, idempotencyKeyOf(idempotencyKey));
    void reply.status(result.status);
    if (result.replayed) void reply.header('idempotency-replayed', 'true');
    return result.body;
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
