import { Inject, Injectable } from '@nestjs/common';
import {
  EVENT_TYPES,
  HUB_SOURCE,
  type ProvenEntry,
  type StoredCheckpoint,
  type VerificationReport,
} from '@hub/contracts';
import {
  MerkleTree,
  StreamingRoot,
  formatCheckpoint,
  hashLeaf,
  openCheckpoint,
  parseVerifierKey,
  signNote,
} from '@hub/transparency-log';
import { AppConfig } from '../config/app-config';
import { Transactions, type Tx } from '../database/transactions';
import { buildEvent } from '../outbox/hub-events';
import { OutboxWriter } from '../outbox/outbox-writer';
import { leafBytes, toAuditEntry, type AuditEntryRow } from '../audit-trail/audit-entry';
import { HubSigningKey } from '../common/hub-signing-key';
import { AuditWitnesses } from './audit-witnesses';

export type { ProvenEntry, StoredCheckpoint, VerificationReport } from '@hub/contracts';

interface LeafRow extends AuditEntryRow {
  leaf_index: string;
  leaf_hash: Buffer;
}

const PAGE = 5000;

/**
 * The audit trail as a transparency log (RFC 6962): leaves are the entries in the order the
 * sequencer gave them, checkpoints are signed tree heads. Each instance keeps the tree of leaf
 * hashes in memory (≈ 64 bytes a leaf), synced from the database, to answer proofs.
 */
@Injectable()
export class AuditLog {
  private readonly tree = new MerkleTree();
  private syncing: Promise<void> | undefined;

  constructor(
    private readonly config: AppConfig,
    private readonly transactions: Transactions,
    private readonly outbox: OutboxWriter,
    @Inject(HubSigningKey) private readonly key: HubSigningKey,
    private readonly witnesses: AuditWitnesses,
  ) {}

  /** Gives leaf positions to pending entries, oldest first; returns how many. Leader only. */
  async sequence(limit: number): Promise<number> {
    return this.transactions.run(async (tx) => {
      const pending = await tx.query<AuditEntryRow[]>(
        `SELECT e.* FROM audit_pending p JOIN audit_entries e ON e.id = p.entry_id
         ORDER BY p.entry_id LIMIT $1 FOR UPDATE OF p`,
        [limit],
      );
      if (pending.length === 0) return 0;
      const [{ next }] = (await tx.query<{ next: string }[]>(
        `SELECT coalesce(max(leaf_index) + 1, 0) AS next FROM audit_leaves`,
      )) as [{ next: string }];
      const first = Number(next);
      const hashes = pending.map((row, i) => hashLeaf(leafBytes(toAuditEntry(row), first + i)));
      await tx.query(
        `INSERT INTO audit_leaves (leaf_index, entry_id, leaf_hash)
         SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bytea[])`,
        [pending.map((_, i) => first + i), pending.map((r) => r.id), hashes],
      );
      await tx.query(`DELETE FROM audit_pending WHERE entry_id = ANY($1::bigint[])`, [
        pending.map((r) => r.id),
      ]);
      return pending.length;
    });
  }

  /** Brings the in-memory tree up to the sequenced leaves. */
  sync(): Promise<void> {
    this.syncing ??= this.load().finally(() => {
      this.syncing = undefined;
    });
    return this.syncing;
  }

  get size(): number {
    return this.tree.size;
  }

  /**
   * Signs the current tree head (if no checkpoint covers it yet), stores it and queues it for
   * every partner country as `mrh.audit.checkpoint.v1`, so partners hold evidence of the history
   * and, as witnesses, cosign it; the event also carries the newest cosigned checkpoint with its
   * cosignatures, so each witness sees what the others attested. When the log has not grown, the
   * latest checkpoint goes again to the witnesses that have neither cosigned nor refused it (a
   * witness that started after it was sent, or whose copy was lost), as a log pushes its
   * checkpoint to a witness until it is cosigned.
   */
  async checkpoint(): Promise<StoredCheckpoint> {
    await this.sync();
    const latest = await this.latestCheckpoint();
    const size = this.tree.size;
    if (latest && latest.size >= size) {
      await this.remindWitnesses(latest);
      return latest;
    }
    const root = this.tree.root(size);
    const note = signNote(
      formatCheckpoint({ origin: this.config.env.AUDIT_LOG_ORIGIN, size, root }),
      this.key.noteSigner,
    );
    const cosigned = await this.witnesses.newestCosigned();
    await this.transactions.run(async (tx) => {
      const inserted = await tx.query<unknown[]>(
        `INSERT INTO audit_checkpoints (tree_size, root_hash, note) VALUES ($1, $2, $3)
         ON CONFLICT DO NOTHING RETURNING 1`,
        [size, root, note],
      );
      if (inserted.length === 0) return;
      await this.publish(tx, this.config.registry.partnerCountries(), note, cosigned?.note);
    });
    const stored = await this.latestCheckpoint();
    if (!stored) throw new Error('the checkpoint just written cannot be read back');
    return stored;
  }

