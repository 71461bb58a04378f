import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import {
  CONSENT_ACTIONS,
  EVENT_TYPES,
  HUB_SOURCE,
  LIFECYCLE_ACTIONS,
  type ConsentAction,
  type ConsentWithdrawnBy,
  type LifecycleAction,
} from '@hub/contracts';
import { AuditWriter } from '../audit-trail/audit-writer';
import { AppConfig } from '../config/app-config';
import { DeadlinesService } from '../deadlines/deadlines.service';
import type { Tx } from '../database/transactions';
import { WriteBatch } from '../database/write-batch';
import { buildEvent } from '../outbox/hub-events';
import { noticeTarget, OutboxWriter } from '../outbox/outbox-writer';
import { actorId, type Actor } from './actor';
import { ConsentPersonIndex } from './consent-person-index';
import { decideConsentChange } from './consent-rules';
import { ReferralError } from './referral.error';
import type { NewReferral, ReferralChange, ReferralRecord } from './referral.record';
import { ReferralRepository } from './referral.repository';
import { decide } from './referral-lifecycle';
import { VisibleReferrals } from './visible-referrals';
import { isTerminal } from '@hub/contracts';

/** The event of every numbered change but a case message. */
const CHANGES_ON_THE_WIRE = { ...LIFECYCLE_ACTIONS, ...CONSENT_ACTIONS };

/** The outcome of one applied change. */
export interface AppliedChange {
  referral: ReferralRecord;
  change: ReferralChange;
}

/**
 * Applies lifecycle actions to a row-locked referral — the one path both officers' HTTP actions
 * and partners' events take. In the caller's transaction it checks the state machine, numbers the
 * change (`referralseq`), records it, and writes to the outbox the event that tells the other side
 * (when it is served over Kafka) and the receipt owed to a partner system that made the change.
 */
@Injectable()
export class ReferralLifecycleService {
  constructor(
    private readonly config: AppConfig,
    private readonly referrals: ReferralRepository,
    private readonly outbox: OutboxWriter,
    private readonly audit: AuditWriter,
    private readonly deadlines: DeadlinesService,
    private readonly personIndex: ConsentPersonIndex,
  ) {}

  /** Which side of `referral` the party is on; not a party of it → not found (existence hidden). */
  private sideOf(referral: ReferralRecord, party: string): 'sender' | 'receiver' {
    if (VisibleReferrals.canSee(referral, party)) {
      return referral.senderParty === party ? 'sender' : 'receiver';
    }
    throw new ReferralError('referral-not-found', `No referral ${referral.id} is visible to you.`);
  }

  /**
   * Applies `action` with its event `data` (without `referralId`, added here) to `referral`, which
   * the caller has locked in `tx`.
   */
  async apply(
    tx: Tx,
    referral: ReferralRecord,
    actor: Actor,
    action: LifecycleAction,
    data: Record<string, unknown>,
  ): Promise<AppliedChange> {
    const side = this.sideOf(referral, actor.party);
    const decision = decide(action, referral.status, side);
    if (!decision.allowed) throw new ReferralError(decision.reason, decision.detail);

    const now = new Date();
    // Drafts are private and unnumbered (contract v1): withdrawing one takes no number.
    const numbered = referral.status !== 'DRAFT' || action === 'submit';
    const next: ReferralRecord = {
      ...referral,
      status: decision.transition.to,
      version: referral.version + 1,
      seq: numbered ? referral.seq + 1 : referral.seq,
      updatedAt: now,
      submittedAt: action === 'submit' ? now : referral.submittedAt,
      closedAt: isTerminal(decision.transition.to) ? now : referral.closedAt,
      receiverReference:
        action === 'acknowledge' && typeof data['receiverReference'] === 'string'
          ? data['receiverReference']
          : referral.receiverReference,
    };
    const eventData =
      action === 'submit' ? submittedData(next) : { referralId: referral.id, ...data };
    const batch = new WriteBatch();
    const change = this.record(batch, next, actor, action, referral.status, eventData, now);
    this.referrals.addUpdate(batch, next, action === 'submit');
    this.deadlines.addTo(batch, next, change);
    await batch.flush(tx);
    return { referral: next, change };
  }

  /**
   * Stores a referral that a partner system submitted (it arrives already SUBMITTED, as change 1)
   * and queues the receipt.
   */
  async createSubmitted(tx: Tx, submitted: NewReferral, actor: Actor): Promise<AppliedChange> {
    const batch = new WriteBatch();
    const referral = this.referrals.addInsert(batch, submitted);
    const change = this.record(
      batch,
      referral,
      actor,
      'submit',
      'DRAFT',
      submittedData(referral),
      referral.submittedAt ?? new Date(),
    );
    this.deadlines.addTo(batch, referral, change);
    await batch.flush(tx);
    return { referral, change };
  }

  /**
   * Posts a case message: like a lifecycle step it takes the referral's next `referralseq` and
   * travels in order with the other changes, but it leaves the state (and `version`) as they are.
   * `message` is the event data without `referralId`.
   */
  async postMessage(
    tx: Tx,
    referral: ReferralRecord,
    actor: Actor,
    message: {
      messageId: string;
      author: string;
      language: string;
      body: string;
      attachments: unknown[];
    },
  ): Promise<AppliedChange> {
    this.sideOf(referral, actor.party);
    if (referral.status === 'DRAFT') {
      throw new ReferralError(
        'invalid-transition',
        'Messages are exchanged once a referral is submitted.',
      );
    }
    const now = new Date();
    const next: ReferralRecord = { ...referral, seq: referral.seq + 1, updatedAt: now };
    const data = { referralId: referral.id, ...message };
    const batch = new WriteBatch();
    const change = this.record(batch, next, actor, 'message', referral.status, data, now);
    this.referrals.addUpdate(batch, next, false);
    await batch.flush(tx);
    return { referral: next, change };
  }

