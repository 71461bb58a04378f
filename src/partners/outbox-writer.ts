import { Injectable } from '@nestjs/common';
import { cloudEventHeaders, isUuid, type CloudEvent } from '@hub/contracts';
import type { Tx } from '../database/transactions';
import { EventSigner } from './event-signer';

/** Where an outbox event goes. */
export interface OutboxTarget {
  topic: string;
  /** Record key: the referral id, so one referral's events stay in one partition, in order. */
  key: string;
}

/**
 * Writes events to the outbox inside the caller's transaction: they exist if and only if the
 * change they announce committed. The relay publishes them later, in insertion order.
 */
@Injectable()
export class OutboxWriter {
  constructor(private readonly signer: EventSigner) {}

  async enqueue(tx: Tx, target: OutboxTarget, event: CloudEvent): Promise<void> {
    const signed = this.signer.sign(event);
    await tx.query(
      `INSERT INTO outbox (event_id, topic, message_key, referral_id, referral_seq, value, headers)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [
        signed.id,
        target.topic,
        target.key,
        isUuid(signed.subject) ? signed.subject : null,
        signed.referralseq ?? null,
        JSON.stringify(signed),
        JSON.stringify(cloudEventHeaders(signed)),
      ],
    );
  }
}
