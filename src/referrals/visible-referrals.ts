import { Injectable } from '@nestjs/common';
import { isUuid } from '@hub/contracts';
import type { Scope } from '../auth/permissions';
import type { Tx } from '../database/transactions';
import { ReferralError } from './referral.error';
import type { ReferralRecord } from './referral.record';
import { ReferralRepository } from './referral.repository';

/**
 * The one place that answers "which referral may this party see": the sender always, the
 * receiver once it is submitted; with a grant of scope `all` (auditors), every one. Anything
 * else — unknown, malformed id, someone else's — is the same 404, so existence is never revealed.
 */
@Injectable()
export class VisibleReferrals {
  constructor(private readonly referrals: ReferralRepository) {}

  /** True when `party` is a side of `referral` that may see it. */
  static canSee(referral: ReferralRecord, party: string): boolean {
    return (
      referral.senderParty === party ||
      (referral.receiverParty === party && referral.status !== 'DRAFT')
    );
  }

  /** True when a grant of `scope` held by an officer of `party` reaches `referral`. */
  static inScope(referral: ReferralRecord, party: string, scope: Scope): boolean {
    return scope === 'all' || VisibleReferrals.canSee(referral, party);
  }

  /** The referral if a grant of `scope` held by an officer of `party` reaches it; else 404. */
  findInScope(tx: Tx, id: string, party: string, scope: Scope): Promise<ReferralRecord> {
    return scope === 'all' ? this.findAny(tx, id) : this.find(tx, id, party);
  }

  find(tx: Tx, id: string, party: string): Promise<ReferralRecord> {
    return this.get(tx, id, party, false);
  }

  /** Like {@link find}, row-locked until the transaction ends (serialises its changes). */
  lock(tx: Tx, id: string, party: string): Promise<ReferralRecord> {
    return this.get(tx, id, party, true);
  }

  /** The referral whatever the party (for auditors), still 404 for an unknown id. */
  async findAny(tx: Tx, id: string): Promise<ReferralRecord> {
    const referral = isUuid(id) ? await this.referrals.find(tx, id) : undefined;
    if (!referral) throw notFound(id);
    return referral;
  }

  /** The referral whatever the party, row-locked (the hub's own acts: retention erasure). */
  async lockAny(tx: Tx, id: string): Promise<ReferralRecord> {
    const referral = isUuid(id) ? await this.referrals.lock(tx, id) : undefined;
    if (!referral) throw notFound(id);
    return referral;
  }

  private async get(tx: Tx, id: string, party: string, lock: boolean): Promise<ReferralRecord> {
    const referral = !isUuid(id)
      ? undefined
      : lock
        ? await this.referrals.lock(tx, id)
        : await this.referrals.find(tx, id);
    if (!referral || !VisibleReferrals.canSee(referral, party)) throw notFound(id);
    return referral;
  }
}

function notFound(id: string): ReferralError {
  return new ReferralError('referral-not-found', `No referral ${id} is visible to you.`);
}
