import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import type { Principal } from '../auth/principal';
import { RequirePermission } from '../auth/require-permission.decorator';
import { suppressSmallCounts } from './small-counts';
import { statsAccessOf } from './stats-access';
import { CSV_CONTENT_TYPE, statsCsv } from './stats-csv';
import { resolvePeriod } from './stats-period';
import { StatsPeriodQuery, StatsQuery } from './stats-query.dto';
import type { ReportedCount, StatsReport } from './stats-report';
import { StatsService } from './stats.service';

const DESCRIPTION =
  'Supervisors get the figures of the referrals with a party of their own country, with counts ' +
  'of 1 to 4 shown as "<5"; auditors get every referral, exact. The CSV export always applies ' +
  'the small-count rule. `definitions` in the JSON says what each figure counts.';

/**
 * The figures of the National Anti-Trafficking Committee's yearly review (`/v1/stats`), as JSON
 * or as a CSV export. JSON is exact for auditors only; for supervisors, and in every CSV, counts
 * from 1 to 4 are shown as `<5`.
 */
@ApiTags('reporting')
@ApiBearerAuth()
@ApiResponse({ status: 401, description: 'No valid bearer token (problem+json)' })
@ApiResponse({ status: 403, description: 'Not granted stats.read (problem+json)' })
@ApiResponse({ status: 400, description: 'A date is not valid, or the period is empty' })
@Controller()
export class StatsController {
  constructor(private readonly stats: StatsService) {}

  @Get('stats')
  @RequirePermission('stats.read')
  @ApiOperation({
    summary: "The committee's yearly figures for a period",
    description: DESCRIPTION,
  })
  @ApiProduces('application/json', 'text/csv')
  @ApiResponse({ status: 200, description: 'The figures (JSON, or CSV with format=csv)' })
  async figures(
    @CurrentPrincipal() principal: Principal,
    @Query() query: StatsQuery,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<StatsReport<ReportedCount> | string> {
    if (query.format === 'csv') return this.csv(principal, query, reply);
    const access = statsAccessOf(principal);
    const report = await this.stats.figures(resolvePeriod(query), access.scope);
    void reply.header('cache-control', 'no-store');
    return access.exact ? report : suppressSmallCounts(report);
  }

  @Get('stats.csv')
  @RequirePermission('stats.read')
  @ApiOperation({
    summary: "The committee's yearly figures as CSV (counts under 5 shown as <5)",
    description: DESCRIPTION,
  })
  @ApiProduces('text/csv')
  @ApiResponse({ status: 200, description: 'One count per line: figure, group, count' })
  async csv(
    @CurrentPrincipal() principal: Principal,
    @Query() query: StatsPeriodQuery,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    const access = statsAccessOf(principal);
    const period = resolvePeriod(query);
    const report = await this.stats.figures(period, access.scope);
    const scope = access.scope.country ?? 'all';
    void reply
      .header('content-type', CSV_CONTENT_TYPE)
      .header(
        'content-disposition',
        `attachment; filename="stats-${scope}-${period.from}-${period.to}.csv"`,
      )
      .header('cache-control', 'no-store');
    return statsCsv(report);
  }
}
