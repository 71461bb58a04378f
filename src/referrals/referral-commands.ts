import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import {
  countryOfParty,
  type ConsentAction,
  type LifecycleAction,
  type ReferralContent,
} from '@hub/contracts';
import { AuditWriter } from '../audit-trail/audit-writer';
import { requireGrant } from '../auth/permissions';
import { validationFailed } from '../common/validation.pipe';
import { AppConfig } from '../config/app-config';
import type { Tx } from '../database/transactions';
import { WriteBatch } from '../database/write-batch';
import { actorId, type Actor, type OfficerActor, type PartnerActor } from './actor';
import { CaseMessageRepository } from './case-message.repository';
import { ConsentPersonIndex } from './consent-person-index';
import { checkDisclosure, CONSENT_BOUND_TYPES, consentPermission } from './consent-rules';
import { ReferralError } from './referral.error';
import type { NewReferral, ReferralChange, ReferralRecord } from './referral.record';
import { ReferralRepository } from './referral.repository';
import { ReferralErasure, type Eraser } from './referral-erasure';
import { ReferralLifecycleService } from './referral-lifecycle.service';
import {
  checkRecipient,
  checkSequence,
  checkVersion,
  hasConsent,
  type Preconditions,
} from './referral-preconditions';
import { ReferralRules } from './referral-rules';
import { VisibleReferrals } from './visible-referrals';

/** A case message as a command carries it (the event data of `mrh.message.posted.v1`). */
export interface MessageInput {
  messageId: string;
  author: string;
  language: string;
  body: string;
  attachments: unknown[];
}

/** Every change to a referral, whichever door it came through. */
export type ReferralCommand =
  /** An officer's new draft (content shape-checked by the contract class already). */
  | { kind: 'create-draft'; content: ReferralContent }
  /** A partner system's new referral, arriving submitted (`mrh.referral.submitted.v1`). */
  | {
      kind: 'receive-referral';
      referralId: string;
      content: Record<string, unknown> & { to: string; type: string };
      submittedAt: Date;
      recipient?: string;
    }
  /** A lifecycle action; `consentOverride` only with `submit`, by a supervisor. */
  | {
      kind: 'act';
      referralId: string;
      action: LifecycleAction;
      data: Record<string, unknown>;
      expect: Preconditions;
      consentOverride?: { reason: string };
    }
  /** A change of the victim's consent to share data: numbered, the state left as it is. */
  | {
      kind: 'change-consent';
      referralId: string;
      action: ConsentAction;
      data: Record<string, unknown>;
      expect: Preconditions;
    }
  /** A case message: numbered like a change, the state left as it is. */
  | { kind: 'post-message'; referralId: string; message: MessageInput; expect: Preconditions }
  /** A partner confirms it received one of the hub's events (`mrh.receipt.v1` DELIVERED). */
  | { kind: 'confirm-delivery'; eventId: string }
  /** Erasure of the personal data (crypto-shredding), by a supervisor or the retention rule. */
  | { kind: 'erase'; referralId: string; reason: string };

/** What an executed command left: the referral as it now is, and the numbered change if any. */
export interface CommandResult {
  referral: ReferralRecord | undefined;
  change: ReferralChange | undefined;
}

/** Who may issue commands: the referral actors, and the hub itself for retention erasure. */
export type CommandActor = Actor | Extract<Eraser, { kind: 'hub' }>;

/**
 * The one door for every change to a referral. HTTP controllers, the partners' inbound processor,
 * case messages and erasure all call {@link execute} in their transaction, so visibility, the
 * content rules, checkpoints, `If-Match` versions and partners' `referralseq`, consent, and the
 * answer owed to a partner system (its receipt, queued with the change) are decided here once.
 *
 * A refusal is a thrown {@link ReferralError} (or a `validation-failed` naming the fields, paths
 * relative to the content or action body); the caller's transaction then rolls back, so nothing of
 * a refused command is kept. How a refusal is told is the door's business: problem+json over
 * HTTP, `mrh.event.rejected.v1` on Kafka.
 */
@Injectable()
export class ReferralCommands {
  constructor(
    private readonly config: AppConfig,
    private readonly referrals: ReferralRepository,
    private readonly visible: VisibleReferrals,
    private readonly lifecycle: ReferralLifecycleService,
    private readonly rules: ReferralRules,
    private readonly messages: CaseMessageRepository,
    private readonly erasure: ReferralErasure,
    private readonly audit: AuditWriter,
    private readonly personIndex: ConsentPersonIndex,
  ) {}

