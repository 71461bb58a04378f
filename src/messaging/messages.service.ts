import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { PostMessageBody } from '@hub/contracts';
import { AuditWriter } from '../audit-trail/audit-writer';
import { requireGrant } from '../auth/permissions';
import type { Principal } from '../auth/principal';
import { validBody } from '../common/validation.pipe';
import { AppConfig } from '../config/app-config';
import { Transactions, type Tx } from '../database/transactions';
import { officerOf, type Actor } from '../referrals/actor';
import { ReferralError } from '../referrals/referral.error';
import type { ReferralChange, ReferralRecord } from '../referrals/referral.record';
import { ReferralLifecycleService } from '../referrals/referral-lifecycle.service';
import { VisibleReferrals } from '../referrals/visible-referrals';
import { toMessageView, type CaseMessageView } from '../referrals/case-message';
import { CaseMessageRepository } from '../referrals/case-message.repository';

/** What a partner system's `mrh.message.posted.v1` carries (validated by the contract classes). */
export interface PartnerMessage {
  messageId: string;
  author: string;
  language: string;
  body: string;
  attachments: unknown[];
}

/**
 * Case messages between the two parties of a referral, over HTTP and Kafka alike. A message is a
 * numbered change of its referral, so it reaches a partner in order with the lifecycle events.
 */
@Injectable()
export class MessagesService {
  constructor(
    private readonly config: AppConfig,
    private readonly transactions: Transactions,
    private readonly lifecycle: ReferralLifecycleService,
    private readonly messages: CaseMessageRepository,
    private readonly audit: AuditWriter,
    private readonly visible: VisibleReferrals,
  ) {}

  /** `POST /v1/referrals/{id}/messages` by an officer. */
  async post(principal: Principal, referralId: string, body: unknown): Promise<CaseMessageView> {
    // Only a side of the referral posts, whatever the scope: the lock below finds it for its
    // parties alone.
    requireGrant(principal, 'message.post');
    const posted = validBody(PostMessageBody, body, 'The message is not valid; see errors.');
    const message = {
      messageId: randomUUID(),
      author: principal.sub,
      language: posted.language,
      body: posted.body,
      attachments: JSON.parse(JSON.stringify(posted.attachments)) as unknown[],
    };
    return this.transactions.run(async (tx) => {
      const referral = await this.visible.lock(tx, referralId, principal.party);
      const actor = officerOf(principal);
      const change = await this.store(tx, referral, actor, message);
      const [row] = await this.messages.pageAndMarkRead(
        tx,
        referral.dataKey,
        referral.id,
        principal.party,
        change.seq - 1,
        1,
        new Date(),
      );
      if (!row) throw new Error('the message just stored cannot be read back');
      return toMessageView(row, principal.party);
    });
  }

  /** `GET /v1/referrals/{id}/messages`: in order; fetching the other party's marks them read. */
  async list(
    principal: Principal,
    referralId: string,
    afterSeq: number,
    limit: number,
  ): Promise<{ items: CaseMessageView[]; nextCursor: string | null }> {
    const scope = requireGrant(principal, 'message.read');
    return this.transactions.run(async (tx) => {
      const referral = await this.visible.findInScope(tx, referralId, principal.party, scope);
      const rows = await this.messages.pageAndMarkRead(
        tx,
        referral.dataKey,
        referral.id,
        principal.party,
        afterSeq,
        limit + 1,
        new Date(),
      );
      const page = rows.slice(0, limit);
      await this.audit.record(tx, {
        actorKind: 'officer',
        actor: principal.sub,
        actorParty: principal.party,
        actorRoles: principal.roles,
        action: 'messages.read',
        referralId: referral.id,
        stateBefore: referral.status,
        stateAfter: referral.status,
        payload: page.map((m) => m.id),
      });
      const last = page.at(-1);
      return {
        items: page.map((row) => toMessageView(row, principal.party)),
        nextCursor: rows.length > limit && last ? String(last.seq) : null,
      };
    });
  }

  /** A partner system's message, applied in the inbound event's transaction. */
  async applyPartnerMessage(
    tx: Tx,
    referral: ReferralRecord,
    actor: Actor,
    message: PartnerMessage,
  ): Promise<void> {
    if (await this.messages.exists(tx, message.messageId)) {
      throw new ReferralError('not-allowed', `A message ${message.messageId} already exists.`);
    }
    await this.store(tx, referral, actor, message);
  }

  /**
   * Numbers the message as the referral's next change and stores it. A counterpart served over
   * HTTP has it as soon as it is stored; a partner system confirms it with a DELIVERED receipt.
   */
  private async store(
    tx: Tx,
    referral: ReferralRecord,
    actor: Actor,
    message: PartnerMessage,
  ): Promise<ReferralChange> {
    const { change } = await this.lifecycle.postMessage(tx, referral, actor, message);
    const counterpart =
      referral.senderParty === actor.party ? referral.receiverParty : referral.senderParty;
    const deliveredAt =
      this.config.registry.party(counterpart)?.channel === 'http' ? change.occurredAt : null;
    // postMessage refuses a referral whose data key is destroyed.
    if (!referral.dataKey) throw new Error('a message was numbered on an erased referral');
    await this.messages.insert(tx, referral.dataKey, {
      id: message.messageId,
      referralId: referral.id,
      seq: change.seq,
      authorParty: actor.party,
      author: message.author,
      language: message.language,
      body: message.body,
      attachments: message.attachments,
      eventId: change.eventId,
      createdAt: change.occurredAt,
      deliveredAt,
    });
    return change;
  }

  /** A partner's `mrh.receipt.v1` with status DELIVERED for one of our events. */
  markDelivered(tx: Tx, eventId: string, party: string): Promise<void> {
    return this.messages.markDelivered(tx, eventId, party, new Date());
  }
}
