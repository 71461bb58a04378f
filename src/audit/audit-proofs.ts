import { Injectable } from '@nestjs/common';
import type { FieldError } from '@hub/contracts';
import { HASH_SIZE } from '@hub/transparency-log';
import { grantOf } from '../auth/permissions';
import type { Principal } from '../auth/principal';
import { toAuditEntry, type AuditEntryRow } from '../audit-trail/audit-entry';
import { CommonError } from '../common/problem/common.error';
import { Transactions } from '../database/transactions';
import { AuditLog } from './audit-log.service';
import {
  ENTRIES_PAGE,
  type InclusionByHashView,
  type InclusionProofView,
  type LeafRangeView,
  type LeafView,
} from './audit-proofs.dto';

interface RangeRow extends AuditEntryRow {
  leaf_index: string;
  leaf_hash: Buffer;
  visible: boolean;
}

/**
 * What a transparency-log client asks of the audit log besides consistency (RFC 9162 §4):
 * inclusion proofs by leaf index and by leaf hash, and the leaves of a range. Every size is
 * bounded by the newest signed checkpoint, so whatever is answered can be checked against a tree
 * head the hub has signed and sent to the partners.
 */
@Injectable()
export class AuditProofs {
  constructor(
    private readonly log: AuditLog,
    private readonly transactions: Transactions,
  ) {}

  async inclusion(index: number, size: number): Promise<InclusionProofView> {
    const signed = await this.signedSize();
    refuse([
      ...sizeErrors(size, signed),
      ...(index >= size ? [{ path: 'index', message: `must be less than size (${size})` }] : []),
    ]);
    return { leafIndex: index, treeSize: size, ...(await this.log.inclusionProof(index, size)) };
  }

  async inclusionByHash(hash: string, size: number): Promise<InclusionByHashView> {
    const signed = await this.signedSize();
    const leafHash = decodeHash(hash);
    refuse([
      ...(leafHash === undefined
        ? [{ path: 'hash', message: 'must be a 32-byte hash in base64 or base64url' }]
        : []),
      ...sizeErrors(size, signed),
    ]);
    const [row] = await this.transactions.query<{ leaf_index: string }>(
      `SELECT leaf_index FROM audit_leaves WHERE leaf_hash = $1 AND leaf_index < $2
       ORDER BY leaf_index LIMIT 1`,
      [leafHash, size],
    );
    if (!row) {
      throw new CommonError('not-found', `No leaf of the tree of size ${size} has this hash.`, [
        { path: 'hash', message: `is not the hash of a leaf of the tree of size ${size}` },
      ]);
    }
    const leafIndex = Number(row.leaf_index);
    const { inclusionProof } = await this.log.inclusionProof(leafIndex, size);
    return { leafIndex, treeSize: size, inclusionProof };
  }

  /**
   * Leaves [start, end) of the signed tree, at most {@link ENTRIES_PAGE}: every leaf's hash, and
   * its entry where the caller's `history.read` reaches the referral it is about — the same rule
   * as `GET /v1/referrals/{id}/history`, so a range never shows more than the histories would.
   * Entries about no referral (refused partner events, …) are shown only with scope `all`. A leaf
   * missing from the database is missing from the answer too: the client's rebuilt root then
   * differs from the signed one, which is how a transparency log reports tampering.
   */
  async entries(principal: Principal, start: number, end: number): Promise<LeafRangeView> {
    const signed = await this.signedSize();
    const endError =
      start >= end
        ? `must be greater than start (${start})`
        : end > signed
          ? `must be at most the newest signed checkpoint's size (${signed})`
          : undefined;
    refuse(endError === undefined ? [] : [{ path: 'end', message: endError }]);
    const last = Math.min(end, start + ENTRIES_PAGE);
    const scope = grantOf(principal, 'history.read');
    // The party rule of VisibleReferrals.canSee, in SQL: the sender always, the receiver once
    // the referral is no longer a draft.
    const rows = await this.transactions.query<RangeRow>(
      `SELECT l.leaf_index, l.leaf_hash, e.*,
              $3::boolean OR coalesce(r.sender_party = $4
                OR (r.receiver_party = $4 AND r.status <> 'DRAFT'), false) AS visible
       FROM audit_leaves l
       JOIN audit_entries e ON e.id = l.entry_id
       LEFT JOIN referrals r ON r.id = e.referral_id
       WHERE l.leaf_index >= $1 AND l.leaf_index < $2
       ORDER BY l.leaf_index`,
      [start, last, scope === 'all', scope === 'party' ? principal.party : null],
    );
    return {
      start,
      end: last,
      treeSize: signed,
      entries: rows.map((row): LeafView => {
        const leaf = {
          leafIndex: Number(row.leaf_index),
          leafHash: row.leaf_hash.toString('base64'),
        };
        return row.visible ? { ...leaf, entry: toAuditEntry(row) } : leaf;
      }),
    };
  }

  /** Size of the newest signed checkpoint; 404 before the first, as `GET /v1/audit/checkpoint`. */
  private async signedSize(): Promise<number> {
    const latest = await this.log.latestCheckpoint();
    if (!latest) {
      throw new CommonError(
        'not-found',
        'No checkpoint has been signed yet, so there is no tree head to prove against: the audit ' +
          'sequencer signs one at start-up and then every AUDIT_CHECKPOINT_INTERVAL_SECONDS.',
      );
    }
    return latest.size;
  }
}

function sizeErrors(size: number, signed: number): FieldError[] {
  return size > signed
    ? [{ path: 'size', message: `must be at most the newest signed checkpoint's size (${signed})` }]
    : [];
}

function refuse(errors: FieldError[]): void {
  if (errors.length > 0) {
    throw new CommonError(
      'validation-failed',
      'One or more fields are not valid; see errors.',
      errors,
    );
  }
}

/** The bytes of a base64 or base64url leaf hash; undefined unless exactly 32 canonical bytes. */
function decodeHash(text: string): Buffer | undefined {
  const standard = text.replaceAll('-', '+').replaceAll('_', '/').replace(/=$/, '');
  const bytes = Buffer.from(standard, 'base64');
  // Buffer.from ignores stray bits and characters; only a round trip proves the text was exact.
  if (bytes.length !== HASH_SIZE || bytes.toString('base64').replace(/=+$/, '') !== standard) {
    return undefined;
  }
  return bytes;
}
