import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiHeader,
  ApiOperation,
  ApiParam,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { isLifecycleAction, LIFECYCLE_ACTION_NAMES } from '@hub/contracts';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import type { Principal } from '../auth/principal';
import { RequirePermission } from '../auth/require-permission.decorator';
import { CommonError } from '../common/problem/common.error';
import { IDEMPOTENCY_KEY_HEADER, idempotencyKeyOf } from '../http/idempotency-key';
import { ListReferralsQuery } from './referral-requests.dto';
import { etagOf, parseIfMatch, type ReferralView } from './referral.view';
import { ReferralsService, type ReferralResponse } from './referrals.service';

/** Officers' referral routes (`/v1/referrals`). */
@ApiTags('referrals')
@ApiBearerAuth()
@ApiResponse({ status: 401, description: 'No valid bearer token (problem+json)' })
@Controller('referrals')
export class ReferralsController {
  constructor(private readonly referrals: ReferralsService) {}

  @Post()
  @RequirePermission('referral.create')
  @ApiOperation({ summary: 'Create a draft referral' })
  @ApiHeader(IDEMPOTENCY_KEY_HEADER)
  @ApiBody({ schema: { $ref: '#/components/schemas/ReferralContent' } })
  @ApiResponse({ status: 201, schema: { $ref: '#/components/schemas/ReferralView' } })
  @ApiResponse({ status: 400, description: 'Validation failed; `errors` names each field' })
  @ApiResponse({ status: 422, description: 'Idempotency-Key reused with another body' })
  async create(
    @CurrentPrincipal() principal: Principal,
    @Body() body: unknown,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ReferralView> {
    const result = await this.referrals.createDraft(
      principal,
      body,
      idempotencyKeyOf(idempotencyKey),
    );
    void reply.header('location', `/v1/referrals/${result.body.id}`);
    return answer(reply, result);
  }

  @Get()
  @RequirePermission('referral.list')
  @ApiOperation({
    summary:
      "List the caller's party's referrals (auditors: every referral), newest first (cursor paging)",
  })
  @ApiResponse({ status: 200, schema: { $ref: '#/components/schemas/ReferralPage' } })
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
      ...(query.overdue !== undefined && { overdue: query.overdue }),
      ...(query.cursor !== undefined && { cursor: query.cursor }),
    });
  }

  @Get(':id')
  @RequirePermission('referral.read-metadata')
  @ApiOperation({
    summary: 'One referral; ETag is its version',
    description:
      'With its content for the officers of its parties (the read is audited). Auditors get the ' +
      'metadata alone: no `content`, and `personalData: "withheld"`.',
  })
  @ApiResponse({ status: 200, schema: { $ref: '#/components/schemas/ReferralView' } })
  @ApiResponse({ status: 404, description: 'No such referral visible to the caller' })
  async get(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ReferralView> {
    const view = await this.referrals.get(principal, id);
    void reply.header('etag', etagOf(view.version));
    return view;
  }

  @Post(':id/submit')
  @HttpCode(200)
  @RequirePermission('referral.submit')
  @ApiOperation({ summary: 'submit (documented with the other actions below)' })
  @ApiHeader({ name: 'If-Match', required: false, description: 'The version (ETag) acted on' })
  @ApiHeader(IDEMPOTENCY_KEY_HEADER)
  async submit(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Body() body: unknown,
    @Headers('if-match') ifMatch: string | undefined,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ReferralView> {
    const key = idempotencyKeyOf(idempotencyKey);
    const result = await this.referrals.act(
      principal,
      id,
      'submit',
      body,
      parseIfMatch(ifMatch),
      key,
    );
    return answer(reply, result);
  }

  @Post(':id/consent/withdrawal')
  @HttpCode(200)
  @RequirePermission('referral.consent-withdraw')
  @ApiOperation({
    summary: "Record that the victim (or a minor's guardian) withdrew consent to share data",
    description:
      'Victim repatriations only; either side may record it. The counterpart is told at once ' +
      '(`mrh.referral.consent-withdrawn.v1`) and asked to restrict its copy of the person; until ' +
      'consent is restored, submitting the referral, case messages with attachments and a new ' +
      'referral of the same person are refused (`consent-withdrawn`), and the counterpart sees ' +
      'the referral without the personal data (`personalData: "restricted"`).',
  })
  @ApiHeader({ name: 'If-Match', required: false, description: 'The version (ETag) acted on' })
  @ApiHeader(IDEMPOTENCY_KEY_HEADER)
  @ApiBody({ schema: { $ref: '#/components/schemas/WithdrawConsentBody' } })
  @ApiResponse({ status: 200, schema: { $ref: '#/components/schemas/ReferralView' } })
  @ApiResponse({ status: 400, description: 'Validation failed; `errors` names each field' })
  @ApiResponse({ status: 404, description: 'No such referral visible to the caller' })
  @ApiResponse({
    status: 409,
    description: 'Not a victim repatriation, or consent is withdrawn already (invalid-transition)',
  })
  async withdrawConsent(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Body() body: unknown,
    @Headers('if-match') ifMatch: string | undefined,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ReferralView> {
    const key = idempotencyKeyOf(idempotencyKey);
    const result = await this.referrals.changeConsent(
      principal,
      id,
      'withdraw-consent',
      body,
      parseIfMatch(ifMatch),
      key,
    );
    return answer(reply, result);
  }

  @Post(':id/consent/restoration')
  @HttpCode(200)
  @RequirePermission('referral.consent-restore')
  @ApiOperation({
    summary:
      'Restore consent to share data (a supervisor of the side that recorded the withdrawal)',
    description:
      'The counterpart is told (`mrh.referral.consent-restored.v1`) and the restriction lifted.',
  })
  @ApiHeader({ name: 'If-Match', required: false, description: 'The version (ETag) acted on' })
  @ApiHeader(IDEMPOTENCY_KEY_HEADER)
  @ApiBody({ schema: { $ref: '#/components/schemas/RestoreConsentBody' } })
  @ApiResponse({ status: 200, schema: { $ref: '#/components/schemas/ReferralView' } })
  @ApiResponse({ status: 400, description: 'Validation failed; `errors` names each field' })
  @ApiResponse({ status: 403, description: 'Not a supervisor, or not the side that withdrew it' })
  @ApiResponse({ status: 404, description: 'No such referral visible to the caller' })
  @ApiResponse({ status: 409, description: 'Consent is not withdrawn (invalid-transition)' })
  async restoreConsent(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Body() body: unknown,
    @Headers('if-match') ifMatch: string | undefined,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ReferralView> {
    const key = idempotencyKeyOf(idempotencyKey);
    const result = await this.referrals.changeConsent(
      principal,
      id,
      'restore-consent',
      body,
      parseIfMatch(ifMatch),
      key,
    );
    return answer(reply, result);
  }

  /** Every action but submit, which has its own route (and permission) above. */
  @Post(':id/:action')
  @HttpCode(200)
  @RequirePermission('referral.act')
  @ApiOperation({ summary: 'A lifecycle action (documented per action below)' })
  @ApiParam({ name: 'action', enum: LIFECYCLE_ACTION_NAMES })
  @ApiHeader({ name: 'If-Match', required: false, description: 'The version (ETag) acted on' })
  @ApiHeader(IDEMPOTENCY_KEY_HEADER)
  async act(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Param('action') action: string,
    @Body() body: unknown,
    @Headers('if-match') ifMatch: string | undefined,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ReferralView> {
    if (!isLifecycleAction(action) || action === 'submit') {
      throw new CommonError('not-found', `There is no action "${action}" on referrals.`);
    }
    const key = idempotencyKeyOf(idempotencyKey);
    const result = await this.referrals.act(
      principal,
      id,
      action,
      body,
      parseIfMatch(ifMatch),
      key,
    );
    return answer(reply, result);
  }
}

/** Status, ETag and the replay marker of a change's answer. */
function answer(reply: FastifyReply, result: ReferralResponse): ReferralView {
  void reply.status(result.status).header('etag', etagOf(result.body.version));
  if (result.replayed) void reply.header('idempotency-replayed', 'true');
  return result.body;
}
