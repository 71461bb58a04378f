import { Injectable } from '@nestjs/common';
import type { Tx } from '../database/transactions';
import type { WriteBatch } from '../database/write-batch';
import type { DataKey } from '../vault/data-key';
import { PersonalDataVault, type StoredKey } from '../vault/personal-data-vault';
import type { ConsentWithdrawal } from './consent-rules';
import { personFacts } from './person-facts';
import type { NewReferral, ReferralChange, ReferralRecord } from './referral.record';
import type { ReferralProgress } from './referral.view';
import type { ReferralStatus } from '@hub/contracts';

/** What each sealed value of a referral is, bound into its seal. */
export const SEALED = {
  content: 'content',
  change: (seq: number) => `change:${seq}`,
} as const;

interface ReferralRow {
  id: string;
  type: string;
  status: ReferralStatus;
  priority: string;
  sender_party: string;
  receiver_party: string;
  sender_country: string;
  receiver_country: string;
  sender_reference: string;
  receiver_reference: string | null;
  handling_code: string;
  origin: 'http' | 'kafka';
  version: number;
  seq: number;
  created_by: string;
  created_at: Date;
  updated_at: Date;
  submitted_at: Date | null;
  closed_at: Date | null;
  personal_data_erased_at: Date | null;
  consent_withdrawal: ConsentWithdrawal | null;
  person_minor: boolean | null;
}

interface ProgressRow {
  id: string;
  step: string | null;
  due_at: Date | null;
  waiting_party: string | null;
  seq: number | null;
  action: string | null;
  actor_party: string | null;
  occurred_at: Date | null;
  delivered_at: Date | null;
}

/** A row read with its sealed content and its data key, to be opened. */
interface SealedReferralRow extends ReferralRow, StoredKey {
  sealed_content: Buffer;
}

/** Filters of the referral list, already scoped to what the caller may see. */
export interface ReferralQuery {
  /** The referrals this party sent or received; `null`: every referral (auditors). */
  party: string | null;
  /** Relative to `party`; needs one. */
  direction?: 'inbound' | 'outbound';
  status?: ReferralStatus;
  /** With `party`: exchanged with this party; without: this party on either side. */
  counterpart?: string;
  type?: string;
  /** Only referrals with a step past its deadline (notified as overdue, not yet done). */
  overdue?: boolean;
  /** Keyset: items strictly older than this (created_at, id). */
  before?: { createdAt: Date; id: string };
  limit: number;
}

const COLUMNS = `r.id, r.type, r.status, r.priority, r.sender_party, r.receiver_party,
  r.sender_country, r.receiver_country, r.sender_reference, r.receiver_reference, r.handling_code,
  r.origin, r.version, r.seq, r.created_by, r.created_at, r.updated_at, r.submitted_at, r.closed_at,
  r.personal_data_erased_at, r.consent_withdrawal, r.person_minor`;
const SEALED_COLUMNS = `${COLUMNS}, r.sealed_content, k.master_key_id, k.wrapped_key`;
const WITH_KEY = `referrals r LEFT JOIN referral_keys k ON k.referral_id = r.id`;

/**
 * SQL of the referral tables. Hot paths use plain INSERT/UPDATE, not TypeORM's save(). Personal
 * data goes in and out sealed with the referral's data key (src/privacy/); the person facts the
 * yearly figures count are written in clear beside it.
 */
@Injectable()
export class ReferralRepository {
  constructor(private readonly vault: PersonalDataVault) {}

  /**
   * Adds a new referral with a new data key to `batch` (with the writes that must commit with it:
   * its audit entry, a partner's submission's change); returns it as later reads will.
   */
  addInsert(batch: WriteBatch, r: NewReferral): ReferralRecord {
    const { dataKey, addTo } = this.vault.newKey(r.id);
    const facts = personFacts(r.content, r.submittedAt ?? r.createdAt);
    batch.add(
      `INSERT INTO referrals (id, type, status, priority, sender_party, receiver_party,
         sender_country, receiver_country, sender_reference, receiver_reference, handling_code,
         origin, version, seq, created_by, created_at, updated_at, submitted_at, sealed_content,
         person_sex, person_nationality, person_minor, exploitation_types)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$16,$17,$18,$19,$20,$21,$22)`,
      [
        r.id,
        r.type,
        r.status,
        r.priority,
        r.senderParty,
        r.receiverParty,
        r.senderCountry,
        r.receiverCountry,
        r.senderReference,
        r.receiverReference,
        r.handlingCode,
        r.origin,
        r.version,
        r.seq,
        r.createdBy,
        r.createdAt,
        r.submittedAt,
        dataKey.sealJson(SEALED.content, r.content),
        facts.sex,
        facts.nationality,
        facts.minor,
        facts.exploitationTypes,
      ],
    );
    addTo(batch);
    return {
      ...r,
      dataKey,
      personalDataErasedAt: null,
      consentWithdrawal: null,
      personMinor: facts.minor,
    };
  }

