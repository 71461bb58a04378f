import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { isLifecycleAction, validatePayload } from '@hub/contracts';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import type { Principal } from '../auth/principal';
import { CommonError } from '../common/problem/common.error';
import type { ReferralChange } from './referral.record';
import { ListReferralsQuery, SubmitBody } from './referral-requests.dto';
import { etagOf, parseIfMatch, type ReferralView } from './referral.view';
import { ReferralsService } from './referrals.service';

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

/** Officers' referral routes (`/v1/referrals`). */
@Controller('referrals')
export class ReferralsController {
  constructor(private readonly referrals: ReferralsService) {}

  @Post()
  async create(
    @CurrentPrincipal() principal: Principal,
    @Body() body: unknown,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ReferralView> {
    if (idempotencyKey !== undefined && !IDEMPOTENCY_KEY.test(idempotencyKey)) {
      throw new CommonError('validation-failed', 'The Idempotency-Key header is not usable.', [
        { path: 'Idempotency-Key', message: 'must be 1 to 255 visible ASCII characters' },
      ]);
    }
    const result = await this.referrals.createDraft(principal, body, idempotencyKey);
    void reply.status(result.status).header('etag', etagOf(result.body.version));
    void reply.header('location', `/v1/referrals/${result.body.id}`);
    if (result.replayed) void reply.header('idempotency-replayed', 'true');
    return result.body;
  }

  @Get()
  list(
    @CurrentPrincipal() principal: Principal,
    @Query() query: ListReferralsQuery,
  ): Promise<{ items: ReferralView[]; nextCursor: string | null }> {
    return this.referrals.list(principal, {
      limit: query.limit ?? 20,
      ...(query.direction && { direction: query.direction }),
      ...(query.status && { status: query.status }),
      ...(query.counterpart && { counterpart: query.counterpart }),
      ...(query.type && { type: query.type }),
      ...(query.cursor && { cursor: query.cursor }),
    });
  }

  @Get(':id')
  async get(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ReferralView> {
    const view = await this.referrals.get(principal, id);
    void reply.header('etag', etagOf(view.version));
    return view;
  }

  /** The referral's numbered changes, oldest first (the auditors' trail builds on these). */
  @Get(':id/history')
  async history(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
  ): Promise<{ items: ReferralChange[] }> {
    return { items: await this.referrals.history(principal, id) };
  }

  @Post(':id/:action')
  @HttpCode(200)
  async act(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Param('action') action: string,
    @Body() body: unknown,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ReferralView> {
    if (!isLifecycleAction(action)) {
      throw new CommonError('not-found', `There is no action "${action}" on referrals.`);
    }
    const version = parseIfMatch(ifMatch);
    let view: ReferralView;
    if (action === 'submit') {
      const parsed = validatePayload(SubmitBody, body ?? {});
      if (!parsed.ok) {
        throw new CommonError(
          'validation-failed',
          'The body is not valid; see errors.',
          parsed.errors,
        );
      }
      view = await this.referrals.submit(principal, id, parsed.value, version);
    } else {
      view = await this.referrals.act(principal, id, action, body, version);
    }
    void reply.header('etag', etagOf(view.version));
    return view;
  }
}
