/*
 * Shapes of the hub's HTTP answers as the console reads them (src/referrals/referral.view.ts,
 * src/referrals/case-message.ts, src/audit, src/reporting, the /auth routes).
 */

export type Role = 'liaison_officer' | 'supervisor' | 'auditor' | 'admin';

export interface Principal {
  sub: string;
  party: string;
  country: string;
  channel: string;
  roles: Role[];
}

export interface Session {
  principal: Principal;
  csrfToken: string;
  expiresAt: string;
}

export interface RegistryParty {
  code: string;
  country: string;
  name: string;
  localName: string;
  channel: 'http' | 'kafka';
}

export interface RegistryCheckpoint {
  code: string;
  name: string;
  countries: string[];
}

export interface Registry {
  parties: RegistryParty[];
  checkpoints: RegistryCheckpoint[];
}

export interface AuthOptions {
  devSignIn: boolean;
  oidc: boolean;
  parties: RegistryParty[];
  roles: string[];
}

export interface NextDeadline {
  step: string;
  dueAt: string;
  overdue: boolean;
}

export interface LastChange {
  seq: number;
  action: string;
  byParty: string;
  at: string;
  deliveredAt: string | null;
}

export interface ReferralView {
  id: string;
  type: string;
  status: string;
  priority: string;
  from: string;
  to: string;
  direction: 'outbound' | 'inbound' | null;
  senderReference: string;
  receiverReference: string | null;
  handlingCode: string;
  origin: 'http' | 'kafka';
  version: number;
  referralSeq: number;
  createdAt: string;
  updatedAt: string;
  submittedAt: string | null;
  closedAt: string | null;
  availableActions: string[];
  content?: Record<string, unknown> | null;
  personalDataErasedAt: string | null;
  personalData?: 'withheld';
  nextDeadline?: NextDeadline | null;
  lastChange?: LastChange | null;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface CaseMessage {
  id: string;
  referralId: string;
  seq: number;
  authorParty: string;
  author: string;
  language: string;
  body: string | null;
  attachments: unknown[];
  createdAt: string;
  deliveredAt: string | null;
  readAt: string | null;
  state: 'sent' | 'delivered' | 'read';
  direction: 'outbound' | 'inbound';
}

export interface StoredCheckpoint {
  size: number;
  rootHash: string;
  note: string;
  createdAt: string;
}

export interface AuditEntry {
  id: string;
  recordedAt: string;
  actorKind: string;
  actor: string;
  actorParty: string | null;
  actorRoles: string[];
  action: string;
  referralId: string | null;
  stateBefore: string | null;
  stateAfter: string | null;
  eventId: string | null;
  payloadSha256: string | null;
  outcome: string | null;
}

export interface History {
  referralId: string;
  checkpoint: StoredCheckpoint | null;
  items: { leafIndex: number | null; entry: AuditEntry; inclusionProof: string[] | null }[];
}

export interface CheckpointAnswer extends StoredCheckpoint {
  origin: string;
  verifierKey: string;
}

export interface VerificationReport {
  ok: boolean;
  entriesChecked: number;
  checkpointsChecked: number;
  firstBadEntry?: { leafIndex: number; entryId: string | null; reason: string };
  failedCheckpoint?: { size: number; reason: string };
  elapsedMs: number;
  entriesPerSecond: number;
}

/** A count as `/v1/stats` reports it: exact, or `<5` where small counts are suppressed. */
export type ReportedCount = number | '<5';

export interface CaseCounts {
  cases: ReportedCount;
  referrals: ReportedCount;
}

export type SexCounts = Record<'F' | 'M' | 'X' | 'U', ReportedCount>;
export interface AgeCounts {
  minor: ReportedCount;
  adult: ReportedCount;
  unknown: ReportedCount;
}

export interface StatsReport {
  period: { from: string; to: string; utcOffset: string };
  scope: { kind: 'all' | 'country'; country: string | null; viewpoint: string };
  disclosure: 'exact' | 'small-counts-suppressed';
  cases: CaseCounts & {
    byType: (CaseCounts & { type: string })[];
    byStatus: (CaseCounts & { status: string })[];
    byCounterpart: (CaseCounts & { country: string })[];
  };
  suspects: {
    total: ReportedCount;
    bySex: SexCounts;
    byNationality: { national: ReportedCount; foreign: ReportedCount; unknown: ReportedCount };
    foreignBySex: SexCounts;
  };
  victims: { total: ReportedCount; bySex: SexCounts; byAge: AgeCounts };
  repatriationsCompleted: { total: ReportedCount; bySex: SexCounts; byAge: AgeCounts };
  exploitation: { type: string; persons: ReportedCount }[];
  stepTimes: {
    step: string;
    counterpart: string | null;
    referrals: ReportedCount;
    medianHours: number | null;
    p90Hours: number | null;
  }[];
}

/** An event of `GET /v1/stream` (event name `referral`). */
export interface StreamEvent {
  referralId: string;
  version: number;
  status: string;
  kind: 'changed' | 'message' | 'delivery';
}
