import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { PostMessageBody } from '@hub/contracts';
import { AuditWriter } from '../audit-trail/audit-writer';
import { requireGrant } from '../auth/permissions';
import type { Principal } from '../auth/principal';
import { validBody } from '../common/validation.pipe';
import { Transactions, type Tx } from '../database/transactions';
import {
  CaseMessageRepository,
  IdempotentRequests,
  ReferralCommands,
  ReferralError,
  VisibleReferrals,
  officerOf,
  toMessageView,
  type CaseMessageView,
  type IdempotentResponse,
  type ReferralRecord,
} from '../referrals/referrals.module';

/**
 * Case messages between the two parties of a referral, over HTTP. Posting one is a referral
 * command (a numbered change that reaches a partner in order with the lifecycle events);
 * partners' messages arrive through the inbound processor and the same command.
 */
@Injectable()
export class MessagesService {
  constructor(
    private readonly transactions: Transactions,
    private readonly commands: ReferralCommands,
    private readonly idempotent: IdempotentRequests,
    private readonly messages: CaseMessageRepository,
    private readonly audit: AuditWriter,
    private readonly visible: VisibleReferrals,
  ) {}

  /** `POST /v1/referrals/{id}/messages` by an officer; with an `Idempotency-Key`, posted once. */
  post(
    principal: Principal,
    referralId: string,
    body: unknown,
    idempotencyKey: string | undefined,
  ): Promise<IdempotentResponse<CaseMessageView>> {
    // Only a side of the referral posts, whatever the scope: the command finds it for its
    // parties alone.
    requireGrant(principal, 'message.post');
    const posted = validBody(PostMessageBody, body, 'The message is not valid; see errors.');
    return this.idempotent.run(
      principal.party,
      idempotencyKey,
      { route: `POST /v1/referrals/${referralId}/messages`, body },
      201,
      async (tx) => {
        const message = {
          messageId: randomUUID(),
          author: principal.sub,
          language: posted.language,
          body: posted.body,
          attachments: JSON.parse(JSON.stringify(posted.attachments)) as unknown[],
        };
        const { referral, change } = await this.commands.execute(tx, officerOf(principal), {
          kind: 'post-message',
          referralId,
          message,
          expect: {},
        });
        if (!referral || !change) throw new Error('a posted message answered without its change');
        return { referral, body: await this.readBack(tx, principal, referral, change.seq) };
      },
      () => {
        throw new ReferralError(
          'personal-data-erased',
          "The referral's personal data, this message included, was erased.",
        );
      },
    );
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

  /** The message just numbered `seq`, as its author sees it. */
  private async readBack(
    tx: Tx,
    principal: Principal,
    referral: ReferralRecord,
    seq: number,
  ): Promise<CaseMessageView> {
    const [row] = await this.messages.pageAndMarkRead(
      tx,
      referral.dataKey,
      referral.id,
      principal.party,
      seq - 1,
      1,
      new Date(),
    );
    if (!row) throw new Error('the message just stored cannot be read back');
    return toMessageView(row, principal.party);
  }
}
