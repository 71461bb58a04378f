import { canonicalJson, type AuditActorKind, type AuditEntry } from '@hub/contracts';

export type { AuditActorKind, AuditEntry } from '@hub/contracts';

/**
 * The bytes of leaf `leafIndex`: the RFC 8785 JSON of the entry with its position in the log.
 * The position is part of the leaf so that moving an entry elsewhere changes its hash.
 */
export function leafBytes(entry: AuditEntry, leafIndex: number): Buffer {
  return Buffer.from(canonicalJson({ leafIndex, ...entry }), 'utf8');
}

/** A row of `audit_entries` as pg returns it. */
export interface AuditEntryRow {
  id: string;
  recorded_at: Date;
  actor_kind: AuditActorKind;
  actor: string;
  actor_party: string | null;
  actor_roles: string[];
  action: string;
  referral_id: string | null;
  state_before: string | null;
  state_after: string | null;
  event_id: string | null;
  payload_sha256: string | null;
  outcome: string | null;
}

export function toAuditEntry(row: AuditEntryRow): AuditEntry {
  return {
    id: row.id,
    recordedAt: row.recorded_at.toISOString(),
    actorKind: row.actor_kind,
    actor: row.actor,
    actorParty: row.actor_party,
    actorRoles: row.actor_roles,
    action: row.action,
    referralId: row.referral_id,
    stateBefore: row.state_before,
    stateAfter: row.state_after,
    eventId: row.event_id,
    payloadSha256: row.payload_sha256,
    outcome: row.outcome,
  };
}