  /** The referral, row-locked until the transaction ends: serialises its changes. */
  async lock(tx: Tx, id: string): Promise<ReferralRecord | undefined> {
    const rows = await tx.query<SealedReferralRow[]>(
      `SELECT ${SEALED_COLUMNS} FROM ${WITH_KEY} WHERE r.id = $1 FOR UPDATE OF r`,
      [id],
    );
    return rows[0] && this.opened(rows[0]);
  }

  async find(tx: Tx, id: string): Promise<ReferralRecord | undefined> {
    const rows = await tx.query<SealedReferralRow[]>(
      `SELECT ${SEALED_COLUMNS} FROM ${WITH_KEY} WHERE r.id = $1`,
      [id],
    );
    return rows[0] && this.opened(rows[0]);
  }

  async exists(tx: Tx, id: string): Promise<boolean> {
    const rows = await tx.query<unknown[]>(`SELECT 1 FROM referrals WHERE id = $1`, [id]);
    return rows.length > 0;
  }

  /**
   * Adds the state a change left the referral in to the change's writes. The content never
   * changes once stored; whether the person is a minor is judged at submission (`submitted`), so
   * only then are the facts derived from it written again.
   */
  addUpdate(batch: WriteBatch, r: ReferralRecord, submitted: boolean): void {
    const params: unknown[] = [
      r.id,
      r.status,
      r.version,
      r.seq,
      r.receiverReference,
      r.updatedAt,
      r.submittedAt,
      r.closedAt,
      r.consentWithdrawal === null ? null : JSON.stringify(r.consentWithdrawal),
    ];
    const facts =
      submitted && r.content ? personFacts(r.content, r.submittedAt ?? r.createdAt) : null;
    if (facts) params.push(facts.minor);
    batch.add(
      `UPDATE referrals SET status = $2, version = $3, seq = $4, receiver_reference = $5,
         updated_at = $6, submitted_at = $7, closed_at = $8, consent_withdrawal = $9
         ${facts ? ', person_minor = $10' : ''}
       WHERE id = $1`,
      params,
    );
  }

  /** Marks the referral's personal data erased (its data key is destroyed in the same transaction). */
  async markErased(
    tx: Tx,
    id: string,
    erasure: { by: string; party: string; reason: string; at: Date },
  ): Promise<void> {
    await tx.query(
      `UPDATE referrals SET personal_data_erased_at = $2, erasure = $3 WHERE id = $1`,
      [id, erasure.at, JSON.stringify({ ...erasure, at: erasure.at.toISOString() })],
    );
    // The keyed index of a withdrawn consent is personal data too: it goes with the rest.
    await tx.query(`DELETE FROM consent_person_index WHERE referral_id = $1`, [id]);
  }

  /** Notes a supervisor's override of missing consent (kept with the referral, not sent). */
  async recordConsentOverride(
    tx: Tx,
    id: string,
    override: { by: string; reason: string; at: string },
  ): Promise<void> {
    await tx.query(`UPDATE referrals SET consent_override = $2 WHERE id = $1`, [
      id,
      JSON.stringify(override),
    ]);
  }

  /** Adds a change to its writes; its data (questions, answers, notes, names) sealed with `key`. */
  addChange(batch: WriteBatch, c: ReferralChange, key: DataKey): void {
    batch.add(
      `INSERT INTO referral_changes (referral_id, seq, action, event_type, event_id, actor_party,
         actor, from_status, to_status, sealed_data, causation_id, occurred_at)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12)`,
      [
        c.referralId,
        c.seq,
        c.action,
        c.eventType,
        c.eventId,
        c.actorParty,
        c.actor,
        c.fromStatus,
        c.toStatus,
        key.sealJson(SEALED.change(c.seq), c.data),
        c.causationId,
        c.occurredAt,
      ],
    );
  }

