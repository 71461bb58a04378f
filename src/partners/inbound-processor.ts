import { Injectable, Logger } from '@nestjs/common';
import {
  EVENT_TYPES,
  HUB_SOURCE,
  LIFECYCLE_ACTIONS,
  countryOfParty,
  toTopic,
  type EventType,
  type FieldError,
  type LifecycleAction,
} from '@hub/contracts';
import { AuditWriter } from '../audit-trail/audit-writer';
import { AppConfig } from '../config/app-config';
import { Transactions, type Tx } from '../database/transactions';
import type { Actor } from '../referrals/actor';
import { actorId } from '../referrals/actor';
import { ReferralError } from '../referrals/referral.error';
import type { ReferralRecord } from '../referrals/referral.record';
import { ReferralRepository } from '../referrals/referral.repository';
import { ReferralLifecycleService } from '../referrals/referral-lifecycle.service';
import { ReferralRules } from '../referrals/referral-rules';
import { DeadLetterPublisher, type InboundRecord } from './dead-letter-publisher';
import { buildEvent } from '../outbox/hub-events';
import { InboxRepository, type InboxClaim } from './inbox.repository';
import { parseInboundRecord, UnusableRecord, type InboundEvent } from './inbound-envelope';
import { DEAD_LETTER_CODES, InboundRefusal, type InboundErrorCode } from './inbound-error';
import { MessagesService } from '../messaging/messages.service';
import { OutboxWriter } from '../outbox/outbox-writer';
import { PartnerKeys } from './partner-keys';

/** What became of one inbound record. */
export type InboundOutcome =
  | { kind: 'applied' }
  | { kind: 'duplicate' }
  | { kind: 'rejected'; code: InboundErrorCode; deadLettered: boolean };

const ACTION_BY_EVENT_TYPE = new Map<EventType, LifecycleAction>(
  Object.entries(LIFECYCLE_ACTIONS).map(([action, spec]) => [
    spec.eventType,
    action as LifecycleAction,
  ]),
);

/**
 * Handles one record of a partner's `from` topic: validates it, de-duplicates it by (`source`,
 * `id`) in the inbox, applies it through the referral lifecycle, and answers on the partner's `to`
 * topic — a receipt, or a rejection with a code — all in one transaction. Records that are not
 * usable events also go to the dead-letter topic. Throws only for failures worth retrying (the
 * database is down, a bug): then nothing was committed and the record must be handled again.
 */
@Injectable()
export class InboundProcessor {
  private readonly logger = new Logger(InboundProcessor.name);

  constructor(
    private readonly config: AppConfig,
    private readonly transactions: Transactions,
    private readonly inbox: InboxRepository,
    private readonly referrals: ReferralRepository,
    private readonly lifecycle: ReferralLifecycleService,
    private readonly rules: ReferralRules,
    private readonly outbox: OutboxWriter,
    private readonly deadLetters: DeadLetterPublisher,
    private readonly audit: AuditWriter,
    private readonly messages: MessagesService,
    private readonly keys: PartnerKeys,
  ) {}

  async handle(record: InboundRecord): Promise<InboundOutcome> {
    let inbound: InboundEvent;
    try {
      inbound = this.parse(record);
    } catch (error) {
      if (error instanceof UnusableRecord) return this.refuseUnusable(record, error);
      throw error;
    }
    let claim: InboxClaim;
    try {
      claim = await this.transactions.run((tx) => this.claimAndApply(tx, record, inbound));
    } catch (error) {
      const refusal = asRefusal(error);
      if (!refusal) throw error;
      return this.refuse(record, inbound, refusal);
    }
    if (claim === 'conflict') return this.conflict(record, inbound);
    return { kind: claim === 'new' ? 'applied' : 'duplicate' };
  }

  /**
   * Applies a run of records of one partition in one transaction, in order: one commit (one
   * fsync) for the run instead of one per record — the commit is what an applied event spent
   * most of its time on. This is the path of ordinary traffic only: when any record of the run is
   * unusable, refused or a reused id, nothing of the run is kept and `undefined` asks the caller
   * to handle each record alone through {@link handle}, which answers every case. Throws for
   * failures worth retrying (the caller then also falls back to one record at a time).
   */
  async handleRun(records: readonly InboundRecord[]): Promise<InboundOutcome[] | undefined> {
    const parsed: InboundEvent[] = [];
    for (const record of records) {
      try {
        parsed.push(this.parse(record));
      } catch (error) {
        if (error instanceof UnusableRecord) return undefined;
        throw error;
      }
    }
    try {
      return await this.transactions.run(async (tx) => {
        const outcomes: InboundOutcome[] = [];
        for (const [index, inbound] of parsed.entries()) {
          const record = records[index] as InboundRecord;
          const claimed = await this.claimAndApply(tx, record, inbound);
          if (claimed === 'conflict') throw new NotOrdinary();
          outcomes.push({ kind: claimed === 'new' ? 'applied' : 'duplicate' });
        }
        return outcomes;
      });
    } catch (error) {
      if (error instanceof NotOrdinary || asRefusal(error)) return undefined;
      throw error;
    }
  }

