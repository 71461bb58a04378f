import { LIFECYCLE_ACTION_NAMES } from '@hub/contracts';
import { availableActions, decide, LIFECYCLE } from './referral-lifecycle';
import { REFERRAL_STATUSES, TERMINAL_STATUSES } from '@hub/contracts';

describe('the referral lifecycle', () => {
  describe(decide.name, () => {
    it.each([
      ['submit', 'DRAFT', 'sender', 'SUBMITTED'],
      ['acknowledge', 'SUBMITTED', 'receiver', 'ACKNOWLEDGED'],
      ['request-info', 'ACKNOWLEDGED', 'receiver', 'INFO_REQUESTED'],
      ['provide-info', 'INFO_REQUESTED', 'sender', 'ACKNOWLEDGED'],
      ['accept', 'ACKNOWLEDGED', 'receiver', 'ACCEPTED'],
      ['reject', 'ACKNOWLEDGED', 'receiver', 'REJECTED'],
      ['schedule-handover', 'ACCEPTED', 'sender', 'HANDOVER_SCHEDULED'],
      ['schedule-handover', 'ACCEPTED', 'receiver', 'HANDOVER_SCHEDULED'],
      ['schedule-handover', 'HANDOVER_SCHEDULED', 'receiver', 'HANDOVER_SCHEDULED'],
      ['complete', 'HANDOVER_SCHEDULED', 'receiver', 'COMPLETED'],
      ['complete', 'ACCEPTED', 'receiver', 'COMPLETED'],
      ['withdraw', 'SUBMITTED', 'sender', 'WITHDRAWN'],
      ['withdraw', 'HANDOVER_SCHEDULED', 'sender', 'WITHDRAWN'],
    ] as const)('lets %s move %s (by the %s) to %s', (action, status, side, to) => {
      const decision = decide(action, status, side);

      expect(decision).toEqual({ allowed: true, transition: expect.objectContaining({ to }) });
    });

    it.each([
      ['accept', 'SUBMITTED'],
      ['complete', 'ACKNOWLEDGED'],
      ['submit', 'SUBMITTED'],
      ['provide-info', 'ACKNOWLEDGED'],
    ] as const)('refuses %s in state %s as an invalid transition', (action, status) => {
      const decision = decide(action, status, 'receiver');

      expect(decision).toMatchObject({ allowed: false, reason: 'invalid-transition' });
    });

    it('refuses every action on a terminal referral', () => {
      for (const status of TERMINAL_STATUSES) {
        for (const action of LIFECYCLE_ACTION_NAMES) {
          for (const side of ['sender', 'receiver'] as const) {
            expect(decide(action, status, side)).toMatchObject({
              allowed: false,
              reason: 'invalid-transition',
            });
          }
        }
      }
    });

    it('keeps the receiver from withdrawing and the sender from accepting', () => {
      expect(decide('withdraw', 'SUBMITTED', 'receiver')).toMatchObject({
        reason: 'not-your-turn',
      });
      expect(decide('accept', 'ACKNOWLEDGED', 'sender')).toMatchObject({ reason: 'not-your-turn' });
      expect(decide('complete', 'ACCEPTED', 'sender')).toMatchObject({ reason: 'not-your-turn' });
    });
  });

  it('has no state from which two rows lead for the same action', () => {
    for (const status of REFERRAL_STATUSES) {
      for (const action of LIFECYCLE_ACTION_NAMES) {
        const rows = LIFECYCLE.filter((t) => t.action === action && t.from.includes(status));
        expect(rows.length).toBeLessThanOrEqual(1);
      }
    }
  });

  it('offers the receiver of an acknowledged referral exactly its three decisions', () => {
    expect(availableActions('ACKNOWLEDGED', 'receiver').sort()).toEqual([
      'accept',
      'reject',
      'request-info',
    ]);
    expect(availableActions('ACKNOWLEDGED', 'sender')).toEqual(['withdraw']);
  });
});
