import { Injectable, Logger } from '@nestjs/common';
import {
  CONSENT_ACTIONS,
  EVENT_TYPES,
  LIFECYCLE_ACTIONS,
  type AuditCosignedData,
  type AuditForkDetectedData,
  type ConsentAction,
  type EventType,
  type FieldError,
  type LifecycleAction,
} from '@hub/contracts';
import { CommonError } from '../common/problem/common.error';
import { Transactions, type Tx } from '../database/transactions';
import {
  ReferralCommands,
  ReferralError,
  type PartnerActor,
  type ReferralCommand,
  type ReferralErrorCode,
} from '../referrals/referrals.module';
import { DeadLetterPublisher, type InboundRecord } from './dead-letter-publisher';
import { InboxRepository, type InboxClaim } from './inbox.repository';
import {
  parseInboundRecord,
  UnusableRecord,
  type InboundEvent,
  type RecordIdentity,
} from './inbound-envelope';
import { DEAD_LETTER_CODES, InboundRefusal, type InboundErrorCode } from './inbound-error';
import { PartnerAnswers } from './partner-answers';
import { PartnerKeys } from './partner-keys';
import { AuditWitnesses, WitnessEventError } from '../audit/audit.module';

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

const CONSENT_BY_EVENT_TYPE = new Map<EventType, ConsentAction>(
  Object.entries(CONSENT_ACTIONS).map(([action, spec]) => [
    spec.eventType,
    action as ConsentAction,
  ]),
);

/**
 * Handles one record of a partner's `from` topic: parse (envelope, signature, schema) → claim
 * its (`source`, `id`) in the inbox → execute it as a referral command → answer. The command
 * queues the receipt with the change, in one transaction; a refusal rolls the change back and is
 * answered in a transaction of its own with `mrh.event.rejected.v1` (and, for records that are no
 * usable event, a dead letter). Every event whose sender is known gets exactly one answer, by
 * (`source`, `id`): a redelivered record, refused or applied, is not answered again. Throws only
 * for failures worth retrying (the database is down, a bug): then nothing was committed and the
 * record must be handled again.
 */
@Injectable()
export class InboundProcessor {
  private readonly logger = new Logger(InboundProcessor.name);

  constructor(
    private readonly transactions: Transactions,
    private readonly inbox: InboxRepository,
    private readonly commands: ReferralCommands,
    private readonly answers: PartnerAnswers,
    private readonly deadLetters: DeadLetterPublisher,
    private readonly keys: PartnerKeys,
    private readonly witnesses: AuditWitnesses,
  ) {}