  /** Dead-letters a record after retries did not help (a bug, not bad input): never blocks. */
  async giveUp(record: InboundRecord, error: unknown): Promise<InboundOutcome> {
    // The partner reads the DLQ: tell it what happened, not our internals (they are in the log).
    const detail = `The hub could not process this record (at ${record.topic}/${record.partition}@${record.offset}); its operators have the details.`;
    this.logger.error(
      `dead-lettering ${record.topic}/${record.partition}@${record.offset} after repeated failures: ${(error as Error).message}`,
      (error as Error).stack,
    );
    await this.deadLetters.publish(record, 'processing-failed', detail);
    return { kind: 'rejected', code: 'processing-failed', deadLettered: true };
  }

  /** Claims the event in the inbox and, when it is new, applies it. */
  private async claimAndApply(
    tx: Tx,
    record: InboundRecord,
    inbound: InboundEvent,
  ): Promise<InboxClaim> {
    const claimed = await this.claim(tx, record, inbound, 'applied');
    if (claimed === 'new') await this.apply(tx, inbound);
    return claimed;
  }

  /** The record as a verified partner event; throws {@link UnusableRecord} when it is none. */
  private parse(record: InboundRecord): InboundEvent {
    return parseInboundRecord(
      record.value,
      stringHeaders(record.headers),
      record.country,
      this.keys.of(record.country),
    );
  }

  private claim(
    tx: Tx,
    record: InboundRecord,
    inbound: InboundEvent,
    outcome: 'applied' | 'rejected',
  ): Promise<InboxClaim> {
    return this.inbox.claim(
      tx,
      inbound.event.source,
      inbound.event.id,
      inbound.digest,
      record,
      outcome,
    );
  }

  private async apply(tx: Tx, inbound: InboundEvent): Promise<void> {
    const actor: Actor = {
      kind: 'partner-system',
      party: inbound.party,
      eventId: inbound.event.id,
    };
    switch (inbound.type) {
      case EVENT_TYPES.referralSubmitted:
        return this.applySubmitted(tx, inbound, actor);
      case EVENT_TYPES.receipt: {
        // A partner confirms it received one of our events; recorded in the inbox, never answered.
        const { eventId, status } = inbound.event.data as { eventId: string; status: string };
        if (status === 'DELIVERED') await this.messages.markDelivered(tx, eventId, inbound.party);
        return;
      }
      case EVENT_TYPES.messagePosted:
        return this.applyMessage(tx, inbound, actor);
      case EVENT_TYPES.referralOverdue:
      case EVENT_TYPES.eventRejected:
      case EVENT_TYPES.auditCheckpoint:
        throw new InboundRefusal('not-allowed', `Only the hub emits ${inbound.type}.`);
      default: {
        const action = ACTION_BY_EVENT_TYPE.get(inbound.type);
        if (action === undefined) {
          throw new InboundRefusal('unknown-type', `Unknown event type ${inbound.type}.`);
        }
        return this.applyAction(tx, inbound, actor, action);
      }
    }
  }

  private async applyAction(
    tx: Tx,
    inbound: InboundEvent,
    actor: Actor,
    action: LifecycleAction,
  ): Promise<void> {
    const { event } = inbound;
    const { referralId, ...data } = event.data;
    if (typeof referralId !== 'string')
      throw new InboundRefusal('invalid-data', 'data.referralId is missing.');
    assertSubject(event.subject, referralId);
    const referral = await this.referrals.lock(tx, referralId);
    if (!referral) {
      throw new InboundRefusal(
        'referral-not-found',
        `No referral ${referralId} involves ${actor.party}.`,
      );
    }
    this.lifecycle.sideOf(referral, actor.party);
    this.checkSequence(referral, event.referralseq);
    if (action === 'schedule-handover') {
      const errors = this.rules.checkCheckpoint('data.checkpoint', String(data['checkpoint']), [
        referral.senderCountry,
        referral.receiverCountry,
      ]);
      if (errors.length > 0)
        throw new InboundRefusal('invalid-data', 'Unknown checkpoint.', errors);
    }
    await this.lifecycle.apply(tx, referral, actor, action, data);
  }

