import { Injectable } from '@nestjs/common';
import { canonicalDigest } from '@hub/contracts';
import type { Tx } from '../database/transactions';
import { WriteBatch } from '../database/write-batch';
import type { AuditAction } from './audit-actions';
import type { AuditActorKind } from './audit-entry';

/** What a feature tells the audit trail; the writer adds time and digest. */
export interface AuditRecord {
  actorKind: AuditActorKind;
  actor: string;
  actorParty: string | null;
  actorRoles?: readonly string[];
  /** A name of `AUDITED_ACTIONS` (audit-actions.ts): the README lists each, who causes it, when. */
  action: AuditAction;
  referralId?: string | null;
  stateBefore?: string | null;
  stateAfter?: string | null;
  eventId?: string | null;
  /** Digested here (canonical JSON, SHA-256); the payload itself is never stored. */
  payload?: unknown;
  /** A digest computed already (e.g. of an inbound event). */
  payloadSha256?: string | null;
  outcome?: string | null;
}

/**
 * Appends to the audit trail inside the caller's transaction, so an entry exists if and only if
 * what it records committed. Leaf positions are assigned later by the sequencer, after commit:
 * no global lock in the request path.
 */
@Injectable()
export class AuditWriter {
  async record(tx: Tx, record: AuditRecord): Promise<void> {
    const batch = new WriteBatch();
    this.addTo(batch, record);
    await batch.flush(tx);
  }

  /** Adds the entry to the writes of a change, sent with them in one statement. */
  addTo(batch: WriteBatch, record: AuditRecord): void {
    const digest =
      record.payloadSha256 ??
      (record.payload === undefined ? null : canonicalDigest(record.payload).toString('hex'));
    const entry = batch.add(
      `INSERT INTO audit_entries (recorded_at, actor_kind, actor, actor_party, actor_roles, action,
         referral_id, state_before, state_after, event_id, payload_sha256, outcome)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
      [
        new Date(),
        record.actorKind,
        record.actor,
        record.actorParty,
        [...(record.actorRoles ?? [])],
        record.action,
        record.referralId ?? null,
        record.stateBefore ?? null,
        record.stateAfter ?? null,
        record.eventId ?? null,
        digest,
        record.outcome ?? null,
      ],
    );
    batch.add(`INSERT INTO audit_pending (entry_id) SELECT id FROM ${entry}`);
  }
}
