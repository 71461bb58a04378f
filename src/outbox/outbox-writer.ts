import { Injectable } from '@nestjs/common';
import {
  cloudEventHeaders,
  countryOfParty,
  isUuid,
  toTopic,
  type CloudEvent,
} from '@hub/contracts';
import type { Tx } from '../database/transactions';
import { WriteBatch } from '../database/write-batch';
import type { DataKey } from '../vault/data-key';
import { PersonalDataVault } from '../vault/personal-data-vault';
import { EventSigner } from './event-signer';

/** Where an outbox event goes. */
export interface OutboxTarget {
  topic: string;
  /** Record key: the referral id, so one referral's events stay in one partition, in order. */
  key: string;
}

/** Who a notice is for: a party (its country's system relays it), or a whole partner system. */
export type NoticeRecipient = { party: string } | { country: string };

/**
 * Where an event for `to` goes: the `to` topic of its country, keyed by the referral (the event's
 * subject) so one referral's events stay in one partition, in order; `key` for notices of no
 * referral (e.g. audit checkpoints).
 */
export function noticeTarget(
  to: NoticeRecipient,
  event: Pick<CloudEvent, 'id' | 'subject'>,
  key?: string,
): OutboxTarget {
  const country = 'party' in to ? countryOfParty(to.party) : to.country;
  return { topic: toTopic(country), key: key ?? event.subject ?? event.id };
}

/** What the relay's copy of an outbox event is bound to when sealed. */
export function sealedEventPurpose(eventId: string): string {
  return `outbox:${eventId}`;
}

/**
 * Writes events to the outbox inside the caller's transaction: they exist if and only if the
 * change they announce committed. The relay publishes them later, in insertion order.
 *
 * An event about a referral is stored sealed with that referral's data key (it may carry the
 * referral's personal data); events of no referral, or of one whose data is erased, in clear.
 */
@Injectable()
export class OutboxWriter {
  constructor(
    private readonly signer: EventSigner,
    private readonly vault: PersonalDataVault,
  ) {}

  /** Queues `event` for a partner system (see {@link noticeTarget}), alone in its statement. */
  notify(tx: Tx, to: NoticeRecipient, event: CloudEvent, key?: string): Promise<void> {
    return this.enqueue(tx, noticeTarget(to, event, key), event);
  }

  /** Stores the event alone; its referral's key (by the event's subject) seals it. */
  async enqueue(tx: Tx, target: OutboxTarget, event: CloudEvent): Promise<void> {
    const referralId = isUuid(event.subject) ? event.subject : null;
    const key = referralId === null ? null : await this.vault.keyOf(tx, referralId);
    const batch = new WriteBatch();
    this.addTo(batch, target, event, key);
    await batch.flush(tx);
  }

  /**
   * Adds the event to the writes of a change, sent with them in one statement; `dataKey` is the
   * key of the event's referral (null: none, or erased, and the event is stored in clear).
   */
  addTo(batch: WriteBatch, target: OutboxTarget, event: CloudEvent, dataKey: DataKey | null): void {
    const signed = this.signer.sign(event);
    const referralId = isUuid(signed.subject) ? signed.subject : null;
    if (dataKey && dataKey.referralId !== referralId) {
      throw new Error(`event ${signed.id} is about ${signed.subject}, not ${dataKey.referralId}`);
    }
    const value = JSON.stringify(signed);
    batch.add(
      `INSERT INTO outbox (event_id, topic, message_key, referral_id, referral_seq, value,
         sealed_value, headers)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        signed.id,
        target.topic,
        target.key,
        referralId,
        signed.referralseq ?? null,
        dataKey ? null : value,
        dataKey ? dataKey.sealText(sealedEventPurpose(signed.id), value) : null,
        JSON.stringify(cloudEventHeaders(signed)),
      ],
    );
  }
}
