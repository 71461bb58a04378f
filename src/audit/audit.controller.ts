import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiResponse, ApiTags } from '@nestjs/swagger';
import { IsInt, Min } from 'class-validator';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import type { Principal } from '../auth/principal';
import { RequirePermission } from '../auth/require-permission.decorator';
import { CommonError } from '../common/problem/common.error';
import { AppConfig } from '../config/app-config';
import { AUDIT_BUNDLE_FORMAT, type AuditBundle } from './audit-bundle';
import type { CheckpointView } from '@hub/contracts';
import {
  AuditLog,
  type ProvenEntry,
  type StoredCheckpoint,
  type VerificationReport,
} from './audit-log.service';
import { ReferralAccess } from './referral-access';
import { AuditWitnesses } from './audit-witnesses';
import { IntegerParam } from '../common/integer-param';

/** `?from=&to=` of the consistency proof; documented, so that a generated client can send them. */
class ConsistencyQuery {
  @ApiProperty({ type: 'integer', minimum: 0, description: 'The earlier tree size' })
  @IntegerParam()
  @IsInt()
  @Min(0)
  from!: number;

  @ApiProperty({
    type: 'integer',
    minimum: 0,
    description: 'The later tree size: at least `from`, at most the log size',
  })
  @IntegerParam()
  @IsInt()
  @Min(0)
  to!: number;
}

/** Auditors' routes: histories with proofs, checkpoints, verification, consistency proofs. */
@ApiTags('audit')
@ApiBearerAuth()
@Controller()
export class AuditController {
  constructor(
    private readonly config: AppConfig,
    private readonly log: AuditLog,
    private readonly access: ReferralAccess,
    private readonly witnesses: AuditWitnesses,
  ) {}

  @Get('referrals/:id/history')
  @RequirePermission('history.read')
  @ApiOperation({ summary: "A referral's audit timeline with inclusion proofs" })
  async history(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
  ): Promise<{ referralId: string; checkpoint: StoredCheckpoint | null; items: ProvenEntry[] }> {
    await this.access.assertHistoryVisible(principal, id);
    const checkpoint = await this.log.latestCheckpoint();
    return {
      referralId: id,
      // Served with the witnesses' cosignature lines, as every checkpoint the hub serves.
      checkpoint: checkpoint
        ? {
            ...checkpoint,
            note: (await this.witnesses.served(checkpoint.size, checkpoint.note)).note,
          }
        : null,
      items: await this.log.entriesOf(id, checkpoint),
    };
  }

  @Get('referrals/:id/history/bundle')
  @RequirePermission('history.read')
  @ApiOperation({
    summary:
      'The history as a self-contained bundle for `npm run audit:verify`, against the newest ' +
      'checkpoint a quorum of witnesses cosigned (else the latest signed one; entries after it ' +
      'come with the next), with the cosignatures, witness keys and any fork reports; 404 ' +
      'before the first checkpoint',
  })
  async bundle(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
  ): Promise<AuditBundle> {
    await this.access.assertHistoryVisible(principal, id);
    // Against the latest signed checkpoint: a GET signs nothing. Entries after it are in the next
    // checkpoint's bundle (the sequencer signs every AUDIT_CHECKPOINT_INTERVAL_SECONDS).
    const checkpoint = (await this.witnesses.newestTrusted()) ?? (await this.latestCheckpoint());
    const entries = await this.log.entriesOf(id, checkpoint);
    return {
      format: AUDIT_BUNDLE_FORMAT,
      referralId: id,
      origin: this.config.env.AUDIT_LOG_ORIGIN,
      verifierKey: this.log.verifierKey,
      checkpoint: (await this.witnesses.served(checkpoint.size, checkpoint.note)).note,
      witnessKeys: this.witnesses.verifierKeys().map((w) => w.verifierKey),
      witnessQuorum: this.witnesses.quorum,
      witnessRefusals: await this.witnesses.refusals(),
      entries: entries.flatMap((e) =>
        e.leafIndex !== null && e.inclusionProof !== null
          ? [{ leafIndex: e.leafIndex, entry: e.entry, inclusionProof: e.inclusionProof }]
          : [],
      ),
    };
  }

  @Get('audit/checkpoint')
  @RequirePermission('audit.checkpoint.read')
  @ApiOperation({
    summary:
      'The latest signed checkpoint (signed note, with the cosignature lines of the partner ' +
      'witnesses that cosigned it so far), the key to verify it, and who cosigned',
  })
  @ApiResponse({ status: 404, description: 'No checkpoint signed yet (problem+json)' })
  async checkpoint(): Promise<CheckpointView> {
    // A GET changes nothing: signing is the sequencer's scheduled act, or an auditor's POST.
    return this.view(await this.latestCheckpoint());
  }

  @Post('audit/checkpoint')
  @RequirePermission('audit.checkpoint.sign')
  @HttpCode(200)
  @ApiOperation({ summary: 'Sign and publish a checkpoint now (auditors, admins)' })
  async signNow(): Promise<CheckpointView> {
    return this.view(await this.log.checkpoint());
  }

  @Get('audit/verify')
  @RequirePermission('audit.verify')
  @ApiOperation({ summary: 'Recompute the log from its entries and check every checkpoint' })
  verify(): Promise<VerificationReport> {
    return this.log.verify();
  }

  @Get('audit/proofs/consistency')
  @RequirePermission('audit.proof.read')
  @ApiOperation({ summary: 'RFC 9162 consistency proof between two tree sizes' })
  async consistency(
    @Query() query: ConsistencyQuery,
  ): Promise<{ from: number; to: number; proof: string[] }> {
    await this.log.sync();
    if (query.from > query.to || query.to > this.log.size) {
      throw new CommonError('validation-failed', 'The sizes are not within the log.', [
        { path: 'to', message: `must be ≥ from and ≤ the log size (${this.log.size})` },
      ]);
    }
    return {
      from: query.from,
      to: query.to,
      proof: await this.log.consistencyProof(query.from, query.to),
    };
  }

  /** A checkpoint as served: its note with the cosignatures kept for it, and who they are. */
  private async view(checkpoint: StoredCheckpoint): Promise<CheckpointView> {
    const served = await this.witnesses.served(checkpoint.size, checkpoint.note);
    return {
      ...checkpoint,
      note: served.note,
      origin: this.config.env.AUDIT_LOG_ORIGIN,
      verifierKey: this.log.verifierKey,
      cosignedBy: served.cosignedBy,
      quorum: this.witnesses.quorum,
      witnessKeys: this.witnesses.verifierKeys().map((w) => w.verifierKey),
    };
  }

  /** The latest signed checkpoint; 404 before the first (routes that read never sign one). */
  private async latestCheckpoint(): Promise<StoredCheckpoint> {
    const latest = await this.log.latestCheckpoint();
    if (!latest) {
      throw new CommonError(
        'not-found',
        'No checkpoint has been signed yet: the audit sequencer signs one at start-up and then ' +
          'every AUDIT_CHECKPOINT_INTERVAL_SECONDS; an auditor may sign one now with POST ' +
          '/v1/audit/checkpoint.',
      );
    }
    return latest;
  }
}
