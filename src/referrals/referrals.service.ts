import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { ClassConstructor } from 'class-transformer';
import {
  LIFECYCLE_ACTIONS,
  ReferralContent,
  countryOfParty,
  isUuid,
  validatePayload,
  type LifecycleAction,
} from '@hub/contracts';
import { AuditWriter } from '../audit-trail/audit-writer';
import { grantOf, requireGrant } from '../auth/permissions';
import type { Principal } from '../auth/principal';
import { validationFailed } from '../common/validation.pipe';
import { Transactions } from '../database/transactions';
import { IdempotencyRepository, requestDigest } from './idempotency.repository';
import { officerOf } from './actor';
import { ReferralError } from './referral.error';
import type { NewReferral, ReferralRecord } from './referral.record';
import { ReferralRepository } from './referral.repository';
import { ReferralLifecycleService } from './referral-lifecycle.service';
import { ReferralRules } from './referral-rules';
import { VisibleReferrals } from './visible-referrals';
import { toReferralView, type ReferralView } from './referral.view';
import type { ReferralStatus } from '@hub/contracts';

/** What a create/act call answers: the status, the view, and whether it is a replay. */
export interface ReferralResponse {
  status: number;
  body: ReferralView;
  replayed: boolean;
}

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

/** Signals a lost race on an idempotency key; the request is answered with the winner's reply. */
class IdempotencyRace extends Error {}

/**
 * The officers' use cases over HTTP: drafts, submission, lifecycle actions, reading. Every change
 * goes through {@link ReferralLifecycleService}, like partners' events do.
 */
@Injectable()
export class ReferralsService {
  constructor(
    private readonly transactions: Transactions,
    private readonly referrals: ReferralRepository,
    private readonly lifecycle: ReferralLifecycleService,
    private readonly rules: ReferralRules,
    private readonly idempotency: IdempotencyRepository,
    private readonly audit: AuditWriter,
    private readonly visible: VisibleReferrals,
  ) {}

  /** `POST /v1/referrals`: a new draft; with an `Idempotency-Key`, a retry creates nothing. */
  async createDraft(
    principal: Principal,
    body: unknown,
    idempotencyKey: string | undefined,
  ): Promise<ReferralResponse> {
    requireGrant(principal, 'referral.create');
    const content = this.validContent(body, principal.party);
    const digest = requestDigest(body);
    if (idempotencyKey !== undefined) {
      const replay = await this.replay(principal.party, idempotencyKey, digest);
      if (replay) return replay;
    }
    const now = new Date();
    const draft: NewReferral = {
      id: randomUUID(),
      type: content.type,
      status: 'DRAFT',
      priority: content.priority,
      senderParty: principal.party,
      receiverParty: content.to,
      senderCountry: principal.country,
      receiverCountry: countryOfParty(content.to),
      senderReference: content.senderReference,
      receiverReference: null,
      handlingCode: content.handlingCode,
      origin: 'http',
      content: JSON.parse(JSON.stringify(content)) as Record<string, unknown>,
      version: 1,
      seq: 0,
      createdBy: principal.sub,
      createdAt: now,
      updatedAt: now,
      submittedAt: null,
      closedAt: null,
    };
    const view = toReferralView(
      { ...draft, dataKey: null, personalDataErasedAt: null },
      principal.party,
      'full',
    );
    try {
      await this.transactions.run(async (tx) => {
        const referral = await this.referrals.insert(tx, draft);
        if (idempotencyKey === undefined) return;
        if (!referral.dataKey) throw new Error('a new referral has no data key');
        const stored = await this.idempotency.store(
          tx,
          principal.party,
          idempotencyKey,
          referral.dataKey,
          { requestSha256: digest, status: 201, referralId: referral.id, response: view },
        );
        if (!stored) throw new IdempotencyRace();
      });
    } catch (error) {
      if (!(error instanceof IdempotencyRace) || idempotencyKey === undefined) throw error;
      const replay = await this.replay(principal.party, idempotencyKey, digest);
      if (replay) return replay;
      throw error;
    }
    return { status: 201, body: view, replayed: false };
  }

  /** `POST /v1/referrals/{id}/submit`: consent to share data is required, or a supervisor's override. */
  async submit(
    principal: Principal,
    id: string,
    body: { consentOverride?: { reason: string } },
    ifMatch: number | undefined,
  ): Promise<ReferralView> {
    requireGrant(principal, 'referral.submit');
    return this.transactions.run(async (tx) => {
      const referral = await this.visible.lock(tx, id, principal.party);
      this.checkVersion(referral, ifMatch);
      if (referral.status === 'DRAFT') this.checkConsent(principal, referral, body);
      const { referral: next, change } = await this.lifecycle.apply(
        tx,
        referral,
        officerOf(principal),
        'submit',
        {},
      );
      if (body.consentOverride) {
        const override = {
          by: principal.sub,
          reason: body.consentOverride.reason,
          at: change.occurredAt.toISOString(),
        };
        await this.referrals.recordConsentOverride(tx, id, override);
        // The supervisor's own entry, beside the submission's: who overrode, and why, verbatim.
        await this.audit.record(tx, {
          actorKind: 'officer',
          actor: principal.sub,
          actorParty: principal.party,
          actorRoles: principal.roles,
          action: 'referral.consent-override',
          referralId: id,
          stateBefore: referral.status,
          stateAfter: next.status,
          eventId: change.eventId,
          payload: override,
          outcome: override.reason,
        });
      }
      return toReferralView(next, principal.party, 'full');
    });
  }

