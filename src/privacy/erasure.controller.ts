import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import { RequirePermission } from '../auth/require-permission.decorator';
import type { Principal } from '../auth/principal';
import { validBody } from '../common/validation.pipe';
import type { ReferralView } from '../referrals/referrals.module';
import { EraseBody } from './erase-body.dto';
import { ErasureService } from './erasure.service';

/** `POST /v1/referrals/{id}/erase`: a supervisor crypto-shreds a closed referral's personal data. */
@ApiTags('referrals')
@ApiBearerAuth()
@Controller('referrals')
export class ErasureController {
  constructor(private readonly erasure: ErasureService) {}

  @Post(':id/erase')
  @RequirePermission('referral.erase')
  @HttpCode(200)
  @ApiOperation({
    summary: "Erase a terminal referral's personal data (destroys its data key; supervisors)",
  })
  @ApiBody({ type: EraseBody })
  @ApiResponse({ status: 200, schema: { $ref: '#/components/schemas/ReferralView' } })
  @ApiResponse({ status: 403, description: 'Not a supervisor' })
  @ApiResponse({ status: 409, description: 'Not terminal, erased already, or events pending' })
  erase(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Body() body: unknown,
  ): Promise<ReferralView> {
    const erase = validBody(EraseBody, body ?? {});
    return this.erasure.eraseByOfficer(principal, id, erase.reason);
  }
}
