import { Injectable } from '@nestjs/common';
import { requireGrant } from '../auth/permissions';
import type { Principal } from '../auth/principal';
import { Transactions } from '../database/transactions';
import { VisibleReferrals } from '../referrals/referrals.module';

/** Who may read a referral's audit history: as far as the caller's `history.read` reaches. */
@Injectable()
export class ReferralAccess {
  constructor(
    private readonly transactions: Transactions,
    private readonly visible: VisibleReferrals,
  ) {}

  async assertHistoryVisible(principal: Principal, id: string): Promise<void> {
    const scope = requireGrant(principal, 'history.read');
    await this.transactions.run((tx) => this.visible.findInScope(tx, id, principal.party, scope));
  }
}
