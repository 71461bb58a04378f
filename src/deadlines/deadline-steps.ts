import type { DeadlineStep } from '@hub/contracts';
import type { ReferralStatus } from '@hub/contracts';

/** The step a referral waits on in some state, and which of its two sides has to act. */
export interface WaitingStep {
  step: DeadlineStep;
  waitingSide: 'sender' | 'receiver';
}

/**
 * What each state waits for (contract v1, "Referral lifecycle"), as data. `ACCEPTED` and
 * `HANDOVER_SCHEDULED` share the `COMPLETE` step: scheduling (or rescheduling) the hand-over is
 * progress towards completion, not its end, so it neither meets nor restarts the deadline. Drafts
 * are private and terminal states wait for nobody.
 */
const WAITING_STEPS: Readonly<Record<ReferralStatus, WaitingStep | undefined>> = {
  DRAFT: undefined,
  SUBMITTED: { step: 'ACKNOWLEDGE', waitingSide: 'receiver' },
  ACKNOWLEDGED: { step: 'DECIDE', waitingSide: 'receiver' },
  INFO_REQUESTED: { step: 'PROVIDE_INFO', waitingSide: 'sender' },
  ACCEPTED: { step: 'COMPLETE', waitingSide: 'receiver' },
  HANDOVER_SCHEDULED: { step: 'COMPLETE', waitingSide: 'receiver' },
  REJECTED: undefined,
  COMPLETED: undefined,
  WITHDRAWN: undefined,
};

/** The step a referral in `status` waits on, or `undefined` when it waits on nobody. */
export function waitingStepOf(status: ReferralStatus): WaitingStep | undefined {
  return WAITING_STEPS[status];
}
