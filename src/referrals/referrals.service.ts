import { Injectable } from '@nestjs/common';
import type { ClassConstructor } from 'class-transformer';
import {
  CONSENT_ACTIONS,
  LIFECYCLE_ACTIONS,
  ReferralContent,
  isUuid,
  type ConsentAction,
  type LifecycleAction,
  type ReferralStatus,
} from '@hub/contracts';
import { AuditWriter } from '../audit-trail/audit-writer';
import { grantOf, requireGrant } from '../auth/permissions';
import type { Principal } from '../auth/principal';
import { validBody, validationFailed } from '../common/validation.pipe';
import { Transactions, type Tx } from '../database/transactions';
import { officerOf } from './actor';
import {
  IdempotentRequests,
  type IdempotentOutcome,
  type IdempotentResponse,
} from './idempotent-requests';
import { consentPermission, isRestrictedFor } from './consent-rules';
import { ReferralCommands, type ReferralCommand } from './referral-commands';
import type { ReferralRecord } from './referral.record';
import { ReferralRepository } from './referral.repository';
import { SubmitBody } from './referral-requests.dto';
import {
  toReferralView,
  viewerOf,
  type PartyRestriction,
  type ReferralView,
  type ViewDetail,
} from './referral.view';
import { VisibleReferrals } from './visible-referrals';

/** The detail of a refused body, as the validation pipe words it. */
const FIELDS_NOT_VALID = 'One or more fields are not valid; see errors.';

/** What a create/act call answers: the status, the view, and whether it is a replay. */
export type ReferralResponse = IdempotentResponse<ReferralView>;

/** Filters of `GET /v1/referrals`, validated by the controller. */
export interface ListFilters {
  direction?: 'inbound' | 'outbound';
  status?: ReferralStatus;
  counterpart?: string;
  type?: string;
  overdue?: boolean;
  limit: number;
  cursor?: string;
}

/**
 * The officers' use cases over HTTP: drafts, submission, lifecycle actions, reading. Every change
 * goes through {@link ReferralCommands}, like partners' events do; this service adds what is
 * HTTP's own: permissions, body validation, `Idempotency-Key`, and the view of the answer.
 */
@Injectable()
export class ReferralsService {
  constructor(
    private readonly transactions: Transactions,
    private readonly referrals: ReferralRepository,
    private readonly commands: ReferralCommands,
    private readonly idempotent: IdempotentRequests,
    private readonly audit: AuditWriter,
    private readonly visible: VisibleReferrals,
  ) {}

  /** `POST /v1/referrals`: a new draft; with an `Idempotency-Key`, a retry creates nothing. */
  createDraft(
    principal: Principal,
    body: unknown,
    idempotencyKey: string | undefined,
  ): Promise<ReferralResponse> {
    requireGrant(principal, 'referral.create');
    const content = validBody(ReferralContent, body, FIELDS_NOT_VALID);
    // The digest of a draft's key stays the body's alone, as it was stored before actions had keys.
    return this.idempotent.run(
      principal.party,
      idempotencyKey,
      body,
      201,
      (tx) => this.change(tx, principal, { kind: 'create-draft', content }),
      (id) => this.currentView(principal, id),
    );
  }

  /**
   * `POST /v1/referrals/{id}/{action}`, submit included (with a supervisor's `consentOverride`);
   * `If-Match` is checked under the referral's lock; with an `Idempotency-Key`, a retry returns
   * the first answer.
   */
  act(
    principal: Principal,
    id: string,
    action: LifecycleAction,
    body: unknown,
    ifMatch: number | undefined,
    idempotencyKey: string | undefined,
  ): Promise<ReferralResponse> {
    requireGrant(principal, action === 'submit' ? 'referral.submit' : 'referral.act');
    const { data, consentOverride } = this.validActionBody(action, body ?? {});
    return this.idempotent.run(
      principal.party,
      idempotencyKey,
      { route: `POST /v1/referrals/${id}/${action}`, body: body ?? {} },
      200,
      (tx) =>
        this.change(tx, principal, {
          kind: 'act',
          referralId: id,
          action,
          data,
          expect: ifMatch === undefined ? {} : { version: ifMatch },
          ...(consentOverride && { consentOverride }),
        }),
      (referralId) => this.currentView(principal, referralId),
    );
  }

  /**
   * `POST /v1/referrals/{id}/consent/withdrawal` and `…/restoration`: the victim's consent to
   * share data withdrawn (by either side's officer) or restored (by a supervisor of the side that
   * withdrew it). `If-Match` and `Idempotency-Key` as for the lifecycle actions.
   */
  changeConsent(
    principal: Principal,
    id: string,
    action: ConsentAction,
    body: unknown,
    ifMatch: number | undefined,
    idempotencyKey: string | undefined,
  ): Promise<ReferralResponse> {
    requireGrant(principal, consentPermission(action));
    const spec = CONSENT_ACTIONS[action];
    const valid = validBody(spec.body, body ?? {}, FIELDS_NOT_VALID);
    const data = JSON.parse(JSON.stringify(valid)) as Record<string, unknown>;
    return this.idempotent.run(
      principal.party,
      idempotencyKey,
      { route: `POST /v1/referrals/${id}/consent/${spec.route}`, body: body ?? {} },
      200,
      (tx) =>
        this.change(tx, principal, {
          kind: 'change-consent',
          referralId: id,
          action,
          data,
          expect: ifMatch === undefined ? {} : { version: ifMatch },
        }),
      (referralId) => this.currentView(principal, referralId),
    );
  }