  private async remindWitnesses(latest: StoredCheckpoint): Promise<void> {
    const countries = await this.witnesses.awaiting(latest.size);
    if (countries.length === 0) return;
    const cosigned = await this.witnesses.newestCosigned();
    await this.transactions.run((tx) => this.publish(tx, countries, latest.note, cosigned?.note));
  }

  /** Queues `mrh.audit.checkpoint.v1` for `countries`, keyed so that checkpoints stay in order. */
  private async publish(
    tx: Tx,
    countries: readonly string[],
    note: string,
    cosigned: string | undefined,
  ): Promise<void> {
    for (const country of countries) {
      const event = buildEvent({
        type: EVENT_TYPES.auditCheckpoint,
        source: { hub: HUB_SOURCE },
        data: { checkpoint: note, ...(cosigned !== undefined && { cosigned }) },
      });
      await this.outbox.notify(tx, { country }, event, 'audit-checkpoint');
    }
  }

  async latestCheckpoint(): Promise<StoredCheckpoint | undefined> {
    const rows = await this.transactions.query<{
      tree_size: string;
      root_hash: Buffer;
      note: string;
      created_at: Date;
    }>(`SELECT * FROM audit_checkpoints ORDER BY tree_size DESC LIMIT 1`);
    const row = rows[0];
    return (
      row && {
        size: Number(row.tree_size),
        rootHash: row.root_hash.toString('base64'),
        note: row.note,
        createdAt: row.created_at.toISOString(),
      }
    );
  }

  /** A referral's entries in log order, each with its proof against `checkpoint`. */
  async entriesOf(
    referralId: string,
    checkpoint: StoredCheckpoint | undefined,
  ): Promise<ProvenEntry[]> {
    await this.sync();
    const rows = await this.transactions.query<AuditEntryRow & { leaf_index: string | null }>(
      `SELECT e.*, l.leaf_index FROM audit_entries e LEFT JOIN audit_leaves l ON l.entry_id = e.id
       WHERE e.referral_id = $1 ORDER BY l.leaf_index NULLS LAST, e.id`,
      [referralId],
    );
    return rows.map((row) => {
      const leafIndex = row.leaf_index === null ? null : Number(row.leaf_index);
      const covered = leafIndex !== null && checkpoint !== undefined && leafIndex < checkpoint.size;
      return {
        leafIndex,
        entry: toAuditEntry(row),
        inclusionProof: covered
          ? this.tree.inclusionProof(leafIndex, checkpoint.size).map((h) => h.toString('base64'))
          : null,
      };
    });
  }

  /**
   * RFC 9162 inclusion proof (base64 nodes) of leaf `index` in the tree of `size`, and the leaf's
   * hash. The caller checks `index < size ≤` a signed checkpoint's size: those leaves are synced.
   */
  async inclusionProof(
    index: number,
    size: number,
  ): Promise<{ leafHash: string; inclusionProof: string[] }> {
    await this.sync();
    return {
      leafHash: this.tree.leafHash(index).toString('base64'),
      inclusionProof: this.tree.inclusionProof(index, size).map((h) => h.toString('base64')),
    };
  }

  async consistencyProof(from: number, to: number): Promise<string[]> {
    await this.sync();
    return this.tree.consistencyProof(from, to).map((h) => h.toString('base64'));
  }

  get verifierKey(): string {
    return this.key.verifierKey;
  }