  async execute(tx: Tx, actor: CommandActor, command: ReferralCommand): Promise<CommandResult> {
    if (actor.kind === 'hub') {
      if (command.kind !== 'erase') throw notAllowed('The hub itself only erases personal data.');
      return this.erase(tx, actor, command.referralId, command.reason);
    }
    switch (command.kind) {
      case 'create-draft':
        return this.createDraft(tx, officerOnly(actor, command.kind), command.content);
      case 'receive-referral':
        return this.receiveReferral(tx, partnerOnly(actor, command.kind), command);
      case 'act':
        return this.act(tx, actor, command);
      case 'change-consent':
        return this.changeConsent(tx, actor, command);
      case 'post-message':
        return this.postMessage(tx, actor, command.referralId, command.message, command.expect);
      case 'confirm-delivery':
        return this.confirmDelivery(tx, partnerOnly(actor, command.kind), command.eventId);
      case 'erase':
        return this.erase(tx, officerOnly(actor, command.kind), command.referralId, command.reason);
    }
  }

  private async createDraft(
    tx: Tx,
    officer: OfficerActor,
    content: ReferralContent,
  ): Promise<CommandResult> {
    this.checkContent(content, officer.party);
    const now = new Date();
    const draft: NewReferral = {
      id: randomUUID(),
      type: content.type,
      status: 'DRAFT',
      priority: content.priority,
      senderParty: officer.party,
      receiverParty: content.to,
      senderCountry: countryOfParty(officer.party),
      receiverCountry: countryOfParty(content.to),
      senderReference: content.senderReference,
      receiverReference: null,
      handlingCode: content.handlingCode,
      origin: 'http',
      content: JSON.parse(JSON.stringify(content)) as Record<string, unknown>,
      version: 1,
      seq: 0,
      createdBy: officer.sub,
      createdAt: now,
      updatedAt: now,
      submittedAt: null,
      closedAt: null,
    };
    // Personal data enters the hub here: the draft and its entry commit together or not at all.
    const batch = new WriteBatch();
    const referral = this.referrals.addInsert(batch, draft);
    this.audit.addTo(batch, {
      actorKind: 'officer',
      actor: actorId(officer),
      actorParty: officer.party,
      actorRoles: officer.roles,
      action: 'referral.create',
      referralId: referral.id,
      stateBefore: null,
      stateAfter: referral.status,
      payload: draft.content,
    });
    await batch.flush(tx);
    return { referral, change: undefined };
  }

  private async receiveReferral(
    tx: Tx,
    partner: PartnerActor,
    command: Extract<ReferralCommand, { kind: 'receive-referral' }>,
  ): Promise<CommandResult> {
    const { content } = command;
    const receiver = this.config.registry.party(content.to);
    if (receiver?.channel !== 'http') {
      throw notAllowed(`${content.to} is not an agency served by this hub; refer to a Lao agency.`);
    }
    checkRecipient(partner.party, content.to, command.recipient);
    this.checkContent(content, partner.party);
    // The same rule as an officer's submission, with no override: a partner system's supervisor
    // records consent (or its absence) in its own system, which must not send the data without.
    if (!hasConsent(content.type, content)) {
      throw new ReferralError(
        'consent-required',
        'The victim has not consented to sharing their data; a victim repatriation is accepted only with victim.consent.dataSharing true.',
        [{ path: 'victim.consent.dataSharing', message: 'must be true' }],
      );
    }
    await this.checkSamePerson(tx, command.referralId, content.type, content);
    if (await this.referrals.exists(tx, command.referralId)) {
      throw new ReferralError(
        'duplicate-referral',
        `A referral ${command.referralId} already exists.`,
      );
    }
    const str = (key: string): string => String(content[key]);
    const now = new Date();
    return this.lifecycle.createSubmitted(
      tx,
      {
        id: command.referralId,
        type: content.type,
        status: 'SUBMITTED',
        priority: str('priority'),
        senderParty: partner.party,
        receiverParty: content.to,
        senderCountry: countryOfParty(partner.party),
        receiverCountry: countryOfParty(content.to),
        senderReference: str('senderReference'),
        receiverReference: null,
        handlingCode: str('handlingCode'),
        origin: 'kafka',
        content,
        version: 1,
        seq: 1,
        createdBy: actorId(partner),
        createdAt: now,
        updatedAt: now,
        submittedAt: command.submittedAt,
        closedAt: null,
      },
      partner,
    );
  }

