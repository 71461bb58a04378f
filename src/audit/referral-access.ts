import { Injectable } from '@nestjs/common';
import type { Principal } from '../auth/principal';
import { Transactions } from '../database/transactions';
import { ReferralError } from '../referrals/referral.error';
import { ReferralRepository } from '../referrals/referral.repository';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Who may read a referral's audit history: auditors every one, a party its own. */
@Injectable()
export class ReferralAccess {
  constructor(
    private readonly transactions: Transactions,
    private readonly referrals: ReferralRepository,
  ) {}

  async assertHistoryVisible(principal: Principal, id: string): Promise<void> {
    const referral = UUID.test(id)
      ? await this.transactions.run((tx) => this.referrals.find(tx, id))
      : undefined;
    if (referral && principal.roles.includes('auditor')) return;
    const own =
      referral !== undefined &&
      (referral.senderParty === principal.party ||
        (referral.receiverParty === principal.party && referral.status !== 'DRAFT'));
    if (!own) throw new ReferralError('referral-not-found', `No referral ${id} is visible to you.`);
  }
}
