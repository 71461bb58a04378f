import { toYaml } from './yaml';

describe(toYaml.name, () => {
  it('writes nested mappings and sequences in block style, as Prettier does', () => {
    const value = {
      name: 'Hub',
      list: ['a', { k: 'v', l: ['x'] }, ['n1', 'n2']],
      empty: { object: {}, array: [] },
      skipped: undefined,
      numbers: [0, -1, 1.5, 9007199254740991],
      flags: [true, false, null],
    };

    expect(toYaml(value)).toBe(
      [
        'name: Hub',
        'list:',
        '  - a',
        '  - k: v',
        '    l:',
        '      - x',
        '  - - n1',
        '    - n2',
        'empty:',
        '  object: {}',
        '  array: []',
        'numbers:',
        '  - 0',
        '  - -1',
        '  - 1.5',
        '  - 9007199254740991',
        'flags:',
        '  - true',
        '  - false',
        '  - null',
        '',
      ].join('\n'),
    );
  });

  it('quotes every string a YAML parser could read as something else', () => {
    const strings = ['NO', 'yes', 'Off', 'null', 'y', '1.0', '3.0.0', 'E12345678', '', ' x', 'x '];

    expect(toYaml(strings)).toBe(`${strings.map((s) => `- '${s}'`).join('\n')}\n`);
  });

  it('leaves plain what every parser reads back as the same string', () => {
    expect(toYaml(['VN', 'H0', 'mrh.referral.submitted.v1', 'application/cloudevents+json'])).toBe(
      '- VN\n- H0\n- mrh.referral.submitted.v1\n- application/cloudevents+json\n',
    );
  });

  it('quotes indicators in single quotes, or double ones for an apostrophe with no escape', () => {
    expect(toYaml({ $ref: '#/components/schemas/X', 'content-type': 'a: b # c' })).toBe(
      "$ref: '#/components/schemas/X'\ncontent-type: 'a: b # c'\n",
    );
    expect(toYaml(["the hub's notices", "it's \\S", 'say "hi"', `a'b'c"d`])).toBe(
      `- "the hub's notices"\n- 'it''s \\S'\n- 'say "hi"'\n- 'a''b''c"d'\n`,
    );
  });

  it('writes multi-line text as a literal block, and control characters escaped', () => {
    expect(toYaml({ text: 'one\n\n  two', last: 'end\n', tab: 'a\tb' })).toBe(
      'text: |-\n  one\n\n    two\nlast: |\n  end\ntab: "a\\tb"\n',
    );
  });

  it('refuses values JSON has no form for', () => {
    expect(() => toYaml({ n: Number.NaN })).toThrow('not a JSON number');
    expect(() => toYaml({ f: () => 1 })).toThrow('cannot write a function');
  });
});