  /**
   * Recomputes every leaf from the stored entries (not from the stored leaf hashes) and checks
   * the roots against every signed checkpoint; names the first entry that does not match. Adds
   * the witnesses' verdict: the log is trusted only up to a checkpoint a quorum cosigned, and
   * not at all while a witness's fork report stands.
   */
  async verify(): Promise<VerificationReport> {
    const started = performance.now();
    const verifier = parseVerifierKey(this.key.verifierKey);
    const checkpoints = (
      await this.transactions.query<{ tree_size: string; root_hash: Buffer; note: string }>(
        `SELECT tree_size, root_hash, note FROM audit_checkpoints ORDER BY tree_size`,
      )
    ).map((c) => ({ size: Number(c.tree_size), root: c.root_hash, note: c.note }));
    let failedCheckpoint: VerificationReport['failedCheckpoint'];
    let firstBadEntry: VerificationReport['firstBadEntry'];
    for (const c of checkpoints) {
      const opened = openCheckpoint(c.note, [verifier], this.config.env.AUDIT_LOG_ORIGIN);
      const reason = !opened.ok
        ? `its signature does not verify: ${opened.error}`
        : opened.value.checkpoint.size !== c.size || !opened.value.checkpoint.root.equals(c.root)
          ? 'the stored size or root differs from the signed note'
          : undefined;
      if (reason !== undefined) {
        failedCheckpoint = { size: c.size, reason };
        break;
      }
    }
    const stream = new StreamingRoot();
    let next = 0;
    let checkpointIndex = 0;
    const checkRoots = (): void => {
      for (
        let c = checkpoints[checkpointIndex];
        c !== undefined && c.size <= stream.size;
        c = checkpoints[++checkpointIndex]
      ) {
        if (c.size === stream.size && !stream.root().equals(c.root) && !failedCheckpoint) {
          failedCheckpoint = {
            size: c.size,
            reason: 'the log recomputed from its entries has another root than was signed',
          };
        }
      }
    };
    checkRoots();
    for (;;) {
      const page = await this.transactions.query<LeafRow>(
        `SELECT l.leaf_index, l.leaf_hash, e.* FROM audit_leaves l
         JOIN audit_entries e ON e.id = l.entry_id
         WHERE l.leaf_index >= $1 ORDER BY l.leaf_index LIMIT $2`,
        [next, PAGE],
      );
      for (const row of page) {
        const index = Number(row.leaf_index);
        if (index !== next && !firstBadEntry) {
          firstBadEntry = {
            leafIndex: next,
            entryId: null,
            reason: 'this leaf is missing from the log',
          };
        }
        const hash = hashLeaf(leafBytes(toAuditEntry(row), index));
        if (!hash.equals(row.leaf_hash) && !firstBadEntry) {
          firstBadEntry = {
            leafIndex: index,
            entryId: row.id,
            reason: 'the entry does not match its leaf (altered, or moved to another position)',
          };
        }
        stream.pushLeafHash(hash);
        next = index + 1;
        checkRoots();
      }
      if (page.length < PAGE) break;
    }
    const last = checkpoints.at(-1);
    if (last && last.size > stream.size) {
      failedCheckpoint ??= {
        size: last.size,
        reason: `a checkpoint was signed over ${last.size} entries but the log has only ${stream.size}`,
      };
      firstBadEntry ??= {
        leafIndex: stream.size,
        entryId: null,
        reason: 'this and later entries were removed from the log',
      };
    }
    const witnesses = await this.witnesses.verdict();
    const elapsedMs = performance.now() - started;
    return {
      ok: failedCheckpoint === undefined && firstBadEntry === undefined && witnesses.ok,
      entriesChecked: stream.size,
      checkpointsChecked: checkpoints.length,
      ...(firstBadEntry && { firstBadEntry }),
      ...(failedCheckpoint && { failedCheckpoint }),
      witnesses,
      elapsedMs: Math.round(elapsedMs),
      entriesPerSecond: Math.round(stream.size / Math.max(elapsedMs / 1000, 0.001)),
    };
  }

  private async load(): Promise<void> {
    for (;;) {
      const rows = await this.transactions.query<{ leaf_index: string; leaf_hash: Buffer }>(
        `SELECT leaf_index, leaf_hash FROM audit_leaves WHERE leaf_index >= $1
         ORDER BY leaf_index LIMIT $2`,
        [this.tree.size, 10_000],
      );
      for (const row of rows) {
        if (Number(row.leaf_index) !== this.tree.size) return; // a gap: stop at what is contiguous
        this.tree.appendLeafHash(row.leaf_hash);
      }
      if (rows.length < 10_000) return;
    }
  }
}
