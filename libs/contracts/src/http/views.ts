/*
 * The shapes of the HTTP API's answers (contract v1, "HTTP API"): what the hub sends and what the
 * officers' console (libs/console) and any other client read. Plain types with no imports, so
 * the browser bundle takes them at no cost and server and console cannot drift apart.
 */

/** Roles an officer's token or console session may carry. */
export type RoleName =
  'liaison_officer' | 'supervisor' | 'child_protection' | 'auditor' | 'admin' | 'witness';

/** Who the hub takes the caller to be (`GET /v1/me`, `GET /auth/session`). */
export interface PrincipalView {
  /** The officer (token `sub`). */
  sub: string;
  /** The officer's agency: a registered party code. */
  party: string;
  /** ISO country of the party. */
  country: string;
  /** `http`: a Lao agency using the API; `kafka`: served by its country's partner system. */
  channel: 'http' | 'kafka';
  roles: readonly RoleName[];
}

/** A registered party as forms and lists show it (`GET /v1/registry`). */
export interface RegistryParty {
  code: string;
  country: string;
  /** In English. */
  name: string;
  /** In the party's own language. */
  localName: string;
  channel: 'http' | 'kafka';
}

/** A border checkpoint where hand-overs take place. */
export interface RegistryCheckpoint {
  code: string;
  name: string;
  countries: readonly string[];
}

/** `GET /v1/registry`. */
export interface RegistryView {
  parties: RegistryParty[];
  checkpoints: RegistryCheckpoint[];
}

/** The earliest step of a referral still waiting, and whether its deadline has passed. */
export interface NextDeadlineView {
  step: string;
  dueAt: string;
  /** The party whose turn it is. */
  waitingFor: string;
  overdue: boolean;
}

/**
 * A referral's last numbered change (lifecycle step or case message) and, when the counterpart
 * is a partner system, when it confirmed receipt (`null`: not yet, or never asked).
 */
export interface LastChangeView {
  seq: number;
  action: string;
  byParty: string;
  at: string;
  deliveredAt: string | null;
}

/**
 * A referral as the HTTP API shows it to one caller. `content` (personal data) only in the
 * single-referral view of its parties' officers; lists carry metadata only; auditors' single view
 * carries metadata and `personalData: "withheld"`.
 */
export interface ReferralView {
  id: string;
  type: string;
  status: string;
  priority: string;
  from: string;
  to: string;
  /** `outbound` for the sender, `inbound` for the receiver, `null` for others (auditors). */
  direction: 'outbound' | 'inbound' | null;
  senderReference: string;
  receiverReference: string | null;
  handlingCode: string;
  origin: 'http' | 'kafka';
  /** Optimistic-concurrency token, also sent as `ETag`. */
  version: number;
  /** Last change number (`referralseq`); 0 while a draft. */
  referralSeq: number;
  createdAt: string;
  updatedAt: string;
  submittedAt: string | null;
  closedAt: string | null;
  /**
   * Lifecycle actions the caller may take now: the lifecycle's for its side, none for a withheld
   * view, an auditor, or a party that acts through its partner system.
   */
  availableActions: string[];
  nextDeadline: NextDeadlineView | null;
  lastChange: LastChangeView | null;
  /** The referral content (single-referral view only); null once the personal data is erased. */
  content?: Record<string, unknown> | null;
  /** When the personal data was erased (crypto-shredded); null while it is kept. */
  personalDataErasedAt: string | null;
  /**
   * The victim's consent to share data (victim repatriations; null for other types): whether it
   * holds, and while withdrawn, who withdrew it, when, and which party recorded it.
   */
  consent: ConsentView | null;
  /**
   * Only when the caller may not see the personal data: `content` is left out on purpose —
   * `withheld` from auditors, `restricted` from the party asked to restrict its copy after the
   * victim withdrew consent, `child-protected` from officers without the `child_protection` role
   * when the person is under 18.
   */
  personalData?: 'withheld' | 'restricted' | 'child-protected';
}

/** A victim's consent to share data, as a referral's view shows it. */
export interface ConsentView {
  state: 'GIVEN' | 'WITHDRAWN';
  /** While withdrawn: `VICTIM`, or `GUARDIAN` of a minor. */
  withdrawnBy?: string;
  /** While withdrawn: the day, `YYYY-MM-DD`. */
  withdrawnOn?: string;
  /** While withdrawn: the party that recorded it (the other one restricts its copy). */
  recordedBy?: string;
  /** While withdrawn: when the hub recorded it. */
  recordedAt?: string;
}

/** A page of a list: `nextCursor` fetches the next one (`null`: this was the last). */
export interface PageView<T> {
  items: T[];
  nextCursor: string | null;
}

/** Delivery state of a case message: sent → delivered (partner's receipt) → read (over HTTP). */
export type DeliveryState = 'sent' | 'delivered' | 'read';

