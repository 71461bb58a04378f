// validator.js (class-validator's own dependency) carries the Unicode registry list too.
import isISO15924 from 'validator/lib/isISO15924';
import { ISO_15924_SCRIPT_CODES, isScriptCode } from './iso-15924';

describe('ISO_15924_SCRIPT_CODES', () => {
  it('holds the scripts of the region', () => {
    for (const code of ['Latn', 'Laoo', 'Thai', 'Khmr', 'Hani', 'Hans', 'Hant', 'Mymr']) {
      expect(isScriptCode(code)).toBe(true);
    }
  });

  it('holds only registered codes (no typo), without the private-use range', () => {
    for (const code of ISO_15924_SCRIPT_CODES) expect(isISO15924(code)).toBe(true);
    expect(isScriptCode('Qaaa')).toBe(false);
    expect(new Set(ISO_15924_SCRIPT_CODES).size).toBe(ISO_15924_SCRIPT_CODES.length);
  });

  it('is case-sensitive', () => {
    expect(isScriptCode('latn')).toBe(false);
    expect(isScriptCode('LATN')).toBe(false);
  });
});
