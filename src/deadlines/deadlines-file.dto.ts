import { Type } from 'class-transformer';
import { IsObject, IsOptional, IsString, ValidateBy, ValidateNested } from 'class-validator';
import { parseIsoDuration } from './iso-duration';

/** A duration deadlines accept: the ISO 8601 subset of {@link parseIsoDuration}, above zero. */
function IsDeadlineDuration(): PropertyDecorator {
  return ValidateBy({
    name: 'isDeadlineDuration',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && (parseIsoDuration(value) ?? 0) > 0,
      defaultMessage: () =>
        'must be a positive ISO 8601 duration in days, hours, minutes and seconds, e.g. PT24H or P7D',
    },
  });
}

/** Shape of `config/deadlines.json` → `defaults`: every step needs its deadline. */
export class DefaultDeadlinesDto {
  @IsDeadlineDuration()
  ACKNOWLEDGE!: string;

  @IsDeadlineDuration()
  DECIDE!: string;

  @IsDeadlineDuration()
  PROVIDE_INFO!: string;

  @IsDeadlineDuration()
  COMPLETE!: string;
}

/** Shape of `config/deadlines.json` → `byPriority.<PRIORITY>`: the steps it overrides. */
export class DeadlineOverridesDto {
  @IsOptional()
  @IsDeadlineDuration()
  ACKNOWLEDGE?: string;

  @IsOptional()
  @IsDeadlineDuration()
  DECIDE?: string;

  @IsOptional()
  @IsDeadlineDuration()
  PROVIDE_INFO?: string;

  @IsOptional()
  @IsDeadlineDuration()
  COMPLETE?: string;
}

/** Shape of `config/deadlines.json` → `byPriority`: one optional entry per referral priority. */
export class PriorityDeadlinesDto {
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => DeadlineOverridesDto)
  ROUTINE?: DeadlineOverridesDto;

  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => DeadlineOverridesDto)
  URGENT?: DeadlineOverridesDto;

  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => DeadlineOverridesDto)
  IMMEDIATE?: DeadlineOverridesDto;
}

/** The whole `config/deadlines.json`. Unknown keys are refused, so a typo cannot go unnoticed. */
export class DeadlinesFileDto {
  @IsOptional()
  @IsString()
  $comment?: string;

  @IsObject()
  @ValidateNested()
  @Type(() => DefaultDeadlinesDto)
  defaults!: DefaultDeadlinesDto;

  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => PriorityDeadlinesDto)
  byPriority?: PriorityDeadlinesDto;
}
