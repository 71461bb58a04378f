import { Injectable } from '@nestjs/common';
import type { ReferralStatus } from '@hub/contracts';
import { Clock } from '../common/clock';
import type { WriteBatch } from '../database/write-batch';
import { DeadlinePolicy } from './deadline-policy';
import { waitingStepOf } from './deadline-steps';

/** What a deadline needs of the referral, in the state a change left it in. */
export interface DeadlineSubject {
  id: string;
  status: ReferralStatus;
  priority: string;
  senderParty: string;
  receiverParty: string;
}

/** What a deadline needs of the change. */
export interface DeadlineChange {
  seq: number;
  fromStatus: ReferralStatus;
  toStatus: ReferralStatus;
}

/**
 * Opens and meets the deadlines of waiting steps (`referral_deadlines`) as a referral changes.
 *
 * Entering a waiting state opens its step with a due date from the {@link DeadlinePolicy}, counted
 * from the hub's {@link Clock}; leaving it meets (`met_at`) every open step the new state no
 * longer waits on. Coming back to `ACKNOWLEDGED` after an information request opens a new
 * `DECIDE` step with a full period: the answer may change the decision, and the receiver could
 * not decide while the sender owed it. A step that went overdue is met like any other when the
 * party finally acts, which takes the referral off the overdue list.
 */
@Injectable()
export class DeadlinesService {
  constructor(
    private readonly clock: Clock,
    private readonly policy: DeadlinePolicy,
  ) {}

  /**
   * Called by the lifecycle while the referral is locked, so the changes of one referral reach
   * this method one at a time; adds its writes to the change's. `referral` is the state after
   * `change`.
   */
  addTo(batch: WriteBatch, referral: DeadlineSubject, change: DeadlineChange): void {
    // Changes that keep the state (case messages, a rescheduled hand-over) neither meet nor
    // restart a deadline: the party that owes the step has not done it yet.
    if (change.fromStatus === change.toStatus) return;
    const now = this.clock.now();
    const waiting = waitingStepOf(referral.status);

    const meet = `UPDATE referral_deadlines SET met_at = $2
        WHERE referral_id = $1 AND met_at IS NULL AND step IS DISTINCT FROM $3::text`;
    if (waiting === undefined) {
      batch.add(meet, [referral.id, now, null]);
      return;
    }
    // Both writes read the snapshot from before the change's statement, which is safe: the UPDATE
    // never touches the step the INSERT checks for. The INSERT is skipped when that step is
    // already open because it spans several states (ACCEPTED → HANDOVER_SCHEDULED).
    batch.add(meet, [referral.id, now, waiting.step]);
    batch.add(
      `INSERT INTO referral_deadlines (referral_id, step, opened_seq, due_at, waiting_party)
       SELECT $1, $2, $3, $4, $5
        WHERE NOT EXISTS (SELECT 1 FROM referral_deadlines
                           WHERE referral_id = $1 AND step = $2 AND met_at IS NULL)
       ON CONFLICT DO NOTHING`,
      [
        referral.id,
        waiting.step,
        change.seq,
        this.policy.dueAt(waiting.step, referral.priority, now),
        waiting.waitingSide === 'sender' ? referral.senderParty : referral.receiverParty,
      ],
    );
  }
}
