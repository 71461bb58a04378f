import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getAt, pruneEmpty, setAt } from './paths';
import { emptyDraft, toReferralContent } from './referral-draft';

describe('new-referral form state', () => {
  it('reads and writes nested values by field path', () => {
    let draft = emptyDraft();
    draft = setAt(draft, 'person.names[1].given', 'ທິ ຮວາ');
    draft = setAt(draft, 'person.names[1].script', 'Laoo');
    expect(getAt(draft, 'person.names[1]')).toEqual({ given: 'ທິ ຮວາ', script: 'Laoo' });
    expect(getAt(draft, 'person.names[0].script')).toBe('Latn');
  });

  it('drops blanks but keeps booleans and filled list items', () => {
    expect(pruneEmpty({ a: '', b: { c: ' ' }, d: [{ e: '' }, { e: 'x' }], f: false })).toEqual({
      d: [{ e: 'x' }],
      f: false,
    });
  });

  it('builds the contract example of a victim repatriation from what the user typed', () => {
    const example = JSON.parse(
      readFileSync(
        join(__dirname, '../../../contracts/src/referral/examples/victim-repatriation.json'),
        'utf8',
      ),
    ) as Record<string, unknown>;
    let draft = emptyDraft('VICTIM_REPATRIATION');
    const typed: [string, unknown][] = [
      ['to', 'VN-MPS'],
      ['priority', 'URGENT'],
      ['senderReference', 'BK-2026-0417'],
      ['handlingCode', 'H2'],
      ['summary', example['summary']],
      ['person', { ...(example['person'] as object), aliases: 'Hoa Nguyen, Mai', languages: 'vi' }],
      ['victim', { ...(example['victim'] as object) }],
      ['victim.consent.recordedAt', '2026-11-18T08:30'],
      ['repatriation', example['repatriation']],
      ['suspect.evidenceSummary', 'left over from another type'],
    ];
    for (const [path, value] of typed) draft = setAt(draft, path, value);

    const content = toReferralContent(draft, 'Asia/Vientiane');

    expect(content).toEqual(example);
  });
});
