import { AuthError } from './auth.error';
import type { Principal } from './principal';
import { ROLES, type Role } from './roles';

/**
 * How far a grant reaches. `party`: the referrals the caller's own party sent or received (for
 * the yearly figures: those with a party of the caller's country, issue 6); `all`: every
 * referral. Actions that concern no referral (the caller's identity, the log's checkpoints) are
 * granted with `all`.
 */
export type Scope = 'party' | 'all';

/** One action of the hub: what it is, whether it changes anything, and who may take it. */
export interface ActionSpec {
  /** One line for the README table and for refusals. */
  summary: string;
  /**
   * Changes referrals, messages or the log. Such actions also need a party served by the HTTP API
   * (`channel: http`): a party served over Kafka acts through its country's partner system, which
   * numbers and signs its events; an HTTP door for it would bypass both.
   */
  changes: boolean;
  /**
   * `referral`: the scope decides which referrals (or whose figures) the caller reaches;
   * `hub`: about no referral (identity, the log as a whole), granted or not.
   */
  concerns: 'referral' | 'hub';
  grants: Readonly<Partial<Record<Role, Scope>>>;
}

/**
 * THE role × action table of the HTTP API: every authorisation decision of the hub reads it, the
 * guard through each route's `@RequirePermission`, services through {@link grantOf}. The README's
 * table is generated from it (`npm run docs:permissions`) and a test keeps them equal.
 *
 * - Liaison officers and supervisors work on their own party's referrals; either records a
 *   victim's withdrawal of consent, a supervisor alone restores it. A consent override and
 *   the erasure of a closed referral's personal data are a supervisor's alone.
 * - Supervisors also read their own country's figures (small counts suppressed).
 * - Auditors read every referral's metadata and history and all figures, but no personal data
 *   (no content, no case messages), and change nothing.
 * - Admins run the hub: they check the log's integrity and sign checkpoints, and see no referral
 *   and no figures — need to know, not rank.
 * - A person under 18 is shown only to the officers who also hold `child_protection`: the others
 *   of the same party see the case and act on it, but not the child's identity.
 * - Witnesses (a partner country's system checking the audit log before it cosigns) read the
 *   checkpoints and proofs, nothing else.
 */
export const ACTIONS = {
  'identity.read': {
    summary: 'who the hub thinks the caller is (`/v1/me`)',
    concerns: 'hub',
    changes: false,
    grants: { liaison_officer: 'all', supervisor: 'all', auditor: 'all', admin: 'all' },
  },
  'registry.read': {
    summary: 'the registered parties and border checkpoints (`/v1/registry`)',
    concerns: 'hub',
    changes: false,
    grants: { liaison_officer: 'all', supervisor: 'all', auditor: 'all', admin: 'all' },
  },
  'live.read': {
    summary: 'live notices of changes to the referrals the caller may see (`/v1/stream`)',
    concerns: 'referral',
    changes: false,
    grants: { liaison_officer: 'party', supervisor: 'party', auditor: 'all' },
  },
  'referral.create': {
    summary: 'create a draft',
    concerns: 'referral',
    changes: true,
    grants: { liaison_officer: 'party', supervisor: 'party' },
  },
  'referral.submit': {
    summary: 'submit a draft',
    concerns: 'referral',
    changes: true,
    grants: { liaison_officer: 'party', supervisor: 'party' },
  },
  'referral.consent-override': {
    summary: "submit without the victim's consent to share data, with a recorded reason",
    concerns: 'referral',
    changes: true,
    grants: { supervisor: 'party' },
  },
  'referral.consent-withdraw': {
    summary: "record that the victim (or a minor's guardian) withdrew consent to share data",
    concerns: 'referral',
    changes: true,
    grants: { liaison_officer: 'party', supervisor: 'party' },
  },
  'referral.consent-restore': {
    summary: 'restore consent to share data that the own party recorded as withdrawn',
    concerns: 'referral',
    changes: true,
    grants: { supervisor: 'party' },
  },
  'referral.act': {
    summary: 'every other lifecycle action (acknowledge … withdraw)',
    concerns: 'referral',
    changes: true,
    grants: { liaison_officer: 'party', supervisor: 'party' },
  },
  'referral.list': {
    summary: 'list referrals (metadata only)',
    concerns: 'referral',
    changes: false,
    grants: { liaison_officer: 'party', supervisor: 'party', auditor: 'all' },
  },
  'referral.read-metadata': {
    summary: 'read one referral without its personal data',
    concerns: 'referral',
    changes: false,
    grants: { liaison_officer: 'party', supervisor: 'party', auditor: 'all' },
  },
  'referral.read-personal': {
    summary: "read one referral's content: the person, victim, suspect (the read is audited)",
    concerns: 'referral',
    changes: false,
    grants: { liaison_officer: 'party', supervisor: 'party' },
  },
  'referral.read-child-personal': {
    summary:
      'read the personal data of a person under 18 (with `referral.read-personal`; every read is audited)',
    concerns: 'referral',
    changes: false,
    grants: { child_protection: 'party' },
  },
  'referral.erase': {
    summary: "erase a closed referral's personal data (destroys its data key), with a reason",
    concerns: 'referral',
    changes: true,
    grants: { supervisor: 'party' },
  },
  'message.post': {
    summary: 'post a case message',
    concerns: 'referral',
    changes: true,
    grants: { liaison_officer: 'party', supervisor: 'party' },
  },
  'message.read': {
    summary: "read a referral's case messages (the read is audited)",
    concerns: 'referral',
    changes: false,
    grants: { liaison_officer: 'party', supervisor: 'party' },
  },
  'history.read': {
    // Also what `GET /v1/audit/entries` shows of each leaf's entry: a range never reveals more
    // than the histories would.
    summary: "read a referral's audit history, its proofs, and its entries in leaf ranges",
    concerns: 'referral',
    changes: false,
    grants: { liaison_officer: 'party', supervisor: 'party', auditor: 'all' },
  },
  'audit.checkpoint.read': {
    summary: "read the audit log's latest signed checkpoint",
    concerns: 'hub',
    changes: false,
    grants: {
      liaison_officer: 'all',
      supervisor: 'all',
      auditor: 'all',
      admin: 'all',
      witness: 'all',
    },
  },
  'audit.proof.read': {
    summary: "read the log's proofs (consistency, inclusion by index or hash) and leaf hashes",
    concerns: 'hub',
    changes: false,
    grants: {
      liaison_officer: 'all',
      supervisor: 'all',
      auditor: 'all',
      admin: 'all',
      witness: 'all',
    },
  },
  'audit.verify': {
    summary: 'recompute the whole log and check every checkpoint',
    concerns: 'hub',
    changes: false,
    grants: { auditor: 'all', admin: 'all' },
  },
  'audit.checkpoint.sign': {
    // Attests the log as it stands; it alters no referral and no entry, hence open to auditors.
    summary: "sign and publish a checkpoint of the log's current head",
    concerns: 'hub',
    changes: false,
    grants: { auditor: 'all', admin: 'all' },
  },
  'stats.read': {
    summary: "the committee's yearly figures (supervisors: their country's, small counts as <5)",
    concerns: 'referral',
    changes: false,
    grants: { supervisor: 'party', auditor: 'all' },
  },
} as const satisfies Record<string, ActionSpec>;

