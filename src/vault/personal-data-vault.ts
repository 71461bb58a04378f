import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Tx } from '../database/transactions';
import type { WriteBatch } from '../database/write-batch';
import { DataKey } from './data-key';
import { MasterKeyRing } from './master-key-ring';

/** A row of `referral_keys`, as queries that join it return it. */
export interface StoredKey {
  master_key_id: string | null;
  wrapped_key: Buffer | null;
}

/**
 * The per-referral data keys (envelope encryption): each referral's personal data is sealed with
 * its own AES-256 key, stored only wrapped by a master key from configuration. Destroying a
 * referral's key (crypto-shredding) makes every copy of its personal data unreadable — in the
 * database, its WAL and its backups alike — while the rest of the row and the audit trail stay.
 */
@Injectable()
export class PersonalDataVault {
  constructor(@Inject(MasterKeyRing) private readonly ring: MasterKeyRing) {}

  /**
   * A new data key for a new referral. `addTo` adds its wrapped copy to the writes of the
   * statement that inserts the referral (the key row references it; the foreign key is checked
   * when the statement ends).
   */
  newKey(referralId: string): { dataKey: DataKey; addTo: (batch: WriteBatch) => void } {
    const key = randomBytes(32);
    const { masterKeyId, wrapped } = this.ring.wrap(key, referralId);
    return {
      dataKey: new DataKey(referralId, key),
      addTo: (batch) => {
        batch.add(
          `INSERT INTO referral_keys (referral_id, master_key_id, wrapped_key) VALUES ($1, $2, $3)`,
          [referralId, masterKeyId, wrapped],
        );
      },
    };
  }

  /** Keys derived from the master keys for `purpose`, current first (see MasterKeyRing). */
  derivedKeys(purpose: string): { kid: string; key: Buffer }[] {
    return this.ring.derivedKeys(purpose);
  }

  /**
   * The referral's data key: null when it has none (no such referral) or it was destroyed. The key
   * row is share-locked, so an erasure waits for `tx` to finish sealing with it.
   */
  async keyOf(tx: Tx, referralId: string): Promise<DataKey | null> {
    const rows = await tx.query<StoredKey[]>(
      `SELECT master_key_id, wrapped_key FROM referral_keys WHERE referral_id = $1 FOR SHARE`,
      [referralId],
    );
    const row = rows[0];
    return row ? this.fromRow(referralId, row) : null;
  }

  /** Unwraps a key row read by a join; null when it was destroyed. */
  fromRow(referralId: string, row: StoredKey): DataKey | null {
    if (row.wrapped_key === null || row.master_key_id === null) return null;
    const key = this.ring.unwrap(
      { masterKeyId: row.master_key_id, wrapped: row.wrapped_key },
      referralId,
    );
    return new DataKey(referralId, key);
  }

  /** Destroys the referral's data key (nothing when it is already gone). */
  async destroy(tx: Tx, referralId: string, at: Date): Promise<void> {
    await tx.query(
      `UPDATE referral_keys SET wrapped_key = NULL, destroyed_at = $2
       WHERE referral_id = $1 AND wrapped_key IS NOT NULL`,
      [referralId, at],
    );
  }
}