  private async applyMessage(tx: Tx, inbound: InboundEvent, actor: Actor): Promise<void> {
    const { event } = inbound;
    const { referralId, messageId, author, language, body, attachments } = event.data as {
      referralId: string;
      messageId: string;
      author: string;
      language: string;
      body: string;
      attachments?: unknown[];
    };
    assertSubject(event.subject, referralId);
    const referral = await this.referrals.lock(tx, referralId);
    if (!referral) {
      throw new InboundRefusal(
        'referral-not-found',
        `No referral ${referralId} involves ${actor.party}.`,
      );
    }
    // Messages are not decisions: a partner may write without having seen the latest number.
    await this.messages.applyPartnerMessage(tx, referral, actor, {
      messageId,
      author,
      language,
      body,
      attachments: attachments ?? [],
    });
  }

  /** A decision must be taken on the latest state the partner was told of. */
  private checkSequence(referral: ReferralRecord, seen: number | undefined): void {
    if (seen === undefined) {
      throw new InboundRefusal(
        'invalid-envelope',
        'referralseq (the last number you saw) is required.',
        [{ path: 'referralseq', message: 'is required on events about an existing referral' }],
      );
    }
    if (seen < referral.seq) {
      throw new InboundRefusal(
        'stale-state',
        `The referral has changed since you saw it (you saw ${seen}, it is at ${referral.seq}); decide again on the latest state.`,
      );
    }
    if (seen > referral.seq) {
      throw new InboundRefusal(
        'invalid-envelope',
        `referralseq ${seen} is ahead of the referral (${referral.seq}).`,
        [{ path: 'referralseq', message: `must not exceed ${referral.seq}` }],
      );
    }
  }

  private async applySubmitted(tx: Tx, inbound: InboundEvent, actor: Actor): Promise<void> {
    const { event, party } = inbound;
    const { referralId, from, submittedAt, ...content } = event.data as Record<string, unknown> & {
      referralId: string;
      from: string;
      submittedAt: string;
      to: string;
      type: string;
      priority: string;
      senderReference: string;
      handlingCode: string;
    };
    if (from !== party) {
      throw new InboundRefusal('invalid-data', 'data.from must be the party in source.', [
        { path: 'data.from', message: `must be ${party}` },
      ]);
    }
    assertSubject(event.subject, referralId);
    const receiver = this.config.registry.party(content.to);
    if (receiver?.channel !== 'http') {
      throw new InboundRefusal(
        'not-allowed',
        `${content.to} is not an agency served by this hub; refer to a Lao agency.`,
      );
    }
    const errors: FieldError[] = this.rules
      .checkContent(content, party)
      .map((e) => ({ path: `data.${e.path}`, message: e.message }));
    if (errors.length > 0)
      throw new InboundRefusal('invalid-data', 'The referral is not valid.', errors);
    if (await this.referrals.exists(tx, referralId)) {
      throw new InboundRefusal('duplicate-referral', `A referral ${referralId} already exists.`);
    }
    const now = new Date();
    await this.lifecycle.createSubmitted(
      tx,
      {
        id: referralId,
        type: content.type,
        status: 'SUBMITTED',
        priority: content.priority,
        senderParty: party,
        receiverParty: content.to,
        senderCountry: countryOfParty(party),
        receiverCountry: countryOfParty(content.to),
        senderReference: content.senderReference,
        receiverReference: null,
        handlingCode: content.handlingCode,
        origin: 'kafka',
        content,
        version: 1,
        seq: 1,
        createdBy: actorId(actor),
        createdAt: now,
        updatedAt: now,
        submittedAt: new Date(submittedAt),
        closedAt: null,
      },
      actor,
    );
  }

  /** A valid event the hub cannot apply: answer with a rejection (and dead-letter if it must). */
  private async refuse(
    record: InboundRecord,
    inbound: InboundEvent,
    refusal: InboundRefusal,
  ): Promise<InboundOutcome> {
    const deadLettered = DEAD_LETTER_CODES.has(refusal.code);
    if (deadLettered) await this.deadLetters.publish(record, refusal.code, refusal.detail);
    const claim = await this.transactions.run(async (tx) => {
      const claimed = await this.claim(tx, record, inbound, 'rejected');
      if (claimed === 'new') {
        await this.auditRefusal(tx, record.country, refusal.code, {
          eventId: inbound.event.id,
          party: inbound.party,
          digest: inbound.digest.toString('hex'),
          ...(inbound.event.subject !== undefined && { subject: inbound.event.subject }),
        });
        await this.reject(tx, record.country, {
          eventId: inbound.event.id,
          party: inbound.party,
          ...(inbound.event.subject !== undefined && { subject: inbound.event.subject }),
          refusal,
        });
      }
      return claimed;
    });
    if (claim === 'conflict') return this.conflict(record, inbound);
    if (claim === 'duplicate') return { kind: 'duplicate' };
    return { kind: 'rejected', code: refusal.code, deadLettered };
  }

