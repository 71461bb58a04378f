import type { DataKey } from '../vault/data-key';
import type { ConsentWithdrawal } from './consent-rules';
import type { ReferralStatus } from '@hub/contracts';

/**
 * One referral as stored (`referrals` table), with the content as the sender wrote it, opened
 * with the referral's data key.
 */
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
  /**
   * The referral content (`ReferralContent` of libs/contracts), `to` included. Null once the
   * personal data is erased, and in list pages, which never open it.
   */
  content: Record<string, unknown> | null;
  /** Seals this referral's personal data; null once erased (the key is destroyed). */
  dataKey: DataKey | null;
  personalDataErasedAt: Date | null;
  /** Whether the person is under 18 (at submission, or creation for a draft); null: unknown. */
  personMinor: boolean | null;
  /** The victim's withdrawal of consent to share data, while in force; null while consent holds. */
  consentWithdrawal: ConsentWithdrawal | null;
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

/** A referral about to be stored for the first time: its data key is made with it. */
export type NewReferral = Omit<
  ReferralRecord,
  'dataKey' | 'personalDataErasedAt' | 'content' | 'consentWithdrawal' | 'personMinor'
> & {
  content: Record<string, unknown>;
};
