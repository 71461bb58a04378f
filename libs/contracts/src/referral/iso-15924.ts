// prettier-ignore
/**
 * ISO 15924 script codes a name may be written in: `Latn`, `Laoo`, `Thai`, `Khmr`, `Hani`,
 * `Mymr`, …
 *
 * Source: the Unicode Consortium's ISO 15924 registration authority list
 * (https://www.unicode.org/iso15924/iso15924-codes.html), as carried by validator.js 13.15
 * (`validator/lib/isISO15924`), without the private-use range `Qaaa`–`Qabx`: a private code
 * means nothing to the other country. Embedded rather than imported because validator.js is only
 * a transitive dependency of class-validator, and partners compile against this list.
 */
export const ISO_15924_SCRIPT_CODES = [
  'Adlm', 'Afak', 'Aghb', 'Ahom', 'Arab', 'Aran', 'Armi', 'Armn', 'Avst', 'Bali', 'Bamu', 'Bass',
  'Batk', 'Beng', 'Bhks', 'Blis', 'Bopo', 'Brah', 'Brai', 'Bugi', 'Buhd', 'Cakm', 'Cans', 'Cari',
  'Cham', 'Cher', 'Chis', 'Chrs', 'Cirt', 'Copt', 'Cpmn', 'Cprt', 'Cyrl', 'Cyrs', 'Deva', 'Diak',
  'Dogr', 'Dsrt', 'Dupl', 'Egyd', 'Egyh', 'Egyp', 'Elba', 'Elym', 'Ethi', 'Gara', 'Geok', 'Geor',
  'Glag', 'Gong', 'Gonm', 'Goth', 'Gran', 'Grek', 'Gujr', 'Gukh', 'Guru', 'Hanb', 'Hang', 'Hani',
  'Hano', 'Hans', 'Hant', 'Hatr', 'Hebr', 'Hira', 'Hluw', 'Hmng', 'Hmnp', 'Hrkt', 'Hung', 'Inds',
  'Ital', 'Jamo', 'Java', 'Jpan', 'Jurc', 'Kali', 'Kana', 'Kawi', 'Khar', 'Khmr', 'Khoj', 'Kitl',
  'Kits', 'Knda', 'Kore', 'Kpel', 'Krai', 'Kthi', 'Lana', 'Laoo', 'Latf', 'Latg', 'Latn', 'Leke',
  'Lepc', 'Limb', 'Lina', 'Linb', 'Lisu', 'Loma', 'Lyci', 'Lydi', 'Mahj', 'Maka', 'Mand', 'Mani',
  'Marc', 'Maya', 'Medf', 'Mend', 'Merc', 'Mero', 'Mlym', 'Modi', 'Mong', 'Moon', 'Mroo', 'Mtei',
  'Mult', 'Mymr', 'Nagm', 'Nand', 'Narb', 'Nbat', 'Newa', 'Nkdb', 'Nkgb', 'Nkoo', 'Nshu', 'Ogam',
  'Olck', 'Onao', 'Orkh', 'Orya', 'Osge', 'Osma', 'Ougr', 'Palm', 'Pauc', 'Pcun', 'Pelm', 'Perm',
  'Phag', 'Phli', 'Phlp', 'Phlv', 'Phnx', 'Piqd', 'Plrd', 'Prti', 'Psin', 'Ranj', 'Rjng', 'Rohg',
  'Roro', 'Runr', 'Samr', 'Sara', 'Sarb', 'Saur', 'Sgnw', 'Shaw', 'Shrd', 'Shui', 'Sidd', 'Sidt',
  'Sind', 'Sinh', 'Sogd', 'Sogo', 'Sora', 'Soyo', 'Sund', 'Sunu', 'Sylo', 'Syrc', 'Syre', 'Syrj',
  'Syrn', 'Tagb', 'Takr', 'Tale', 'Talu', 'Taml', 'Tang', 'Tavt', 'Tayo', 'Telu', 'Teng', 'Tfng',
  'Tglg', 'Thaa', 'Thai', 'Tibt', 'Tirh', 'Tnsa', 'Todr', 'Tols', 'Toto', 'Tutg', 'Ugar', 'Vaii',
  'Visp', 'Vith', 'Wara', 'Wcho', 'Wole', 'Xpeo', 'Xsux', 'Yezi', 'Yiii', 'Zanb', 'Zinh', 'Zmth',
  'Zsye', 'Zsym', 'Zxxx', 'Zyyy', 'Zzzz',
] as const;

/** An ISO 15924 script code, e.g. `Latn`. */
export type ScriptCode = (typeof ISO_15924_SCRIPT_CODES)[number];

/** The script every person needs at least one name in, so that every officer can read it. */
export const LATIN_SCRIPT: ScriptCode = 'Latn';

const SCRIPT_CODES: ReadonlySet<string> = new Set(ISO_15924_SCRIPT_CODES);

/** True when `code` is one of {@link ISO_15924_SCRIPT_CODES} (case-sensitive, as ISO 15924 is). */
export function isScriptCode(code: unknown): code is ScriptCode {
  return typeof code === 'string' && SCRIPT_CODES.has(code);
}
