import { waitingStepOf } from './deadline-steps';

describe(waitingStepOf.name, () => {
  it.each([
    ['SUBMITTED', 'ACKNOWLEDGE', 'receiver'],
    ['ACKNOWLEDGED', 'DECIDE', 'receiver'],
    ['INFO_REQUESTED', 'PROVIDE_INFO', 'sender'],
    ['ACCEPTED', 'COMPLETE', 'receiver'],
    ['HANDOVER_SCHEDULED', 'COMPLETE', 'receiver'],
  ] as const)('makes a %s referral wait for the %s of its %s', (status, step, waitingSide) => {
    expect(waitingStepOf(status)).toEqual({ step, waitingSide });
  });

  it.each(['DRAFT', 'REJECTED', 'COMPLETED', 'WITHDRAWN'] as const)(
    'makes a %s referral wait for nobody',
    (status) => {
      expect(waitingStepOf(status)).toBeUndefined();
    },
  );
});