  private async change(
    tx: Tx,
    principal: Principal,
    command: ReferralCommand,
  ): Promise<IdempotentOutcome<ReferralView>> {
    const { referral } = await this.commands.execute(tx, officerOf(principal), command);
    if (!referral) throw new Error(`${command.kind} answered without its referral`);
    return { referral, body: await this.partyView(tx, principal, referral, false) };
  }

  private async currentView(principal: Principal, id: string): Promise<ReferralView> {
    return this.transactions.run(async (tx) =>
      this.partyView(tx, principal, await this.visible.find(tx, id, principal.party), false),
    );
  }

  /**
   * A party officer's view of one of its referrals: with the content unless a restriction applies
   * (see {@link partyDetail}). A read of the content goes into the audit trail — every read for
   * `GET` (`always`), and the answer to a change when the person is a child, whose data is never
   * read unlogged.
   */
  private async partyView(
    tx: Tx,
    principal: Principal,
    referral: ReferralRecord,
    always: boolean,
  ): Promise<ReferralView> {
    const detail = partyDetail(principal, referral);
    if (
      detail === 'full' &&
      (always || (referral.personMinor === true && referral.content !== null))
    ) {
      await this.audit.record(tx, {
        actorKind: 'officer',
        actor: principal.sub,
        actorParty: principal.party,
        actorRoles: principal.roles,
        action: 'referral.read',
        referralId: referral.id,
        stateBefore: referral.status,
        stateAfter: referral.status,
      });
    }
    return this.view(tx, principal, referral, detail);
  }

  /** The view of one referral for `principal`, with its deadline and delivery. */
  private async view(
    tx: Tx,
    principal: Principal,
    referral: ReferralRecord,
    detail: ViewDetail,
  ): Promise<ReferralView> {
    const progress = await this.referrals.progressOf(tx, [referral.id]);
    return toReferralView(referral, viewerOf(principal), detail, progress.get(referral.id));
  }

  /**
   * One referral: with its personal data where the caller's grant of `referral.read-personal`
   * reaches it (the read itself goes into the audit trail), else its metadata where
   * `referral.read-metadata` does (auditors), else 404.
   */
  async get(principal: Principal, id: string): Promise<ReferralView> {
    const personal = grantOf(principal, 'referral.read-personal');
    const metadata = requireGrant(principal, 'referral.read-metadata');
    return this.transactions.run(async (tx) => {
      const found = await this.visible.findInScope(tx, id, principal.party, metadata);
      if (personal === null || !VisibleReferrals.inScope(found, principal.party, personal)) {
        return this.view(tx, principal, found, 'withheld');
      }
      return this.partyView(tx, principal, found, true);
    });
  }

  async list(
    principal: Principal,
    filters: ListFilters,
  ): Promise<{ items: ReferralView[]; nextCursor: string | null }> {
    const scope = requireGrant(principal, 'referral.list');
    if (scope === 'all' && filters.direction) {
      throw validationFailed([
        {
          path: 'direction',
          message: "is relative to a party; auditors' lists are of every party",
        },
      ]);
    }
    const before = filters.cursor === undefined ? undefined : decodeCursor(filters.cursor);
    const viewer = viewerOf(principal);
    return this.transactions.run(async (tx) => {
      const rows = await this.referrals.list(tx, {
        party: scope === 'all' ? null : principal.party,
        limit: filters.limit + 1,
        ...(filters.direction && { direction: filters.direction }),
        ...(filters.status && { status: filters.status }),
        ...(filters.counterpart && { counterpart: filters.counterpart }),
        ...(filters.type && { type: filters.type }),
        ...(filters.overdue === true && { overdue: true }),
        ...(before && { before }),
      });
      const page = rows.slice(0, filters.limit);
      const last = page.at(-1);
      const progress = await this.referrals.progressOf(
        tx,
        page.map((r) => r.id),
      );
      return {
        items: page.map((r) => toReferralView(r, viewer, 'metadata', progress.get(r.id))),
        nextCursor: rows.length > filters.limit && last ? encodeCursor(last) : null,
      };
    });
  }

  private validActionBody(
    action: LifecycleAction,
    body: unknown,
  ): { data: Record<string, unknown>; consentOverride?: { reason: string } } {
    if (action === 'submit') {
      const submit = validBody(SubmitBody, body);
      return {
        data: {},
        ...(submit.consentOverride && { consentOverride: submit.consentOverride }),
      };
    }
    const bodyClass: ClassConstructor<object> = LIFECYCLE_ACTIONS[action].body;
    const data = validBody(bodyClass, body, FIELDS_NOT_VALID);
    return { data: JSON.parse(JSON.stringify(data)) as Record<string, unknown> };
  }
}

/**
 * What a party's officer sees of one of its referrals: all of it, unless its party is asked to
 * restrict its copy of the person (the victim withdrew consent on the other side), or the person
 * is under 18 and the officer does not hold `child_protection` (need to know).
 */
function partyDetail(principal: Principal, referral: ReferralRecord): 'full' | PartyRestriction {
  if (isRestrictedFor(referral, principal.party)) return 'restricted';
  if (
    referral.personMinor === true &&
    grantOf(principal, 'referral.read-child-personal') === null
  ) {
    return 'child-protected';
  }
  return 'full';
}

function encodeCursor(r: ReferralRecord): string {
  return Buffer.from(JSON.stringify([r.createdAt.toISOString(), r.id])).toString('base64url');
}

function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  try {
    const [createdAt, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as unknown[];
    const date = new Date(String(createdAt));
    if (isUuid(id) && !Number.isNaN(date.getTime())) {
      return { createdAt: date, id };
    }
  } catch {
    // fall through to the refusal below
  }
  throw validationFailed([{ path: 'cursor', message: 'is not a cursor this API returned' }]);
}
