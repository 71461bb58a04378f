import { Injectable } from '@nestjs/common';
import { canonicalDigest } from '@hub/contracts';
import type { Tx } from '../database/transactions';
import type { DataKey } from '../vault/data-key';
import { PersonalDataVault, type StoredKey } from '../vault/personal-data-vault';

/** A response stored under an `Idempotency-Key`. */
export interface StoredResponse {
  requestSha256: Buffer;
  status: number;
  referralId: string;
  /** The first response; null once the referral's personal data (which it shows) is erased. */
  response: unknown;
}

/** The first response is a referral's view, personal data included: sealed with its key. */
function sealedPurpose(party: string, key: string): string {
  return `idempotency:${party}:${key}`;
}

/**
 * Remembers the first response to each (party, `Idempotency-Key`), written in the same
 * transaction as what the request created: a retry finds either both or neither.
 */
@Injectable()
export class IdempotencyRepository {
  constructor(private readonly vault: PersonalDataVault) {}

  async find(tx: Tx, party: string, key: string): Promise<StoredResponse | undefined> {
    const rows = await tx.query<
      (StoredKey & {
        request_sha256: Buffer;
        status: number;
        referral_id: string;
        sealed_response: Buffer;
      })[]
    >(
      `SELECT i.request_sha256, i.status, i.referral_id, i.sealed_response, k.master_key_id,
         k.wrapped_key
       FROM idempotency_keys i LEFT JOIN referral_keys k ON k.referral_id = i.referral_id
       WHERE i.party = $1 AND i.key = $2`,
      [party, key],
    );
    const row = rows[0];
    if (!row) return undefined;
    const dataKey = this.vault.fromRow(row.referral_id, row);
    return {
      requestSha256: row.request_sha256,
      status: row.status,
      referralId: row.referral_id,
      response: dataKey?.openJson(sealedPurpose(party, key), row.sealed_response) ?? null,
    };
  }

  /** False when another request stored the key first (the caller rolls back and replays). */
  async store(
    tx: Tx,
    party: string,
    key: string,
    dataKey: DataKey,
    stored: StoredResponse,
  ): Promise<boolean> {
    const rows = await tx.query<unknown[]>(
      `INSERT INTO idempotency_keys (party, key, request_sha256, status, referral_id,
         sealed_response)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING RETURNING 1`,
      [
        party,
        key,
        stored.requestSha256,
        stored.status,
        stored.referralId,
        dataKey.sealJson(sealedPurpose(party, key), stored.response),
      ],
    );
    return rows.length > 0;
  }
}

/** SHA-256 of the body's canonical JSON, so key order does not make two bodies differ. */
export function requestDigest(value: unknown): Buffer {
  return canonicalDigest(value ?? null);
}
