import { Injectable } from '@nestjs/common';
import type { ReferralStatus } from '@hub/contracts';
import type { Tx } from '../database/transactions';
import type { DataKey } from '../vault/data-key';
import type { CaseMessageRow, SealedCaseMessageRow } from './case-message';

/** What a message's sealed part is bound to. */
function sealedPurpose(messageId: string): string {
  return `message:${messageId}`;
}

/** The personal part of a message, sealed with the referral's data key. */
interface MessageContent {
  body: string;
  attachments: unknown[];
}

/** SQL of `case_messages`. Body and attachments are stored sealed with the referral's key. */
@Injectable()
export class CaseMessageRepository {
  async insert(
    tx: Tx,
    key: DataKey,
    m: {
      id: string;
      referralId: string;
      seq: number;
      authorParty: string;
      author: string;
      language: string;
      body: string;
      attachments: unknown[];
      eventId: string;
      createdAt: Date;
      deliveredAt: Date | null;
    },
  ): Promise<void> {
    await tx.query(
      `INSERT INTO case_messages (id, referral_id, seq, author_party, author, language,
         sealed_content, event_id, created_at, delivered_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [
        m.id,
        m.referralId,
        m.seq,
        m.authorParty,
        m.author,
        m.language,
        key.sealJson(sealedPurpose(m.id), { body: m.body, attachments: m.attachments }),
        m.eventId,
        m.createdAt,
        m.deliveredAt,
      ],
    );
  }

  async exists(tx: Tx, id: string): Promise<boolean> {
    return (
      (await tx.query<unknown[]>(`SELECT 1 FROM case_messages WHERE id = $1`, [id])).length > 0
    );
  }

  /**
   * A page of a referral's messages in order, opened with `key` (null once erased: bodies are
   * gone); marks the other party's as read by `reader`.
   */
  async pageAndMarkRead(
    tx: Tx,
    key: DataKey | null,
    referralId: string,
    reader: string,
    afterSeq: number,
    limit: number,
    now: Date,
  ): Promise<CaseMessageRow[]> {
    await tx.query(
      `UPDATE case_messages SET read_at = $4
       WHERE referral_id = $1 AND author_party <> $2 AND read_at IS NULL
         AND seq IN (SELECT seq FROM case_messages WHERE referral_id = $1 AND seq > $3
                     ORDER BY seq LIMIT $5)`,
      [referralId, reader, afterSeq, now, limit],
    );
    const rows = await tx.query<SealedCaseMessageRow[]>(
      `SELECT id, referral_id, seq, author_party, author, language, sealed_content, created_at,
         delivered_at, read_at
       FROM case_messages WHERE referral_id = $1 AND seq > $2 ORDER BY seq LIMIT $3`,
      [referralId, afterSeq, limit],
    );
    return rows.map(({ sealed_content, ...row }) => {
      const content = key?.openJson(sealedPurpose(row.id), sealed_content) as
        MessageContent | undefined;
      return { ...row, body: content?.body ?? null, attachments: content?.attachments ?? [] };
    });
  }

  /**
   * A partner confirms it received a hub event: the message or lifecycle change it told of is
   * delivered. Only the counterpart's confirmation counts (not the author's own, not another
   * country's). Returns the referrals (with their state) of what it newly confirmed.
   */
  async markDelivered(
    tx: Tx,
    eventId: string,
    confirmingParty: string,
    at: Date,
  ): Promise<{ referralId: string; status: ReferralStatus }[]> {
    // The same receipt may confirm a case message or a lifecycle change the hub told the partner
    // of; what was delivered already stays as it was, and is not confirmed again.
    return tx.query<{ referralId: string; status: ReferralStatus }[]>(
      `WITH messages AS (
         UPDATE case_messages m SET delivered_at = $3
           FROM referrals r
          WHERE m.event_id::text = $1 AND m.delivered_at IS NULL AND r.id = m.referral_id
            AND m.author_party <> $2 AND (r.sender_party = $2 OR r.receiver_party = $2)
         RETURNING r.id, r.status),
       changes AS (
         UPDATE referral_changes c SET delivered_at = $3
           FROM referrals r
          WHERE c.event_id::text = $1 AND c.delivered_at IS NULL AND r.id = c.referral_id
            AND c.actor_party <> $2 AND (r.sender_party = $2 OR r.receiver_party = $2)
         RETURNING r.id, r.status)
       SELECT DISTINCT id AS "referralId", status FROM (
         SELECT id, status FROM messages UNION ALL SELECT id, status FROM changes) confirmed`,
      [eventId, confirmingParty, at],
    );
  }
}
