import { Injectable } from '@nestjs/common';
import { requireGrant } from '../auth/permissions';
import type { Principal } from '../auth/principal';
import { Transactions } from '../database/transactions';
import {
  ReferralCommands,
  officerOf,
  toReferralView,
  viewerOf,
  type ReferralView,
} from '../referrals/referrals.module';

/** `POST /v1/referrals/{id}/erase`: a supervisor's erasure, through the referral commands. */
@Injectable()
export class ErasureService {
  constructor(
    private readonly transactions: Transactions,
    private readonly commands: ReferralCommands,
  ) {}

  async eraseByOfficer(principal: Principal, id: string, reason: string): Promise<ReferralView> {
    requireGrant(principal, 'referral.erase');
    const { referral } = await this.transactions.run((tx) =>
      this.commands.execute(tx, officerOf(principal), { kind: 'erase', referralId: id, reason }),
    );
    if (!referral) throw new Error('an erasure answered without its referral');
    return toReferralView(referral, viewerOf(principal), 'full');
  }
}
