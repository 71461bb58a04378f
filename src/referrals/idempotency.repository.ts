import { Injectable } from '@nestjs/common';
import { canonicalDigest } from '@hub/contracts';
import type { Tx } from '../database/transactions';

/** A response stored under an `Idempotency-Key`. */
export interface StoredResponse {
  requestSha256: Buffer;
  status: number;
  response: unknown;
}

/**
 * Remembers the first response to each (party, `Idempotency-Key`), written in the same
 * transaction as what the request created: a retry finds either both or neither.
 */
@Injectable()
export class IdempotencyRepository {
  async find(tx: Tx, party: string, key: string): Promise<StoredResponse | undefined> {
    const rows = await tx.query<{ request_sha256: Buffer; status: number; response: unknown }[]>(
      `SELECT request_sha256, status, response FROM idempotency_keys WHERE party = $1 AND key = $2`,
      [party, key],
    );
    const row = rows[0];
    return row && { requestSha256: row.request_sha256, status: row.status, response: row.response };
  }

  /** False when another request stored the key first (the caller rolls back and replays). */
  async store(tx: Tx, party: string, key: string, stored: StoredResponse): Promise<boolean> {
    const rows = await tx.query<unknown[]>(
      `INSERT INTO idempotency_keys (party, key, request_sha256, status, response)
       VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING RETURNING 1`,
      [party, key, stored.requestSha256, stored.status, JSON.stringify(stored.response)],
    );
    return rows.length > 0;
  }
}

/** SHA-256 of the body's canonical JSON, so key order does not make two bodies differ. */
export function requestDigest(value: unknown): Buffer {
  return canonicalDigest(value ?? null);
}
