import { Injectable } from '@nestjs/common';
import type { Tx } from '../database/transactions';
import type { ReferralChange, ReferralRecord } from '../referrals/referral.record';

/**
 * Opens and meets the deadlines of waiting steps as a referral changes (placeholder until the
 * deadline feature lands: it records nothing yet).
 */
@Injectable()
export class DeadlinesService {
  /** Called by the lifecycle in the change's transaction, after the referral row was updated. */
  async onChange(_tx: Tx, _referral: ReferralRecord, _change: ReferralChange): Promise<void> {
    // Implemented by the deadlines feature.
  }
}