  /**
   * Records a change of the victim's consent to share data (the consent table decides whether it
   * may be made): numbered like a case message (a draft's is not, and tells nobody), the state
   * left as it is, the event telling the other side, and the person's keyed index entries added
   * while the withdrawal is in force, removed when consent is restored. `data` is the event data
   * without `referralId`.
   */
  async changeConsent(
    tx: Tx,
    referral: ReferralRecord,
    actor: Actor,
    action: ConsentAction,
    data: Record<string, unknown>,
  ): Promise<AppliedChange> {
    this.sideOf(referral, actor.party);
    decideConsentChange(action, referral, actor.party);
    const now = new Date();
    const consentWithdrawal =
      action === 'withdraw-consent'
        ? {
            party: actor.party,
            withdrawnBy: data['withdrawnBy'] as ConsentWithdrawnBy,
            withdrawnOn: String(data['withdrawnOn']),
            recordedAt: now.toISOString(),
          }
        : null;
    const next: ReferralRecord = {
      ...referral,
      consentWithdrawal,
      version: referral.version + 1,
      seq: referral.status === 'DRAFT' ? referral.seq : referral.seq + 1,
      updatedAt: now,
    };
    const batch = new WriteBatch();
    const eventData = { referralId: referral.id, ...data };
    const change = this.record(batch, next, actor, action, referral.status, eventData, now);
    this.referrals.addUpdate(batch, next, false);
    if (consentWithdrawal) this.personIndex.addTo(batch, referral.id, referral.content);
    else this.personIndex.removeFrom(batch, referral.id);
    await batch.flush(tx);
    return { referral: next, change };
  }

  /** Adds a numbered change, its audit entry and the events it owes to `batch`. */
  private record(
    batch: WriteBatch,
    next: ReferralRecord,
    actor: Actor,
    action: LifecycleAction | ConsentAction | 'message',
    fromStatus: ReferralRecord['status'],
    eventData: Record<string, unknown>,
    now: Date,
  ): ReferralChange {
    const key = next.dataKey;
    if (!key) {
      throw new ReferralError(
        'personal-data-erased',
        "The referral's personal data was erased; nothing more can be added to it.",
      );
    }
    const eventType =
      action === 'message' ? EVENT_TYPES.messagePosted : CHANGES_ON_THE_WIRE[action].eventType;
    const causationId = actor.kind === 'partner-system' ? actor.eventId : null;
    const change: ReferralChange = {
      referralId: next.id,
      seq: next.seq,
      action,
      eventType,
      eventId: randomUUID(),
      actorParty: actor.party,
      actor: actorId(actor),
      fromStatus,
      toStatus: next.status,
      data: eventData,
      causationId,
      occurredAt: now,
    };
    // A change that took no number (a draft withdrawn) is in the audit trail, not the change log.
    if (change.seq > 0) this.referrals.addChange(batch, change, key);
    this.audit.addTo(batch, {
      actorKind: actor.kind,
      actor: actorId(actor),
      actorParty: actor.party,
      actorRoles: actor.kind === 'officer' ? actor.roles : [],
      action: action === 'message' ? 'message.posted' : `referral.${action}`,
      referralId: next.id,
      stateBefore: fromStatus,
      stateAfter: next.status,
      eventId: actor.kind === 'partner-system' ? actor.eventId : change.eventId,
      payload: eventData,
    });
    // A draft is private to its sender: withdrawing one tells no partner about it.
    if (fromStatus !== 'DRAFT' || action === 'submit') this.announce(batch, next, change, actor);
    return change;
  }

  /** Queues the events this change owes to partner systems. */
  private announce(
    batch: WriteBatch,
    referral: ReferralRecord,
    change: ReferralChange,
    actor: Actor,
  ): void {
    const counterpart =
      actor.party === referral.senderParty ? referral.receiverParty : referral.senderParty;
    if (this.config.registry.party(counterpart)?.channel === 'kafka') {
      const event = buildEvent({
        id: change.eventId,
        type: change.eventType,
        source: { party: actor.party },
        subject: referral.id,
        recipient: counterpart,
        referralseq: change.seq,
        ...(change.causationId === null ? {} : { causationid: change.causationId }),
        time: change.occurredAt,
        data: change.data,
      });
      this.outbox.addTo(
        batch,
        noticeTarget({ party: counterpart }, event),
        event,
        referral.dataKey,
      );
    }
    if (actor.kind === 'partner-system') {
      const receipt = buildEvent({
        type: EVENT_TYPES.receipt,
        source: { hub: HUB_SOURCE },
        subject: referral.id,
        recipient: actor.party,
        referralseq: change.seq,
        causationid: actor.eventId,
        data: { eventId: actor.eventId, status: 'APPLIED' },
      });
      this.outbox.addTo(batch, noticeTarget(actor, receipt), receipt, referral.dataKey);
    }
  }
}

/** The data of `mrh.referral.submitted.v1`: the content plus id, sender and submission time. */
function submittedData(referral: ReferralRecord): Record<string, unknown> {
  return {
    ...referral.content,
    referralId: referral.id,
    from: referral.senderParty,
    to: referral.receiverParty,
    submittedAt: (referral.submittedAt ?? new Date()).toISOString(),
  };
}
