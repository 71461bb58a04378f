import type { ReferralStatus } from './referral-status';

/** One referral as stored (`referrals` table), with the content as the sender wrote it. */
export interface ReferralRecord {
  id: string;
  type: string;
  status: ReferralStatus;
  priority: string;
  senderParty: string;
  receiverParty: string;
  senderCountry: string;
  receiverCountry: string;
  senderReference: string;
  receiverReference: string | null;
  handlingCode: string;
  origin: 'http' | 'kafka';
  /** The referral content (`ReferralContent` of libs/contracts), `to` included. */
  content: Record<string, unknown>;
  version: number;
  /** Last `referralseq` handed out; 0 while a draft. */
  seq: number;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
  submittedAt: Date | null;
  closedAt: Date | null;
}

/** One numbered change of a referral (`referral_changes`). */
export interface ReferralChange {
  referralId: string;
  seq: number;
  action: string;
  eventType: string;
  eventId: string;
  actorParty: string;
  actor: string;
  fromStatus: ReferralStatus;
  toStatus: ReferralStatus;
  data: Record<string, unknown>;
  causationId: string | null;
  occurredAt: Date;
}
