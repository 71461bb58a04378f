/** Delivery state of a case message: sent → delivered (partner's receipt) → read (over HTTP). */
export type DeliveryState = 'sent' | 'delivered' | 'read';

/** A case message as the HTTP API shows it. */
export interface CaseMessageView {
  id: string;
  referralId: string;
  /** The referral's change number this message took. */
  seq: number;
  authorParty: string;
  author: string;
  language: string;
  /** Null once the referral's personal data is erased. */
  body: string | null;
  attachments: unknown[];
  createdAt: string;
  deliveredAt: string | null;
  readAt: string | null;
  state: DeliveryState;
  /** `outbound` for the viewer's own party's messages. */
  direction: 'outbound' | 'inbound';
}

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
