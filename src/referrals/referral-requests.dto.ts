import { Transform, Type } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { PARTY_CODE_PATTERN, REFERRAL_TYPES } from '@hub/contracts';
import { REFERRAL_STATUSES, type ReferralStatus } from '@hub/contracts';
import { IntegerParam } from '../common/integer-param';

/** Query of `GET /v1/referrals`. */
export class ListReferralsQuery {
  /** `outbound`: sent by the caller's party; `inbound`: received by it; absent: both. */
  @ApiPropertyOptional({ enum: ['inbound', 'outbound'] })
  @IsOptional()
  @IsIn(['inbound', 'outbound'])
  direction?: 'inbound' | 'outbound';

  @ApiPropertyOptional({ enum: REFERRAL_STATUSES })
  @IsOptional()
  @IsIn(REFERRAL_STATUSES)
  status?: ReferralStatus;

  /** The other party of the referral. */
  @ApiPropertyOptional({ description: 'The other party, e.g. VN-MPS' })
  @IsOptional()
  @Matches(PARTY_CODE_PATTERN, { message: 'must be a party code like VN-MPS' })
  counterpart?: string;

  @ApiPropertyOptional({ enum: REFERRAL_TYPES })
  @IsOptional()
  @IsIn(REFERRAL_TYPES)
  type?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 20 })
  @IsOptional()
  @IntegerParam()
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;

  /** `true`: only referrals with a step past its deadline. */
  @ApiPropertyOptional({ type: Boolean })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) =>
    value === 'true' ? true : value === 'false' ? false : value,
  )
  @IsBoolean()
  overdue?: boolean;

  /** `nextCursor` of the previous page. */
  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @IsString()
  @MinLength(1, { message: 'is not a cursor this API returned' })
  @MaxLength(200)
  cursor?: string;
}

/** A supervisor's decision to submit without the victim's consent to share data. */
export class ConsentOverride {
  @IsString()
  @MinLength(10, { message: 'must give a reason of at least 10 characters' })
  @MaxLength(2000)
  reason!: string;
}

/** Body of `POST /v1/referrals/{id}/submit` (may be empty). */
export class SubmitBody {
  @IsOptional()
  @ValidateNested()
  @Type(() => ConsentOverride)
  consentOverride?: ConsentOverride;
}