  /** `POST /v1/referrals/{id}/{action}` for every action but submit. */
  async act(
    principal: Principal,
    id: string,
    action: Exclude<LifecycleAction, 'submit'>,
    body: unknown,
    ifMatch: number | undefined,
  ): Promise<ReferralView> {
    requireGrant(principal, 'referral.act');
    const data = this.validActionBody(action, body ?? {});
    return this.transactions.run(async (tx) => {
      const referral = await this.visible.lock(tx, id, principal.party);
      this.checkVersion(referral, ifMatch);
      if (action === 'schedule-handover') {
        const errors = this.rules.checkCheckpoint('checkpoint', String(data['checkpoint']), [
          referral.senderCountry,
          referral.receiverCountry,
        ]);
        if (errors.length > 0) throw validationFailed(errors);
      }
      const { referral: next } = await this.lifecycle.apply(
        tx,
        referral,
        officerOf(principal),
        action,
        data,
      );
      return toReferralView(next, principal.party, 'full');
    });
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
        return toReferralView(found, principal.party, 'withheld');
      }
      await this.audit.record(tx, {
        actorKind: 'officer',
        actor: principal.sub,
        actorParty: principal.party,
        actorRoles: principal.roles,
        action: 'referral.read',
        referralId: found.id,
        stateBefore: found.status,
        stateAfter: found.status,
      });
      return toReferralView(found, principal.party, 'full');
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
    const rows = await this.transactions.run((tx) =>
      this.referrals.list(tx, {
        party: scope === 'all' ? null : principal.party,
        limit: filters.limit + 1,
        ...(filters.direction && { direction: filters.direction }),
        ...(filters.status && { status: filters.status }),
        ...(filters.counterpart && { counterpart: filters.counterpart }),
        ...(filters.type && { type: filters.type }),
        ...(filters.overdue === true && { overdue: true }),
        ...(before && { before }),
      }),
    );
    const page = rows.slice(0, filters.limit);
    const last = page.at(-1);
    return {
      items: page.map((r) => toReferralView(r, principal.party, 'metadata')),
      nextCursor: rows.length > filters.limit && last ? encodeCursor(last) : null,
    };
  }

  private validContent(body: unknown, senderParty: string): ReferralContent {
    const result = validatePayload(ReferralContent, body);
    if (!result.ok) throw validationFailed(result.errors);
    const errors = this.rules.checkContent(result.value, senderParty);
    if (errors.length > 0) throw validationFailed(errors);
    return result.value;
  }

  private validActionBody(
    action: Exclude<LifecycleAction, 'submit'>,
    body: unknown,
  ): Record<string, unknown> {
    const bodyClass: ClassConstructor<object> = LIFECYCLE_ACTIONS[action].body;
    const result = validatePayload(bodyClass, body);
    if (!result.ok) throw validationFailed(result.errors);
    return JSON.parse(JSON.stringify(result.value)) as Record<string, unknown>;
  }

  private async replay(
    party: string,
    key: string,
    digest: Buffer,
  ): Promise<ReferralResponse | undefined> {
    const stored = await this.transactions.run((tx) => this.idempotency.find(tx, party, key));
    if (!stored) return undefined;
    if (!stored.requestSha256.equals(digest)) {
      throw new ReferralError(
        'idempotency-key-reused',
        'This Idempotency-Key was used with a different body; use a new key for a new request.',
      );
    }
    if (stored.response !== null) {
      return { status: stored.status, body: stored.response as ReferralView, replayed: true };
    }
    // The first response showed personal data since erased: answer with what is left.
    const current = await this.transactions.run((tx) =>
      this.visible.find(tx, stored.referralId, party),
    );
    return { status: stored.status, body: toReferralView(current, party, 'full'), replayed: true };
  }

  private checkConsent(
    principal: Principal,
    referral: ReferralRecord,
    body: { consentOverride?: { reason: string } },
  ): void {
    if (referral.type !== 'VICTIM_REPATRIATION') return;
    const victim = referral.content?.['victim'] as
      { consent?: { dataSharing?: boolean } } | undefined;
    if (victim?.consent?.dataSharing === true) {
      if (body.consentOverride) {
        throw validationFailed([
          {
            path: 'consentOverride',
            message: 'consent to share data was given; nothing to override',
          },
        ]);
      }
      return;
    }
    if (!body.consentOverride) {
      throw new ReferralError(
        'consent-required',
        'The victim has not consented to sharing their data; a supervisor may record an override with a reason.',
        [{ path: 'victim.consent.dataSharing', message: 'must be true to submit' }],
      );
    }
    requireGrant(principal, 'referral.consent-override');
  }

  private checkVersion(referral: ReferralRecord, ifMatch: number | undefined): void {
    if (ifMatch === undefined) return;
    if (Number.isNaN(ifMatch) || ifMatch !== referral.version) {
      throw new ReferralError(
        'version-mismatch',
        `The referral is at version ${referral.version}; reload it and try again.`,
      );
    }
  }
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