  /** A page of the referrals `party` sent or received (or of all), newest first. */
  async list(tx: Tx, q: ReferralQuery): Promise<ReferralRecord[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, value: unknown): void => {
      params.push(value);
      where.push(sql.replaceAll('?', `$${params.length}`));
    };
    if (q.party !== null) {
      params.push(q.party);
      if (q.direction === 'outbound') where.push('sender_party = $1');
      else if (q.direction === 'inbound') where.push('receiver_party = $1');
      else where.push('(sender_party = $1 OR receiver_party = $1)');
      // Drafts are private to their sender.
      where.push(`(status <> 'DRAFT' OR sender_party = $1)`);
    } else if (q.direction) {
      throw new Error('a direction needs a party to be relative to');
    }
    if (q.status) add('status = ?', q.status);
    if (q.type) add('type = ?', q.type);
    if (q.overdue) {
      where.push(`EXISTS (SELECT 1 FROM referral_deadlines d WHERE d.referral_id = r.id
        AND d.met_at IS NULL AND d.overdue_at IS NOT NULL)`);
    }
    if (q.counterpart && q.party !== null) {
      params.push(q.counterpart);
      const n = params.length;
      where.push(
        `((sender_party = $1 AND receiver_party = $${n}) OR (receiver_party = $1 AND sender_party = $${n}))`,
      );
    } else if (q.counterpart) {
      add('(sender_party = ? OR receiver_party = ?)', q.counterpart);
    }
    if (q.before) {
      params.push(q.before.createdAt, q.before.id);
      where.push(`(created_at, id) < ($${params.length - 1}, $${params.length})`);
    }
    params.push(q.limit);
    // A page shows metadata only: nothing is opened.
    const rows = await tx.query<ReferralRow[]>(
      `SELECT ${COLUMNS} FROM referrals r ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY created_at DESC, id DESC LIMIT $${params.length}`,
      params,
    );
    return rows.map((row) => toRecord(row, null, null));
  }

  /**
   * Each referral's earliest open deadline and last numbered change (a lifecycle step or a case
   * message) with its delivery: what a console shows beside the status. One query for a page.
   */
  async progressOf(tx: Tx, ids: readonly string[]): Promise<Map<string, ReferralProgress>> {
    const progress = new Map<string, ReferralProgress>();
    if (ids.length === 0) return progress;
    const rows = await tx.query<ProgressRow[]>(
      `SELECT r.id, d.step, d.due_at, d.waiting_party, c.seq, c.action, c.actor_party,
              c.occurred_at, c.delivered_at
         FROM unnest($1::uuid[]) AS r(id)
         LEFT JOIN LATERAL (
           SELECT step, due_at, waiting_party FROM referral_deadlines
            WHERE referral_id = r.id AND met_at IS NULL ORDER BY due_at LIMIT 1) d ON true
         LEFT JOIN LATERAL (
           SELECT seq, action, actor_party, occurred_at, delivered_at FROM referral_changes
            WHERE referral_id = r.id
           UNION ALL
           SELECT seq, 'post-message', author_party, created_at, delivered_at FROM case_messages
            WHERE referral_id = r.id
           ORDER BY seq DESC LIMIT 1) c ON true`,
      [ids],
    );
    const now = Date.now();
    for (const row of rows) {
      progress.set(row.id, {
        nextDeadline:
          row.step === null || row.due_at === null || row.waiting_party === null
            ? null
            : {
                step: row.step,
                dueAt: row.due_at.toISOString(),
                waitingFor: row.waiting_party,
                overdue: row.due_at.getTime() < now,
              },
        lastChange:
          row.seq === null || row.action === null || row.actor_party === null || !row.occurred_at
            ? null
            : {
                seq: row.seq,
                action: row.action,
                byParty: row.actor_party,
                at: row.occurred_at.toISOString(),
                deliveredAt: row.delivered_at?.toISOString() ?? null,
              },
      });
    }
    return progress;
  }

  private opened(row: SealedReferralRow): ReferralRecord {
    const dataKey = this.vault.fromRow(row.id, row);
    const content =
      dataKey && (dataKey.openJson(SEALED.content, row.sealed_content) as Record<string, unknown>);
    return toRecord(row, content, dataKey);
  }
}

function toRecord(
  row: ReferralRow,
  content: Record<string, unknown> | null,
  dataKey: DataKey | null,
): ReferralRecord {
  return {
    id: row.id,
    type: row.type,
    status: row.status,
    priority: row.priority,
    senderParty: row.sender_party,
    receiverParty: row.receiver_party,
    senderCountry: row.sender_country,
    receiverCountry: row.receiver_country,
    senderReference: row.sender_reference,
    receiverReference: row.receiver_reference,
    handlingCode: row.handling_code,
    origin: row.origin,
    content,
    dataKey,
    version: row.version,
    seq: row.seq,
    createdBy: row.created_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    submittedAt: row.submitted_at,
    closedAt: row.closed_at,
    personalDataErasedAt: row.personal_data_erased_at,
    consentWithdrawal: row.consent_withdrawal,
    personMinor: row.person_minor,
  };
}
