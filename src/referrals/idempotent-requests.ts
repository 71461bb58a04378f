import { Injectable } from '@nestjs/common';
import { Transactions, type Tx } from '../database/transactions';
import { IdempotencyRepository, requestDigest } from './idempotency.repository';
import { ReferralError } from './referral.error';
import type { ReferralRecord } from './referral.record';

/** What an idempotent request answers: the status, the body, and whether it is a replay. */
export interface IdempotentResponse<T> {
  status: number;
  body: T;
  replayed: boolean;
}

/** What a request did in its transaction: the referral it concerns and the answer to keep. */
export interface IdempotentOutcome<T> {
  referral: ReferralRecord;
  body: T;
}

/** Signals a lost race on an idempotency key; the request is answered with the winner's reply. */
class IdempotencyRace extends Error {}

/**
 * Officers' `Idempotency-Key` on every request that changes a referral (creating a draft, a
 * lifecycle action, a case message): the first answer is stored, sealed with the referral's data
 * key, in the transaction of the change, so a retry over a bad connection finds both or neither
 * and gets that first answer back instead of doing the work twice (or a 409 for an action that
 * has already moved the state on). The same key with another request is refused.
 */
@Injectable()
export class IdempotentRequests {
  constructor(
    private readonly transactions: Transactions,
    private readonly idempotency: IdempotencyRepository,
  ) {}

  /**
   * Runs `work` in a transaction, answered with `status`; with a `key`, at most once per (party,
   * key). `request` identifies the request (route and body); `current` answers a replay whose
   * stored answer was erased with the referral's personal data.
   */
  async run<T>(
    party: string,
    key: string | undefined,
    request: unknown,
    status: number,
    work: (tx: Tx) => Promise<IdempotentOutcome<T>>,
    current: (referralId: string) => Promise<T>,
  ): Promise<IdempotentResponse<T>> {
    if (key === undefined) {
      const { body } = await this.transactions.run(work);
      return { status, body, replayed: false };
    }
    const digest = requestDigest(request);
    const replay = await this.replay(party, key, digest, current);
    if (replay) return replay;
    try {
      const body = await this.transactions.run(async (tx) => {
        const outcome = await work(tx);
        const dataKey = outcome.referral.dataKey;
        if (!dataKey) throw new Error('an idempotent answer about an erased referral');
        const stored = await this.idempotency.store(tx, party, key, dataKey, {
          requestSha256: digest,
          status,
          referralId: outcome.referral.id,
          response: outcome.body,
        });
        if (!stored) throw new IdempotencyRace();
        return outcome.body;
      });
      return { status, body, replayed: false };
    } catch (error) {
      if (!(error instanceof IdempotencyRace)) throw error;
      const winner = await this.replay(party, key, digest, current);
      if (winner) return winner;
      throw error;
    }
  }

  private async replay<T>(
    party: string,
    key: string,
    digest: Buffer,
    current: (referralId: string) => Promise<T>,
  ): Promise<IdempotentResponse<T> | undefined> {
    const stored = await this.transactions.run((tx) => this.idempotency.find(tx, party, key));
    if (!stored) return undefined;
    if (!stored.requestSha256.equals(digest)) {
      throw new ReferralError(
        'idempotency-key-reused',
        'This Idempotency-Key was used with a different request; use a new key for a new request.',
      );
    }
    if (stored.response !== null) {
      return { status: stored.status, body: stored.response as T, replayed: true };
    }
    // The first answer showed personal data since erased: answer with what is left.
    return { status: stored.status, body: await current(stored.referralId), replayed: true };
  }
}
