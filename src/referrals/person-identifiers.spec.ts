import { foldedTokens, personIdentifiers } from './person-identifiers';

const content = (person: Record<string, unknown>) => ({ person });

describe('personIdentifiers', () => {
  it('finds the same person written in another name order, without diacritics', () => {
    const first = personIdentifiers(
      content({
        names: [{ script: 'Latn', given: 'Thị Hoa', family: 'Nguyễn' }],
        birthDate: '2010-05-21',
      }),
    );
    const again = personIdentifiers(
      content({
        names: [{ script: 'Latn', given: 'NGUYEN', family: 'Thi Hoa' }],
        birthDate: '2010-05-21',
      }),
    );
    expect(first).toEqual(['name:hoa nguyen thi:2010-05-21']);
    expect(again).toEqual(first);
  });

  it('reads a document number as letters and digits, whatever the spacing and case', () => {
    const ids = personIdentifiers(
      content({ documents: [{ type: 'PASSPORT', number: 'c 123-4567', issuingCountry: 'VN' }] }),
    );
    expect(ids).toEqual(['document:VN:C1234567']);
  });

  it('does not recognise anyone by a name alone, nor by a number too short to mean anything', () => {
    expect(
      personIdentifiers(
        content({
          names: [{ script: 'Latn', given: 'Wei', family: 'Wang' }],
          estimatedAge: 30,
          documents: [{ type: 'NATIONAL_ID', number: '12', issuingCountry: 'CN' }],
        }),
      ),
    ).toEqual([]);
    expect(personIdentifiers(null)).toEqual([]);
  });

  it('keeps names in their own script, exact, beside the Latin one', () => {
    const ids = personIdentifiers(
      content({
        names: [
          { script: 'Hani', given: '伟', family: '王' },
          { script: 'Latn', given: 'Wei', family: 'Wang' },
        ],
        birthDate: '1985-02-03',
      }),
    );
    expect(ids).toEqual(['name:wang wei:1985-02-03', 'name:伟 王:1985-02-03']);
  });

  it('folds Vietnamese đ and combining marks', () => {
    expect(foldedTokens('Đào  Thị-Ánh')).toEqual(['dao', 'thi', 'anh']);
  });
});

describe('names in their own script', () => {
  it('keeps the vowel and tone marks of Lao, which tell names apart', () => {
    const of = (given: string) =>
      personIdentifiers(
        content({ names: [{ script: 'Laoo', given, family: 'ພົມມະສັກ' }], birthDate: '1999-04-02' }),
      );
    expect(of('ນ້ອຍ')).not.toEqual(of('ນອຍ'));
    expect(of('ນ້ອຍ')).toEqual(of('ນ້ອຍ'.normalize('NFD')));
  });
});
