import {
  checkDisclosure,
  consentStateOf,
  decideConsentChange,
  isRestrictedFor,
  type ConsentWithdrawal,
} from './consent-rules';

const WITHDRAWAL: ConsentWithdrawal = {
  party: 'LA-BOKEO-POLICE',
  withdrawnBy: 'VICTIM',
  withdrawnOn: '2026-11-25',
  recordedAt: '2026-11-25T03:00:00.000Z',
};
const victim = (consentWithdrawal: ConsentWithdrawal | null) => ({
  type: 'VICTIM_REPATRIATION',
  senderParty: 'LA-BOKEO-POLICE',
  receiverParty: 'VN-MPS',
  consentWithdrawal,
});

describe('the consent table', () => {
  it('lets either side withdraw consent that holds', () => {
    for (const party of ['LA-BOKEO-POLICE', 'VN-MPS']) {
      expect(decideConsentChange('withdraw-consent', victim(null), party)).toMatchObject({
        to: 'WITHDRAWN',
        permission: 'referral.consent-withdraw',
      });
    }
  });

  it('lets only the side that withdrew consent restore it, with a supervisor’s permission', () => {
    expect(
      decideConsentChange('restore-consent', victim(WITHDRAWAL), 'LA-BOKEO-POLICE'),
    ).toMatchObject({ to: 'GIVEN', permission: 'referral.consent-restore' });
    expect(() => decideConsentChange('restore-consent', victim(WITHDRAWAL), 'VN-MPS')).toThrow(
      expect.objectContaining({ code: 'not-your-turn' }),
    );
  });

  it('refuses a change the consent’s state does not allow, and any change on a type without consent', () => {
    expect(() => decideConsentChange('withdraw-consent', victim(WITHDRAWAL), 'VN-MPS')).toThrow(
      expect.objectContaining({
        code: 'invalid-transition',
        detail: expect.stringContaining('already'),
      }),
    );
    expect(() => decideConsentChange('restore-consent', victim(null), 'VN-MPS')).toThrow(
      expect.objectContaining({ code: 'invalid-transition' }),
    );
    expect(() =>
      decideConsentChange(
        'withdraw-consent',
        { ...victim(null), type: 'SUSPECT_HANDOFF' },
        'VN-MPS',
      ),
    ).toThrow(expect.objectContaining({ code: 'invalid-transition' }));
  });

  it('tells the state: null for a type that records no consent', () => {
    expect(consentStateOf(victim(null))).toBe('GIVEN');
    expect(consentStateOf(victim(WITHDRAWAL))).toBe('WITHDRAWN');
    expect(consentStateOf({ ...victim(null), type: 'INFORMATION_REQUEST' })).toBeNull();
  });

  it('refuses a disclosure only while consent is withdrawn', () => {
    expect(() => checkDisclosure(false, 'attachments')).not.toThrow();
    expect(() => checkDisclosure(true, 'attachments')).toThrow(
      expect.objectContaining({ code: 'consent-withdrawn' }),
    );
  });

  it('restricts the counterpart of the party that recorded the withdrawal, and nobody else', () => {
    expect(isRestrictedFor(victim(WITHDRAWAL), 'VN-MPS')).toBe(true);
    expect(isRestrictedFor(victim(WITHDRAWAL), 'LA-BOKEO-POLICE')).toBe(false);
    expect(isRestrictedFor(victim(WITHDRAWAL), 'LA-BOKEO-DMC')).toBe(false);
    expect(isRestrictedFor(victim(null), 'VN-MPS')).toBe(false);
  });
});