  private async act(
    tx: Tx,
    actor: Actor,
    command: Extract<ReferralCommand, { kind: 'act' }>,
  ): Promise<CommandResult> {
    const referral = await this.lockFor(tx, actor, command.referralId, command.expect, true);
    if (command.action === 'schedule-handover') {
      const errors = this.rules.checkCheckpoint('checkpoint', String(command.data['checkpoint']), [
        referral.senderCountry,
        referral.receiverCountry,
      ]);
      if (errors.length > 0) throw validationFailed(errors);
    }
    const override = command.action === 'submit' ? command.consentOverride : undefined;
    if (command.action === 'submit' && referral.status === 'DRAFT') {
      checkDisclosure(referral.consentWithdrawal !== null, 'submission');
      this.checkConsent(actor, referral, override);
      await this.checkSamePerson(tx, referral.id, referral.type, referral.content);
    } else if (command.consentOverride) {
      throw validationFailed([
        { path: 'consentOverride', message: 'is only for submitting a draft' },
      ]);
    }
    const applied = await this.lifecycle.apply(tx, referral, actor, command.action, command.data);
    if (override && actor.kind === 'officer') {
      const recorded = {
        by: actor.sub,
        reason: override.reason,
        at: applied.change.occurredAt.toISOString(),
      };
      await this.referrals.recordConsentOverride(tx, referral.id, recorded);
      // The supervisor's own entry, beside the submission's: who overrode, and why, verbatim.
      await this.audit.record(tx, {
        actorKind: 'officer',
        actor: actor.sub,
        actorParty: actor.party,
        actorRoles: actor.roles,
        action: 'referral.consent-override',
        referralId: referral.id,
        stateBefore: referral.status,
        stateAfter: applied.referral.status,
        eventId: applied.change.eventId,
        payload: recorded,
        outcome: recorded.reason,
      });
    }
    return applied;
  }

  /**
   * A victim's consent withdrawn or restored. Like a case message it is no decision: a partner
   * need not have seen the latest number. An officer needs the consent table's permission (a
   * restoration is a supervisor's); which change the consent's state allows, and which side may
   * make it, the lifecycle service decides from the same table.
   */
  private async changeConsent(
    tx: Tx,
    actor: Actor,
    command: Extract<ReferralCommand, { kind: 'change-consent' }>,
  ): Promise<CommandResult> {
    const referral = await this.lockFor(tx, actor, command.referralId, command.expect, false);
    if (actor.kind === 'officer') {
      requireGrant({ ...actor, channel: 'http' }, consentPermission(command.action));
    }
    return this.lifecycle.changeConsent(tx, referral, actor, command.action, command.data);
  }

  /**
   * Refuses a new referral (`consent-withdrawn`) whose person's consent to share data is withdrawn
   * on another referral, for the types whose exchange rests on consent (see CONSENT_BOUND_TYPES).
   */
  private async checkSamePerson(
    tx: Tx,
    referralId: string,
    type: string,
    content: Record<string, unknown> | null,
  ): Promise<void> {
    if (!CONSENT_BOUND_TYPES.includes(type)) return;
    checkDisclosure(
      await this.personIndex.withdrawnElsewhere(tx, referralId, content),
      'same-person',
    );
  }

  /**
   * Numbers the message as the referral's next change and stores it. A counterpart served over
   * HTTP has it as soon as it is stored; a partner system confirms it with a DELIVERED receipt.
   * Messages are not decisions: a partner may write without having seen the latest number.
   */
  private async postMessage(
    tx: Tx,
    actor: Actor,
    referralId: string,
    message: MessageInput,
    expect: Preconditions,
  ): Promise<CommandResult> {
    const referral = await this.lockFor(tx, actor, referralId, expect, false);
    checkDisclosure(
      referral.consentWithdrawal !== null && message.attachments.length > 0,
      'attachments',
    );
    if (await this.messages.exists(tx, message.messageId)) {
      throw notAllowed(`A message ${message.messageId} already exists.`);
    }
    const { referral: next, change } = await this.lifecycle.postMessage(
      tx,
      referral,
      actor,
      message,
    );
    const counterpart = counterpartOf(referral, actor.party);
    const deliveredAt =
      this.config.registry.party(counterpart)?.channel === 'http' ? change.occurredAt : null;
    // postMessage refuses a referral whose data key is destroyed.
    if (!referral.dataKey) throw new Error('a message was numbered on an erased referral');
    await this.messages.insert(tx, referral.dataKey, {
      id: message.messageId,
      referralId: referral.id,
      seq: change.seq,
      authorParty: actor.party,
      author: message.author,
      language: message.language,
      body: message.body,
      attachments: message.attachments,
      eventId: change.eventId,
      createdAt: change.occurredAt,
      deliveredAt,
    });
    return { referral: next, change };
  }

