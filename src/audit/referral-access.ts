import { Injectable } from '@nestjs/common';
import type { Principal } from '../auth/principal';
import { Transactions } from '../database/transactions';
import { VisibleReferrals } from '../referrals/visible-referrals';

/** Who may read a referral's audit history: auditors every one, a party its own. */
@Injectable()
export class ReferralAccess {
  constructor(
    private readonly transactions: Transactions,
    private readonly visible: VisibleReferrals,
  ) {}

  async assertHistoryVisible(principal: Principal, id: string): Promise<void> {
    await this.transactions.run((tx) =>
      principal.roles.includes('auditor')
        ? this.visible.findAny(tx, id)
        : this.visible.find(tx, id, principal.party),
    );
  }
}