/** The name of an action of {@link ACTIONS}, e.g. `referral.create`. */
export type Permission = keyof typeof ACTIONS;

/** Every action, in the table's order. */
export const PERMISSIONS = Object.keys(ACTIONS) as Permission[];

/** What {@link grantOf} needs to know of the caller. */
export type Grantee = Pick<Principal, 'roles' | 'channel'>;

/**
 * The widest scope in which the caller may take `action`, or `null` when none of its roles grants
 * it (or the action changes something and the caller's party is not served by the HTTP API).
 */
export function grantOf(caller: Grantee, action: Permission): Scope | null {
  const spec: ActionSpec = ACTIONS[action];
  if (spec.changes && caller.channel !== 'http') return null;
  let widest: Scope | null = null;
  for (const role of caller.roles) {
    const scope = spec.grants[role];
    if (scope === 'all') return 'all';
    if (scope === 'party') widest = 'party';
  }
  return widest;
}

/**
 * The scope in which the caller may take `action`; refuses (403 `forbidden`, naming the action)
 * a caller none of whose roles grants it. Which referrals the scope reaches is the caller's to
 * apply (out of scope: 404, so that existence is not revealed).
 */
export function requireGrant(
  caller: Grantee & Pick<Principal, 'party'>,
  action: Permission,
): Scope {
  const scope = grantOf(caller, action);
  if (scope !== null) return scope;
  const byChannel = grantOf({ ...caller, channel: 'http' }, action) !== null;
  throw new AuthError(
    'forbidden',
    byChannel
      ? `${caller.party} acts through its country's partner system; over HTTP it may only read.`
      : `Your roles (${caller.roles.join(', ')}) do not allow ${action}.`,
    undefined,
    { permission: action },
  );
}

/** Whether `action` is a known action name (for decorators fed by strings). */
export function isPermission(value: unknown): value is Permission {
  return typeof value === 'string' && Object.hasOwn(ACTIONS, value);
}

/** The table as Markdown, one row per action and one column per role (the README's copy). */
export function permissionsMarkdown(): string {
  const cell = (scope: Scope | undefined): string =>
    scope === 'all' ? 'every referral' : scope === 'party' ? 'own party' : '—';
  const header = `| action | ${ROLES.join(' | ')} | what |`;
  const rule = `| --- | ${ROLES.map(() => '---').join(' | ')} | --- |`;
  const rows = PERMISSIONS.map((name) => {
    const spec: ActionSpec = ACTIONS[name];
    const cells = ROLES.map((role) =>
      spec.concerns === 'hub' && spec.grants[role] !== undefined ? 'yes' : cell(spec.grants[role]),
    );
    return `| \`${name}\` | ${cells.join(' | ')} | ${spec.summary}${spec.changes ? ' ✎' : ''} |`;
  });
  return [header, rule, ...rows].join('\n');
}
