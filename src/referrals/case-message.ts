import type { CaseMessageView } from '@hub/contracts';

export type { CaseMessageView, DeliveryState } from '@hub/contracts';

/** A row of `case_messages` as stored, its body and attachments sealed. */
export interface SealedCaseMessageRow {
  id: string;
  referral_id: string;
  seq: number;
  author_party: string;
  author: string;
  language: string;
  sealed_content: Buffer;
  created_at: Date;
  delivered_at: Date | null;
  read_at: Date | null;
}

/** A message row opened: body null (and no attachments) once the personal data is erased. */
export interface CaseMessageRow extends Omit<SealedCaseMessageRow, 'sealed_content'> {
  body: string | null;
  attachments: unknown[];
}

export function toMessageView(row: CaseMessageRow, viewerParty: string): CaseMessageView {
  return {
    id: row.id,
    referralId: row.referral_id,
    seq: row.seq,
    authorParty: row.author_party,
    author: row.author,
    language: row.language,
    body: row.body,
    attachments: row.attachments,
    createdAt: row.created_at.toISOString(),
    deliveredAt: row.delivered_at?.toISOString() ?? null,
    readAt: row.read_at?.toISOString() ?? null,
    state: row.read_at ? 'read' : row.delivered_at ? 'delivered' : 'sent',
    direction: row.author_party === viewerParty ? 'outbound' : 'inbound',
  };
}
