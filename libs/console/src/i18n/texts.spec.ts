import {
  CUSTODY_STATUSES,
  DOCUMENT_TYPES,
  EXPLOITATION_TYPES,
  RECRUITMENT_METHODS,
  REFERRAL_PRIORITIES,
  REFERRAL_TYPES,
  REQUESTED_ACTIONS,
  SEX_CODES,
  SUSPECT_ROLES,
  VICTIM_NEEDS,
} from '../../../contracts/src/referral/code-lists';
import { REFERRAL_STATUSES } from '../../../contracts/src/referral/referral-status';
import {
  CONSENT_ACTION_NAMES,
  CONSENT_WITHDRAWN_BY,
  DEADLINE_STEPS,
  REJECTION_REASON_CODES,
} from '../../../contracts/src/events/event-codes';
import { en } from './en';
import { lo } from './lo';
import { codeLabel, hasCodeLabel, translate, type CodeList } from './texts';

describe('console texts', () => {
  it('has exactly the same keys in Lao and English', () => {
    expect(Object.keys(lo).sort()).toEqual(Object.keys(en).sort());
  });

  it('has no empty text in either language', () => {
    const empty = [
      ...Object.entries(lo).filter(([, text]) => text.trim() === ''),
      ...Object.entries(en).filter(([, text]) => text.trim() === ''),
    ].map(([key]) => key);
    expect(empty).toEqual([]);
  });

  it('uses the same placeholders in both languages', () => {
    const placeholders = (text: string): string[] => (text.match(/\{\w+\}/g) ?? []).sort();
    for (const key of Object.keys(en) as (keyof typeof en)[]) {
      expect([key, placeholders(lo[key])]).toEqual([key, placeholders(en[key])]);
    }
  });

  it('labels every code of the contract lists, in both languages', () => {
    const lists: [CodeList, readonly string[]][] = [
      ['status', REFERRAL_STATUSES],
      ['type', REFERRAL_TYPES],
      ['priority', REFERRAL_PRIORITIES],
      ['sex', SEX_CODES],
      ['exploitation', EXPLOITATION_TYPES],
      ['need', VICTIM_NEEDS],
      ['recruitment', RECRUITMENT_METHODS],
      ['suspectRole', SUSPECT_ROLES],
      ['custody', CUSTODY_STATUSES],
      ['requestedAction', REQUESTED_ACTIONS],
      ['document', DOCUMENT_TYPES],
      ['rejection', REJECTION_REASON_CODES],
      ['step', DEADLINE_STEPS],
      // Lifecycle actions are buttons the browser tests press by their labels.
      ['action', [...CONSENT_ACTION_NAMES, 'message']],
      ['consentBy', CONSENT_WITHDRAWN_BY],
    ];
    const missing = lists.flatMap(([list, codes]) =>
      codes.filter((code) => !hasCodeLabel(list, code)).map((code) => `${list}.${code}`),
    );
    expect(missing).toEqual([]);
  });

  it('fills placeholders and falls back to the code for an unknown code', () => {
    expect(translate('en', 'referral.title', { ref: 'BK-1' })).toBe('Referral BK-1');
    expect(codeLabel('lo', 'status', 'ACCEPTED')).toBe('ຮັບເອົາແລ້ວ');
    expect(codeLabel('en', 'status', 'SOMETHING_NEW')).toBe('SOMETHING_NEW');
  });
});
