import { Injectable } from '@nestjs/common';
import type { Tx } from '../database/transactions';

/** How a partner event's identity (`source`, `id`) stands against what the hub already has. */
export type InboxClaim = 'new' | 'duplicate' | 'conflict';

/** Where the inbound record was read. */
export interface RecordPosition {
  topic: string;
  partition: number;
  offset: string;
}

/**
 * The inbox: one row per partner event the hub has handled (applied or rejected), inserted in
 * the same transaction as its effects. A second delivery finds the row and changes nothing.
 */
@Injectable()
export class InboxRepository {
  /**
   * Claims the event for this transaction. `duplicate`: handled before with the same payload;
   * `conflict`: the same id was used for a different payload (an alarm, never applied). A
   * concurrent claim of the same id waits on the primary key until the other transaction ends.
   */
  async claim(
    tx: Tx,
    source: string,
    eventId: string,
    digest: Buffer,
    position: RecordPosition,
    outcome: 'applied' | 'rejected',
  ): Promise<InboxClaim> {
    // received_at is when this record was handled: a run of records shares one transaction, and
    // so one now().
    const inserted = await tx.query<unknown[]>(
      `INSERT INTO inbox (source, event_id, payload_sha256, topic, kafka_partition, kafka_offset, outcome, received_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, clock_timestamp()) ON CONFLICT DO NOTHING RETURNING 1`,
      [source, eventId, digest, position.topic, position.partition, position.offset, outcome],
    );
    if (inserted.length > 0) return 'new';
    const rows = await tx.query<{ payload_sha256: Buffer }[]>(
      `SELECT payload_sha256 FROM inbox WHERE source = $1 AND event_id = $2`,
      [source, eventId],
    );
    return rows[0]?.payload_sha256.equals(digest) ? 'duplicate' : 'conflict';
  }
}
