import { Controller, Get, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import type { Principal } from '../auth/principal';
import { RequirePermission } from '../auth/require-permission.decorator';
import { AuditProofs } from './audit-proofs';
import {
  ENTRIES_PAGE,
  EntriesQuery,
  InclusionByHashQuery,
  InclusionByHashView,
  InclusionProofView,
  InclusionQuery,
  LeafRangeView,
} from './audit-proofs.dto';

const NO_CHECKPOINT = 'No checkpoint signed yet (`not-found`)';

/**
 * The routes a transparency-log client expects beside the consistency proof (RFC 9162 §4.5–4.8):
 * inclusion by leaf index and by leaf hash, and the leaves of a range, each bounded by the newest
 * signed checkpoint.
 */
@ApiTags('audit')
@ApiBearerAuth()
@ApiResponse({ status: 401, description: 'No valid bearer token' })
@ApiResponse({ status: 403, description: 'Not granted `audit.proof.read` (`forbidden`)' })
@Controller('audit')
export class AuditProofsController {
  constructor(private readonly proofs: AuditProofs) {}

  @Get('proofs/inclusion')
  @RequirePermission('audit.proof.read')
  @ApiOperation({ summary: 'RFC 9162 inclusion proof of the leaf at an index in a tree size' })
  @ApiOkResponse({ type: InclusionProofView, description: 'The leaf hash and its inclusion path' })
  @ApiBadRequestResponse({
    description:
      'A parameter is not valid: `size` beyond the newest signed checkpoint, `index` not less ' +
      'than `size` (`validation-failed`; `errors` names each)',
  })
  @ApiNotFoundResponse({ description: NO_CHECKPOINT })
  inclusion(@Query() query: InclusionQuery): Promise<InclusionProofView> {
    return this.proofs.inclusion(query.index, query.size);
  }

  @Get('proofs/inclusion-by-hash')
  @RequirePermission('audit.proof.read')
  @ApiOperation({
    summary: 'RFC 9162 inclusion proof of the leaf with a hash in a tree size (get-proof-by-hash)',
  })
  @ApiOkResponse({
    type: InclusionByHashView,
    description: 'Where the leaf is, and its inclusion path',
  })
  @ApiBadRequestResponse({
    description:
      'A parameter is not valid: `hash` not 32 bytes of base64, `size` beyond the newest signed ' +
      'checkpoint (`validation-failed`; `errors` names each)',
  })
  @ApiNotFoundResponse({
    description: `No leaf of the tree of that size has the hash (\`errors\` names \`hash\`), or: ${NO_CHECKPOINT}`,
  })
  inclusionByHash(@Query() query: InclusionByHashQuery): Promise<InclusionByHashView> {
    return this.proofs.inclusionByHash(query.hash, query.size);
  }

  @Get('entries')
  @RequirePermission('audit.proof.read')
  @ApiOperation({
    summary: `The leaves [start, end) of the signed log, at most ${ENTRIES_PAGE} at once`,
    description:
      "Every leaf's hash, so that any caller can rebuild the tree and check it against a signed " +
      "checkpoint; each leaf's entry only where the caller's `history.read` grant reaches its " +
      "referral (officers: their party's referrals; auditors: all; entries about no referral: " +
      'auditors only).',
  })
  @ApiOkResponse({ type: LeafRangeView, description: 'The leaves in log order' })
  @ApiBadRequestResponse({
    description:
      '`end` not greater than `start` or beyond the newest signed checkpoint ' +
      '(`validation-failed`; `errors` names each)',
  })
  @ApiNotFoundResponse({ description: NO_CHECKPOINT })
  entries(
    @CurrentPrincipal() principal: Principal,
    @Query() query: EntriesQuery,
  ): Promise<LeafRangeView> {
    return this.proofs.entries(principal, query.start, query.end);
  }
}
