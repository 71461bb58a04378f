import { MAX_JSON_DEPTH, parseStrictJson, StrictJsonError } from './strict-json';

function problemOf(input: string | Buffer): string | undefined {
  try {
    parseStrictJson(input);
    return undefined;
  } catch (error) {
    return error instanceof StrictJsonError ? error.problem : 'other';
  }
}

describe(parseStrictJson.name, () => {
  it('reads ordinary JSON like JSON.parse', () => {
    const text = '{"a": [1, -2.5e3, true, null, "x\\"y"], "b": {"c": "ສະບາຍດີ"}}';

    expect(parseStrictJson(text)).toEqual(JSON.parse(text));
    expect(parseStrictJson(Buffer.from(text))).toEqual(JSON.parse(text));
  });

  it('refuses a key given twice in one object, however it is escaped', () => {
    expect(problemOf('{"a": 1, "a": 2}')).toBe('duplicate-key');
    expect(problemOf('{"a": 1, "\\u0061": 2}')).toBe('duplicate-key');
    expect(problemOf('{"x": {"a": 1}, "y": {"a": 1}}')).toBeUndefined();
    expect(problemOf('[{"a": 1}, {"a": 2}]')).toBeUndefined();
  });

  it('does not mistake a string value for a key', () => {
    expect(problemOf('{"a": "a", "b": ["a", "a"]}')).toBeUndefined();
    expect(problemOf('{"a": "x\\\\", "b": "a"}')).toBeUndefined();
  });

  it.each(['__proto__', 'constructor', 'prototype'])('refuses the key %s anywhere', (key) => {
    expect(problemOf(`{"data": {"${key}": {"admin": true}}}`)).toBe('forbidden-key');
  });

  it('refuses nesting deeper than the limit, at any size of input', () => {
    const deep = (n: number): string => '['.repeat(n) + ']'.repeat(n);

    expect(problemOf(deep(MAX_JSON_DEPTH))).toBeUndefined();
    expect(problemOf(deep(MAX_JSON_DEPTH + 1))).toBe('too-deep');
    expect(problemOf(deep(100_000))).toBe('too-deep');
  });

  it('refuses numbers a double cannot hold', () => {
    expect(problemOf('{"n": 1e400}')).toBe('number-out-of-range');
    expect(problemOf('{"n": -1E+309}')).toBe('number-out-of-range');
    expect(problemOf('{"n": 1.7976931348623157e308}')).toBeUndefined();
  });

  it('refuses NUL and unpaired surrogates, which are not storable text', () => {
    expect(problemOf('{"s": "a\\u0000b"}')).toBe('nul-character');
    expect(problemOf('{"s": "\\ud800"}')).toBe('unpaired-surrogate');
    expect(problemOf('{"s": "\\udc00x"}')).toBe('unpaired-surrogate');
    expect(problemOf('{"s": "\\ud83d\\ude00"}')).toBeUndefined();
  });

  it('refuses bytes that are not UTF-8, and text that is not JSON', () => {
    expect(problemOf(Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d]))).toBe(
      'not-utf8',
    );
    expect(problemOf('{"a": 1,}')).toBe('not-json');
    expect(problemOf('')).toBe('not-json');
  });
});
