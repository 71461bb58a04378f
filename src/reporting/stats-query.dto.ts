import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { IsIsoDate } from '@hub/contracts';

/** Formats `GET /v1/stats` answers in. */
export const STATS_FORMATS = ['json', 'csv'] as const;
/** One of {@link STATS_FORMATS}. */
export type StatsFormat = (typeof STATS_FORMATS)[number];

// Keeps the period, and the year around it that defaults may add, within what PostgreSQL and
// ISO 8601 strings both handle; no referral predates the hub by a century.
const PLAUSIBLE_YEAR = /^(19|2[0-9])[0-9]{2}-/;
const YEAR_MESSAGE = '$property must be a date in the years 1900 to 2999';

/**
 * The period of `GET /v1/stats.csv`, as calendar days in Lao time (UTC+07:00). `from` is
 * inclusive and `to` exclusive; one alone means one year from (or to) it; neither means the
 * current calendar year.
 */
export class StatsPeriodQuery {
  @ApiPropertyOptional({
    format: 'date',
    example: '2019-01-01',
    description: 'First day of the period (inclusive); default: 1 January of this year',
  })
  @IsOptional()
  @IsIsoDate()
  @Matches(PLAUSIBLE_YEAR, { message: YEAR_MESSAGE })
  from?: string;

  @ApiPropertyOptional({
    format: 'date',
    example: '2020-01-01',
    description: 'Day after the period (exclusive); default: one year after from',
  })
  @IsOptional()
  @IsIsoDate()
  @Matches(PLAUSIBLE_YEAR, { message: YEAR_MESSAGE })
  to?: string;
}

/** Query of `GET /v1/stats`: the period, and the format of the answer. */
export class StatsQuery extends StatsPeriodQuery {
  @ApiPropertyOptional({
    enum: STATS_FORMATS,
    default: 'json',
    description: '`csv`: the same as `GET /v1/stats.csv`',
  })
  @IsOptional()
  @IsIn(STATS_FORMATS)
  format?: StatsFormat;
}
