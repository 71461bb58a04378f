import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';

/** Body of `POST /v1/referrals/{id}/erase`: why the personal data is erased (kept, audited). */
export class EraseBody {
  @ApiProperty({
    minLength: 10,
    maxLength: 2000,
    example: 'Retention period agreed with the family',
  })
  @IsString()
  @MinLength(10, { message: 'must give a reason of at least 10 characters' })
  @MaxLength(2000)
  reason!: string;
}
