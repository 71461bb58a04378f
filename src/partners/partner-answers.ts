import { Injectable } from '@nestjs/common';
import { EVENT_TYPES, HUB_SOURCE } from '@hub/contracts';
import { AuditWriter } from '../audit-trail/audit-writer';
import type { Tx } from '../database/transactions';
import { buildEvent } from '../outbox/hub-events';
import { OutboxWriter } from '../outbox/outbox-writer';
import type { RecordIdentity } from './inbound-envelope';
import type { InboundErrorCode, InboundRefusal } from './inbound-error';

/**
 * How the hub tells a partner system it refused one of its events: an entry in the audit trail
 * (code and digest, never the content) and `mrh.event.rejected.v1` on the country's `to` topic,
 * addressed to the source party when it is one of that country's, else to the whole system
 * (the only writer of its `from` topic). Receipts of applied events are queued by the referral
 * commands with the change itself.
 */
@Injectable()
export class PartnerAnswers {
  constructor(
    private readonly outbox: OutboxWriter,
    private readonly audit: AuditWriter,
  ) {}

  async refuse(
    tx: Tx,
    country: string,
    identity: RecordIdentity & { eventId: string },
    refusal: InboundRefusal,
  ): Promise<void> {
    await this.auditRefusal(tx, country, identity, refusal.code);
    const event = buildEvent({
      type: EVENT_TYPES.eventRejected,
      source: { hub: HUB_SOURCE },
      ...(identity.subject !== undefined && { subject: identity.subject }),
      ...(identity.party !== undefined && { recipient: identity.party }),
      causationid: identity.eventId,
      data: {
        eventId: identity.eventId,
        code: refusal.code,
        detail: refusal.detail,
        ...(refusal.errors &&
          refusal.errors.length > 0 && { errors: refusal.errors.slice(0, 200) }),
      },
    });
    await this.outbox.notify(tx, { country }, event);
  }

  /**
   * The receipt of an applied partner event that changed no referral (a witness's cosignature or
   * fork report): the referral commands queue the others' with the change.
   */
  async applied(
    tx: Tx,
    country: string,
    identity: RecordIdentity & { eventId: string },
  ): Promise<void> {
    const receipt = buildEvent({
      type: EVENT_TYPES.receipt,
      source: { hub: HUB_SOURCE },
      ...(identity.party !== undefined && { recipient: identity.party }),
      causationid: identity.eventId,
      data: { eventId: identity.eventId, status: 'APPLIED' },
    });
    await this.outbox.notify(tx, { country }, receipt);
  }

  /** Every refused partner event is part of the audit trail, with its code but not its content. */
  auditRefusal(
    tx: Tx,
    country: string,
    identity: RecordIdentity,
    code: InboundErrorCode,
  ): Promise<void> {
    return this.audit.record(tx, {
      actorKind: 'partner-system',
      actor: `partner-system:${country}`,
      actorParty: identity.party ?? null,
      action: 'partner-event.refused',
      referralId: identity.subject ?? null,
      eventId: identity.eventId ?? null,
      payloadSha256: identity.digest?.toString('hex') ?? null,
      outcome: code,
    });
  }
}