  /** A record that is no usable event: dead-letter it, and answer when its sender is known. */
  private async refuseUnusable(
    record: InboundRecord,
    error: UnusableRecord,
  ): Promise<InboundOutcome> {
    await this.deadLetters.publish(record, error.code, error.detail);
    const { eventId, party, subject } = error.identity;
    await this.transactions.run(async (tx) => {
      await this.auditRefusal(tx, record.country, error.code, {
        ...(eventId !== undefined && { eventId }),
        ...(party !== undefined && { party }),
        ...(subject !== undefined && { subject }),
      });
      if (eventId !== undefined && party !== undefined) {
        await this.reject(tx, record.country, {
          eventId,
          party,
          ...(subject !== undefined && { subject }),
          refusal: error,
        });
      }
    });
    return { kind: 'rejected', code: error.code, deadLettered: true };
  }

  /** The same id with another payload: never applied, never answered as if new — an alarm. */
  private async conflict(record: InboundRecord, inbound: InboundEvent): Promise<InboundOutcome> {
    this.logger.error(
      `ALARM: ${inbound.event.source} reused event id ${inbound.event.id} with a different payload (${record.topic}/${record.partition}@${record.offset})`,
    );
    await this.deadLetters.publish(
      record,
      'duplicate-event-id',
      'This event id was already used for a different event; the hub keeps the first.',
    );
    await this.transactions.run((tx) =>
      this.auditRefusal(tx, record.country, 'duplicate-event-id', {
        eventId: inbound.event.id,
        party: inbound.party,
        digest: inbound.digest.toString('hex'),
        ...(inbound.event.subject !== undefined && { subject: inbound.event.subject }),
      }),
    );
    return { kind: 'rejected', code: 'duplicate-event-id', deadLettered: true };
  }

  /** Every refused partner event is part of the audit trail, with its code but not its content. */
  private auditRefusal(
    tx: Tx,
    country: string,
    code: InboundErrorCode,
    what: { eventId?: string; party?: string; subject?: string; digest?: string },
  ): Promise<void> {
    return this.audit.record(tx, {
      actorKind: 'partner-system',
      actor: `partner-system:${country}`,
      actorParty: what.party ?? null,
      action: 'partner-event.refused',
      referralId: what.subject ?? null,
      eventId: what.eventId ?? null,
      payloadSha256: what.digest ?? null,
      outcome: code,
    });
  }

  private async reject(
    tx: Tx,
    country: string,
    target: { eventId: string; party: string; subject?: string; refusal: InboundRefusal },
  ): Promise<void> {
    const { refusal } = target;
    const event = buildEvent({
      type: EVENT_TYPES.eventRejected,
      source: { hub: HUB_SOURCE },
      ...(target.subject !== undefined && { subject: target.subject }),
      recipient: target.party,
      causationid: target.eventId,
      data: {
        eventId: target.eventId,
        code: refusal.code,
        detail: refusal.detail,
        ...(refusal.errors &&
          refusal.errors.length > 0 && { errors: refusal.errors.slice(0, 200) }),
      },
    });
    await this.outbox.enqueue(
      tx,
      { topic: toTopic(country), key: target.subject ?? target.eventId },
      event,
    );
  }
}

/** A run of records met a case only the one-record path answers (see handleRun). */
class NotOrdinary extends Error {}

/** The event's subject, when given, must be the referral its data is about. */
function assertSubject(subject: string | undefined, referralId: string): void {
  if (subject !== undefined && subject !== referralId) {
    throw new InboundRefusal('invalid-data', 'subject and data.referralId differ.', [
      { path: 'data.referralId', message: 'must equal the event subject' },
    ]);
  }
}

/** Business refusals of the lifecycle become rejection codes; anything else is not a refusal. */
function asRefusal(error: unknown): InboundRefusal | undefined {
  if (error instanceof InboundRefusal) return error;
  if (error instanceof ReferralError) {
    switch (error.code) {
      case 'referral-not-found':
      case 'invalid-transition':
      case 'not-your-turn':
      case 'stale-state':
      case 'not-allowed':
      case 'personal-data-erased':
        return new InboundRefusal(error.code, error.detail, error.errors);
      default:
        return undefined;
    }
  }
  return undefined;
}

function stringHeaders(headers: InboundRecord['headers']): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(headers)) {
    out[name.toLowerCase()] = value === undefined ? undefined : value.toString();
  }
  return out;
}
