import { Injectable } from '@nestjs/common';
import { isTerminal } from '@hub/contracts';
import { AuditWriter } from '../audit-trail/audit-writer';
import { Clock } from '../common/clock';
import type { Tx } from '../database/transactions';
import { PersonalDataVault } from '../vault/personal-data-vault';
import type { OfficerActor } from './actor';
import { ReferralError } from './referral.error';
import type { ReferralRecord } from './referral.record';
import { ReferralRepository } from './referral.repository';

/** Who erases: a supervisor over HTTP, or the hub's retention policy. */
export type Eraser = OfficerActor | { kind: 'hub'; rule: string };

/**
 * Erasure of a referral's personal data by crypto-shredding: its data key is destroyed, so the
 * sealed content, change data, messages and outbox copies can never be opened again — nor any
 * backup of them. The referral's metadata, the person facts the yearly figures count and the
 * audit trail (which never held personal data) stay, so the history still verifies.
 *
 * Only a terminal referral is erased, and only once every event about it has left the outbox:
 * an event sealed with a destroyed key could never be delivered. Reached through
 * {@link ReferralCommands} only.
 */
@Injectable()
export class ReferralErasure {
  constructor(
    private readonly referrals: ReferralRepository,
    private readonly vault: PersonalDataVault,
    private readonly audit: AuditWriter,
    private readonly clock: Clock,
  ) {}

  /** Erases `referral`, row-locked by the caller in `tx`; returns when it was erased. */
  async erase(
    tx: Tx,
    referral: Pick<ReferralRecord, 'id' | 'status' | 'personalDataErasedAt'>,
    by: Eraser,
    reason: string,
  ): Promise<Date> {
    if (referral.personalDataErasedAt !== null) {
      throw new ReferralError('erasure-not-allowed', 'The personal data was erased already.');
    }
    if (!isTerminal(referral.status)) {
      throw new ReferralError(
        'erasure-not-allowed',
        `A ${referral.status} referral is still in progress; only a rejected, completed or withdrawn one is erased.`,
      );
    }
    const at = this.clock.now();
    // Destroying the key first waits for any transaction still sealing with it (share lock),
    // whose outbox rows the check below then sees.
    await this.vault.destroy(tx, referral.id, at);
    const pending = await tx.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM outbox
       WHERE referral_id = $1 AND published_at IS NULL AND sealed_value IS NOT NULL`,
      [referral.id],
    );
    if ((pending[0]?.n ?? 0) > 0) {
      throw new ReferralError(
        'erasure-not-allowed',
        `${pending[0]?.n} event(s) about this referral are still waiting to be delivered; try again once they are.`,
      );
    }
    const party = by.kind === 'officer' ? by.party : 'hub';
    const actor = by.kind === 'officer' ? by.sub : `hub:${by.rule}`;
    await this.referrals.markErased(tx, referral.id, { by: actor, party, reason, at });
    await this.audit.record(tx, {
      actorKind: by.kind,
      actor,
      actorParty: by.kind === 'officer' ? by.party : null,
      actorRoles: by.kind === 'officer' ? by.roles : [],
      action: 'referral.personal-data-erased',
      referralId: referral.id,
      stateBefore: referral.status,
      stateAfter: referral.status,
      payload: { reason },
    });
    return at;
  }
}