  async handle(record: InboundRecord): Promise<InboundOutcome> {
    let inbound: InboundEvent;
    try {
      inbound = this.parse(record);
    } catch (error) {
      if (error instanceof UnusableRecord) return this.refuse(record, error.identity, error);
      throw error;
    }
    let claim: InboxClaim;
    try {
      claim = await this.transactions.run((tx) => this.claimAndExecute(tx, record, inbound));
    } catch (error) {
      const refusal = asRefusal(error);
      if (!refusal) throw error;
      return this.refuse(record, identityOf(inbound), refusal);
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
          const claimed = await this.claimAndExecute(tx, record, inbound);
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

  /**
   * Dead-letters a record after retries did not help (a bug, not bad input): never blocks. Its
   * sender, when the record is a readable event, is still told (`processing-failed`) once.
   */
  async giveUp(record: InboundRecord, error: unknown): Promise<InboundOutcome> {
    // The partner reads the DLQ: tell it what happened, not our internals (they are in the log).
    const detail = `The hub could not process this record (at ${record.topic}/${record.partition}@${record.offset}); its operators have the details.`;
    this.logger.error(
      `dead-lettering ${record.topic}/${record.partition}@${record.offset} after repeated failures: ${(error as Error).message}`,
      (error as Error).stack,
    );
    let identity: RecordIdentity = {};
    try {
      identity = identityOf(this.parse(record));
    } catch (parseError) {
      if (parseError instanceof UnusableRecord) identity = parseError.identity;
    }
    const refusal = new InboundRefusal('processing-failed', detail);
    try {
      return await this.refuse(record, identity, refusal);
    } catch (answerError) {
      // The answer could not be written either: the dead letter alone keeps the record.
      this.logger.error(
        `cannot answer ${record.topic}/${record.partition}@${record.offset}: ${(answerError as Error).message}`,
      );
      await this.deadLetters.publish(record, 'processing-failed', detail);
      return { kind: 'rejected', code: 'processing-failed', deadLettered: true };
    }
  }

  /** Claims the event in the inbox and, when it is new, executes it. */
  private async claimAndExecute(
    tx: Tx,
    record: InboundRecord,
    inbound: InboundEvent,
  ): Promise<InboxClaim> {
    const { event } = inbound;
    const claimed = await this.inbox.claim(
      tx,
      event.source,
      event.id,
      inbound.digest,
      record,
      'applied',
    );
    if (claimed !== 'new') return claimed;
    if (
      inbound.type === EVENT_TYPES.auditCosigned ||
      inbound.type === EVENT_TYPES.auditForkDetected
    ) {
      await this.applyWitnessEvent(tx, record.country, inbound);
      return claimed;
    }
    const actor: PartnerActor = { kind: 'partner-system', party: inbound.party, eventId: event.id };
    const command = commandOf(inbound);
    if (command) await this.commands.execute(tx, actor, command);
    return claimed;
  }

  /**
   * A partner system acting as a witness of the audit log: its cosignature, or its report of a
   * fork, applied by the audit feature and answered with a receipt in the same transaction.
   */
  private async applyWitnessEvent(tx: Tx, country: string, inbound: InboundEvent): Promise<void> {
    const { event, party } = inbound;
    const sender = { country, party, eventId: event.id };
    try {
      if (inbound.type === EVENT_TYPES.auditCosigned) {
        await this.witnesses.cosigned(tx, sender, event.data as unknown as AuditCosignedData);
      } else {
        await this.witnesses.forkReported(
          tx,
          sender,
          event.data as unknown as AuditForkDetectedData,
        );
      }
    } catch (error) {
      if (error instanceof WitnessEventError) {
        throw new InboundRefusal(error.code, error.detail, error.errors);
      }
      throw error;
    }
    await this.answers.applied(tx, country, { ...identityOf(inbound), eventId: event.id });
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

  /**
   * A record the hub refuses: dead-lettered when its code says so, and answered once — when the
   * event has an id and a source to claim it by in the inbox, and the claim is new. A record
   * without a readable id (or source) cannot be named in an answer: the dead letter is all.
   */
  private async refuse(
    record: InboundRecord,
    identity: RecordIdentity,
    refusal: InboundRefusal,
  ): Promise<InboundOutcome> {
    const { eventId, source, digest } = identity;
    const claim = await this.transactions.run(async (tx) => {
      if (eventId === undefined || source === undefined || digest === undefined) {
        await this.answers.auditRefusal(tx, record.country, identity, refusal.code);
        return 'unnamed' as const;
      }
      // A record whose signature failed proves nothing about who sent it: it may not take the
      // id from the partner's real event. It is answered (each time it comes), never claimed.
      const claimed =
        refusal.code === 'bad-signature'
          ? ('new' as const)
          : await this.inbox.claim(tx, source, eventId, digest, record, 'rejected');
      if (claimed === 'new') {
        await this.answers.refuse(tx, record.country, { ...identity, eventId }, refusal);
      }
      return claimed;
    });
    if (claim === 'duplicate') return { kind: 'duplicate' };
    if (claim === 'conflict') return this.conflictOf(record, identity);
    const deadLettered = DEAD_LETTER_CODES.has(refusal.code);
    if (deadLettered) await this.deadLetters.publish(record, refusal.code, refusal.detail);
    return { kind: 'rejected', code: refusal.code, deadLettered };
  }

  /** The same id with another payload: never applied, never answered as if new — an alarm. */
  private conflict(record: InboundRecord, inbound: InboundEvent): Promise<InboundOutcome> {
    return this.conflictOf(record, identityOf(inbound));
  }

  private async conflictOf(
    record: InboundRecord,
    identity: RecordIdentity,
  ): Promise<InboundOutcome> {
    this.logger.error(
      `ALARM: ${identity.source ?? '?'} reused event id ${identity.eventId ?? '?'} with a different payload (${record.topic}/${record.partition}@${record.offset})`,
    );
    // No answer: this (source, id) has had its one answer, for the event that first used it.
    await this.deadLetters.publish(
      record,
      'duplicate-event-id',
      'This event id was already used for a different event; the hub keeps the first.',
    );
    await this.transactions.run((tx) =>
      this.answers.auditRefusal(tx, record.country, identity, 'duplicate-event-id'),
    );
    return { kind: 'rejected', code: 'duplicate-event-id', deadLettered: true };
  }
}

/** A run of records met a case only the one-record path answers (see handleRun). */
class NotOrdinary extends Error {}

/** What the inbox and an answer need of a parsed event. */
function identityOf(inbound: InboundEvent): RecordIdentity {
  const { event } = inbound;
  return {
    eventId: event.id,
    source: event.source,
    party: inbound.party,
    digest: inbound.digest,
    ...(event.subject !== undefined && { subject: event.subject }),
  };
}

/**
 * The referral command a partner event asks for; `undefined` for one that only needs recording
 * (a receipt other than DELIVERED). Envelope consistency (`subject`, `data.from`) is checked
 * here, the referral rules by the command.
 */
function commandOf(inbound: InboundEvent): ReferralCommand | undefined {
  const { event, party } = inbound;
  const data = event.data;
  const expect = {
    ...(event.referralseq !== undefined && { referralseq: event.referralseq }),
    ...(event.recipient !== undefined && { recipient: event.recipient }),
  };
  switch (inbound.type) {
    case EVENT_TYPES.referralSubmitted: {
      const { referralId, from, submittedAt, ...content } = data as Record<string, unknown> & {
        referralId: string;
        from: string;
        submittedAt: string;
        to: string;
        type: string;
      };
      if (from !== party) {
        throw new InboundRefusal('invalid-data', 'data.from must be the party in source.', [
          { path: 'data.from', message: `must be ${party}` },
        ]);
      }
      assertSubject(event.subject, referralId);
      return {
        kind: 'receive-referral',
        referralId,
        content,
        submittedAt: new Date(submittedAt),
        ...(event.recipient !== undefined && { recipient: event.recipient }),
      };
    }
    case EVENT_TYPES.receipt: {
      // A partner confirms it received one of our events; recorded in the inbox, never answered.
      const { eventId, status } = data as { eventId: string; status: string };
      return status === 'DELIVERED' ? { kind: 'confirm-delivery', eventId } : undefined;
    }
    case EVENT_TYPES.messagePosted: {
      const { referralId, messageId, author, language, body, attachments } = data as {
        referralId: string;
        messageId: string;
        author: string;
        language: string;
        body: string;
        attachments?: unknown[];
      };
      assertSubject(event.subject, referralId);
      return {
        kind: 'post-message',
        referralId,
        message: { messageId, author, language, body, attachments: attachments ?? [] },
        expect,
      };
    }
    case EVENT_TYPES.auditCosigned:
    case EVENT_TYPES.auditForkDetected:
      return undefined; // applied by the audit feature, see applyWitnessEvent
    case EVENT_TYPES.referralOverdue:
    case EVENT_TYPES.eventRejected:
    case EVENT_TYPES.auditCheckpoint:
      throw new InboundRefusal('not-allowed', `Only the hub emits ${inbound.type}.`);
    default: {
      const action = ACTION_BY_EVENT_TYPE.get(inbound.type);
      const consent = CONSENT_BY_EVENT_TYPE.get(inbound.type);
      if (action === undefined && consent === undefined) throw unknownType(inbound.type);
      const { referralId, ...rest } = data;
      if (typeof referralId !== 'string') {
        throw new InboundRefusal('invalid-data', 'data.referralId is missing.');
      }
      assertSubject(event.subject, referralId);
      if (action !== undefined) return { kind: 'act', referralId, action, data: rest, expect };
      if (consent === undefined) throw unknownType(inbound.type);
      return { kind: 'change-consent', referralId, action: consent, data: rest, expect };
    }
  }
}

function unknownType(type: string): InboundRefusal {
  return new InboundRefusal('unknown-type', `Unknown event type ${type}.`);
}

/** The event's subject, when given, must be the referral its data is about. */
function assertSubject(subject: string | undefined, referralId: string): void {
  if (subject !== undefined && subject !== referralId) {
    throw new InboundRefusal('invalid-data', 'subject and data.referralId differ.', [
      { path: 'data.referralId', message: 'must equal the event subject' },
    ]);
  }
}

/**
 * A command's refusal as a rejection code; anything else is not a refusal (retried). Field paths
 * of content and action bodies are relative to the event's `data`.
 */
function asRefusal(error: unknown): InboundRefusal | undefined {
  if (error instanceof InboundRefusal) return error;
  if (error instanceof CommonError && error.code === 'validation-failed') {
    const errors: FieldError[] = (error.errors ?? []).map((e) => ({
      path: e.path ? `data.${e.path}` : 'data',
      message: e.message,
    }));
    return new InboundRefusal('invalid-data', 'The event data breaks a rule of the hub.', errors);
  }
  if (error instanceof ReferralError) {
    const code = rejectionCodeOf(error.code);
    return code && new InboundRefusal(code, error.detail, error.errors);
  }
  return undefined;
}

/**
 * Every referral refusal code, decided here once (no default: a new code must be placed). The
 * codes only HTTP can meet have no rejection: met on Kafka they would be a bug, retried and then
 * dead-lettered as `processing-failed`.
 */
function rejectionCodeOf(code: ReferralErrorCode): InboundErrorCode | undefined {
  switch (code) {
    case 'referral-not-found':
    case 'invalid-transition':
    case 'not-your-turn':
    case 'stale-state':
    case 'invalid-envelope':
    case 'duplicate-referral':
    case 'consent-required':
    case 'consent-withdrawn':
    case 'not-allowed':
    case 'personal-data-erased':
      return code;
    case 'version-mismatch':
    case 'idempotency-key-reused':
    case 'erasure-not-allowed':
      return undefined;
  }
}

function stringHeaders(headers: InboundRecord['headers']): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(headers)) {
    out[name.toLowerCase()] = value === undefined ? undefined : value.toString();
  }
  return out;
}
