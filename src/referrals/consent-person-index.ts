import { createHmac } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { Tx } from '../database/transactions';
import type { WriteBatch } from '../database/write-batch';
import { PersonalDataVault } from '../vault/personal-data-vault';
import { personIdentifiers } from './person-identifiers';

/** The purpose the index key is derived for; a new purpose would give unrelated tokens. */
const INDEX_PURPOSE = 'consent-person-index/v1';

/**
 * Keyed blind indexes of the people whose consent to share data is withdrawn: HMAC-SHA-256 of
 * their normalised identifiers ({@link personIdentifiers}) under a key derived from the
 * personal-data master key, so that a new referral of the same person is recognised while the
 * database holds no identifier in clear, and nobody without the master key can test a guess.
 */
@Injectable()
export class ConsentPersonIndex {
  constructor(private readonly vault: PersonalDataVault) {}

  /** Indexes the person of `referralId` (its withdrawal is in force from now). */
  addTo(batch: WriteBatch, referralId: string, content: Record<string, unknown> | null): void {
    const [current] = this.vault.derivedKeys(INDEX_PURPOSE);
    if (!current) return;
    for (const identifier of personIdentifiers(content)) {
      batch.add(
        `INSERT INTO consent_person_index (token, referral_id, key_id) VALUES ($1, $2, $3)
         ON CONFLICT DO NOTHING`,
        [tokenOf(current.key, identifier), referralId, current.kid],
      );
    }
  }

  /** Forgets the person of `referralId` (consent restored, or the personal data erased). */
  removeFrom(batch: WriteBatch, referralId: string): void {
    batch.add(`DELETE FROM consent_person_index WHERE referral_id = $1`, [referralId]);
  }

  /**
   * Whether the person of `content` is indexed under another referral than `referralId`: their
   * consent is withdrawn there. Tokens are computed under every master key of the ring, so a
   * rotation does not hide an older withdrawal.
   */
  async withdrawnElsewhere(
    tx: Tx,
    referralId: string,
    content: Record<string, unknown> | null,
  ): Promise<boolean> {
    const identifiers = personIdentifiers(content);
    if (identifiers.length === 0) return false;
    const tokens = this.vault
      .derivedKeys(INDEX_PURPOSE)
      .flatMap(({ key }) => identifiers.map((identifier) => tokenOf(key, identifier)));
    const found = await tx.query<unknown[]>(
      `SELECT 1 FROM consent_person_index WHERE token = ANY($1) AND referral_id <> $2 LIMIT 1`,
      [tokens, referralId],
    );
    return found.length > 0;
  }
}

function tokenOf(key: Buffer, identifier: string): Buffer {
  return createHmac('sha256', key).update(identifier, 'utf8').digest();
}
