import { canonicalJson } from '@hub/contracts';

/** Who an audit entry says acted. */
export type AuditActorKind = 'officer' | 'partner-system' | 'hub';

/**
 * One entry of the audit trail as stored and as hashed into the transparency log. It names the
 * actor, the action, the referral and its state before and after, and carries a SHA-256 digest of
 * the payload — never personal data, so erasing personal data later cannot break the log.
 */
export interface AuditEntry {
  id: string;
  recordedAt: string;
  actorKind: AuditActorKind;
  /** `sub` of an officer, `partner-system:CC`, or `hub`. */
  actor: string;
  actorParty: string | null;
  actorRoles: string[];
  /** e.g. `referral.submit`, `referral.read`, `partner-event.refused`. */
  action: string;
  referralId: string | null;
  stateBefore: string | null;
  stateAfter: string | null;
  eventId: string | null;
  /** Hex SHA-256 of the canonical JSON of what the action carried. */
  payloadSha256: string | null;
  /**
   * e.g. the refusal code of a refused partner event, the overdue step, or (`referral.consent-override`)
   * the reason the supervisor gave, verbatim.
   */
  outcome: string | null;
}

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