  /**
   * A partner's `DELIVERED` receipt for one of the hub's events: the change or case message it
   * told of is delivered, and the referral's audit trail says who confirmed it. A receipt that
   * confirms nothing new (another notice, a repeat) leaves no entry.
   */
  private async confirmDelivery(
    tx: Tx,
    partner: PartnerActor,
    eventId: string,
  ): Promise<CommandResult> {
    const confirmed = await this.messages.markDelivered(tx, eventId, partner.party, new Date());
    const batch = new WriteBatch();
    for (const { referralId, status } of confirmed) {
      this.audit.addTo(batch, {
        actorKind: partner.kind,
        actor: actorId(partner),
        actorParty: partner.party,
        action: 'referral.delivery-confirmed',
        referralId,
        stateBefore: status,
        stateAfter: status,
        eventId: partner.eventId,
        payload: { eventId, status: 'DELIVERED' },
      });
    }
    await batch.flush(tx);
    return { referral: undefined, change: undefined };
  }

  private async erase(
    tx: Tx,
    by: Eraser,
    referralId: string,
    reason: string,
  ): Promise<CommandResult> {
    const referral =
      by.kind === 'officer'
        ? await this.visible.lock(tx, referralId, by.party)
        : await this.visible.lockAny(tx, referralId);
    const at = await this.erasure.erase(tx, referral, by, reason);
    return {
      referral: { ...referral, content: null, dataKey: null, personalDataErasedAt: at },
      change: undefined,
    };
  }

  /**
   * The referral, row-locked, if `actor` may see it (else the same 404 for every reason), with
   * the actor's preconditions checked: an officer's `If-Match`; a partner's `recipient`, and its
   * `referralseq` on decisions.
   */
  private async lockFor(
    tx: Tx,
    actor: Actor,
    referralId: string,
    expect: Preconditions,
    decision: boolean,
  ): Promise<ReferralRecord> {
    const referral = await this.visible.lock(tx, referralId, actor.party);
    if (actor.kind === 'officer') {
      checkVersion(referral, expect.version);
    } else {
      checkRecipient(actor.party, counterpartOf(referral, actor.party), expect.recipient);
      if (decision) checkSequence(referral, expect.referralseq);
    }
    return referral;
  }

  /** Registry rules of the content (counterpart, checkpoints), shape being checked already. */
  private checkContent(
    content: Parameters<ReferralRules['checkContent']>[0],
    sender: string,
  ): void {
    const errors = this.rules.checkContent(content, sender);
    if (errors.length > 0) throw validationFailed(errors);
  }

  /** Consent to share data is required, or a supervisor's override with a reason. */
  private checkConsent(
    actor: Actor,
    referral: ReferralRecord,
    override: { reason: string } | undefined,
  ): void {
    if (hasConsent(referral.type, referral.content)) {
      if (override) {
        throw validationFailed([
          {
            path: 'consentOverride',
            message: 'consent to share data was given; nothing to override',
          },
        ]);
      }
      return;
    }
    if (!override) {
      throw new ReferralError(
        'consent-required',
        'The victim has not consented to sharing their data; a supervisor may record an override with a reason.',
        [{ path: 'victim.consent.dataSharing', message: 'must be true to submit' }],
      );
    }
    if (actor.kind !== 'officer') {
      throw notAllowed('Only a supervisor may record an override of missing consent.');
    }
    requireGrant({ ...actor, channel: 'http' }, 'referral.consent-override');
  }
}

/** The other party of `referral`, seen from `party`. */
export function counterpartOf(referral: ReferralRecord, party: string): string {
  return referral.senderParty === party ? referral.receiverParty : referral.senderParty;
}

function officerOnly(actor: Actor, kind: ReferralCommand['kind']): OfficerActor {
  if (actor.kind !== 'officer') throw notAllowed(`Only an officer may ${kind.replace('-', ' ')}.`);
  return actor;
}

function partnerOnly(actor: Actor, kind: ReferralCommand['kind']): PartnerActor {
  if (actor.kind !== 'partner-system') {
    throw notAllowed(`Only a partner system may ${kind.replace('-', ' ')}.`);
  }
  return actor;
}

function notAllowed(detail: string): ReferralError {
  return new ReferralError('not-allowed', detail);
}