/** A case message as the HTTP API shows it. */
export interface CaseMessageView {
  id: string;
  referralId: string;
  /** The referral's change number this message took. */
  seq: number;
  authorParty: string;
  author: string;
  language: string;
  /** Null once the referral's personal data is erased. */
  body: string | null;
  attachments: unknown[];
  createdAt: string;
  deliveredAt: string | null;
  readAt: string | null;
  state: DeliveryState;
  /** `outbound` for the viewer's own party's messages. */
  direction: 'outbound' | 'inbound';
}

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

/** A signed checkpoint of the audit log as stored and served. */
export interface StoredCheckpoint {
  size: number;
  /** Base64 RFC 6962 root hash of the first `size` leaves. */
  rootHash: string;
  /** The checkpoint as a C2SP signed note. */
  note: string;
  createdAt: string;
}

/** `GET /v1/audit/checkpoint`: the latest checkpoint and the key to verify it. */
export interface CheckpointView extends StoredCheckpoint {
  origin: string;
  /** `<name>+<hex key id>+<base64 key>` (C2SP signed-note verifier key). */
  verifierKey: string;
  /** The partner witnesses that cosigned this checkpoint (their lines are in `note`). */
  cosignedBy: WitnessCosignature[];
  /** Cosignatures the checkpoint needs to be trusted (`AUDIT_WITNESS_QUORUM`). */
  quorum: number;
  /** The registered witnesses' C2SP cosigner verifier keys, to check `note`'s lines with. */
  witnessKeys: string[];
}

/** A partner country's cosignature of a checkpoint, verified with its witness key. */
export interface WitnessCosignature {
  country: string;
  /** The witness's key name, as in its signature line. */
  name: string;
  /** The time the witness put in its cosignature (RFC 3339). */
  cosignedAt: string;
}

/** A witness refused to cosign a checkpoint: the log it was shown forks the one it cosigned. */
export interface WitnessRefusal {
  country: string;
  heldSize: number;
  offeredSize: number;
  reason: string;
  receivedAt: string;
}

/** The witnesses' part of `GET /v1/audit/verify`: which checkpoint a quorum vouches for. */
export interface WitnessVerdict {
  /** True when a checkpoint has the quorum and no witness reported a fork. */
  ok: boolean;
  quorum: number;
  /** Countries whose witness key is registered. */
  witnesses: string[];
  /** The newest checkpoint with the hub's signature and a quorum of valid cosignatures. */
  trusted: { size: number; cosignedBy: WitnessCosignature[] } | null;
  /** The newest checkpoint, with the cosignatures it has so far. */
  newest: { size: number; cosignedBy: WitnessCosignature[] } | null;
  /** Stored cosignatures that do not verify against the stored checkpoint (a rewritten log). */
  invalidCosignatures: { size: number; country: string; reason: string }[];
  /** Forks reported by witnesses, each with its evidence kept by the hub and the witness. */
  refusals: WitnessRefusal[];
}

/** An entry with its place in the log and its proof against a checkpoint. */
export interface ProvenEntry {
  leafIndex: number | null;
  entry: AuditEntry;
  /** Base64 nodes proving inclusion in the checkpoint; null while not covered by it yet. */
  inclusionProof: string[] | null;
}

/** `GET /v1/referrals/{id}/history`. */
export interface HistoryView {
  referralId: string;
  checkpoint: StoredCheckpoint | null;
  items: ProvenEntry[];
}

/** What `GET /v1/audit/verify` found. */
export interface VerificationReport {
  ok: boolean;
  entriesChecked: number;
  checkpointsChecked: number;
  firstBadEntry?: { leafIndex: number; entryId: string | null; reason: string };
  failedCheckpoint?: { size: number; reason: string };
  /** The witnesses' verdict; `ok` above includes it. */
  witnesses: WitnessVerdict;
  elapsedMs: number;
  entriesPerSecond: number;
}

/** An event of `GET /v1/stream` (server-sent event named `referral`): never any content. */
export interface StreamEvent {
  referralId: string;
  version: number;
  status: string;
  /** `changed`: the referral row; `message`: a case message; `delivery`: a receipt or a read. */
  kind: 'changed' | 'message' | 'delivery';
}

/** `GET /auth/options`: how one may sign in to the console (and, in development, as whom). */
export interface AuthOptionsView {
  devSignIn: boolean;
  oidc: boolean;
  /** Every registered party, in development only (empty otherwise). */
  parties: RegistryParty[];
  roles: readonly RoleName[];
}

/** `GET /auth/session` and `POST /auth/dev-sign-in`: the console's session, never a token. */
export interface SessionView {
  principal: PrincipalView;
  /** Echoed in `X-CSRF-Token` on every state-changing request; null for a bearer caller. */
  csrfToken: string | null;
  expiresAt: string | null;
  signedInBy: 'dev' | 'oidc' | 'bearer';
}
