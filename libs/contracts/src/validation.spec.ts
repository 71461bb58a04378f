import { Type } from 'class-transformer';
import { IsString, ValidateNested, validateSync, type ValidationError } from 'class-validator';
import {
  flattenValidationErrors,
  nfc,
  NormalizeNfc,
  PAYLOAD_VALIDATOR_OPTIONS,
  validatePayload,
} from './validation';

class NameDto {
  @IsString()
  script!: string;

  @NormalizeNfc()
  @IsString({ each: true })
  given!: string[];
}

class BodyDto {
  @NormalizeNfc()
  @IsString()
  to!: string;

  @ValidateNested({ each: true })
  @Type(() => NameDto)
  names!: NameDto[];
}

describe(flattenValidationErrors.name, () => {
  const errorsOf = (value: object): ValidationError[] =>
    validateSync(value, PAYLOAD_VALIDATOR_OPTIONS);

  it('gives dotted and indexed paths, without the property name in messages', () => {
    const body = Object.assign(new BodyDto(), {
      to: 5,
      names: [Object.assign(new NameDto(), { script: 'Latn', given: ['x'] }), new NameDto()],
    });

    expect(flattenValidationErrors(errorsOf(body))).toEqual([
      { path: 'to', message: 'must be a string' },
      { path: 'names[1].script', message: 'must be a string' },
      { path: 'names[1].given', message: 'each value must be a string' },
    ]);
  });

  it('says an unknown field is not accepted', () => {
    const body = Object.assign(new BodyDto(), { to: 'x', names: [], admin: true });

    expect(flattenValidationErrors(errorsOf(body))).toEqual([
      { path: 'admin', message: 'is not an accepted field' },
    ]);
  });

  it('puts the prefix in front of every path', () => {
    const body = Object.assign(new BodyDto(), { to: 1, names: [] });

    expect(flattenValidationErrors(errorsOf(body), 'data')).toEqual([
      { path: 'data.to', message: 'must be a string' },
    ]);
  });

  it('reports an object of no known class at the path of that object', () => {
    const body = Object.assign(new BodyDto(), { to: 'x', names: [{ script: 'Latn' }] });
    // A plain object where a class instance belongs: what validating without transforming gives.
    const errors = flattenValidationErrors(errorsOf(body));

    expect(errors.map((e) => e.path)).toEqual(['names[0]']);
  });
});

describe(validatePayload.name, () => {
  it('returns an instance of the class, nested classes included', () => {
    const result = validatePayload(BodyDto, {
      to: 'VN-MPS',
      names: [{ script: 'Latn', given: [] }],
    });

    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value).toBeInstanceOf(BodyDto);
    expect(result.value.names[0]).toBeInstanceOf(NameDto);
  });

  it('refuses unknown fields at any depth', () => {
    const result = validatePayload(BodyDto, {
      to: 'VN-MPS',
      names: [{ script: 'Latn', given: [], extra: 1 }],
    });

    expect(result).toEqual({
      ok: false,
      errors: [{ path: 'names[0].extra', message: 'is not an accepted field' }],
    });
  });

  it('drops unknown fields at any depth when told to ignore them, still checking the rest', () => {
    const plain = { to: 'VN-MPS', names: [{ script: 'Latn', given: [], extra: 1 }], added: 2 };

    const ignored = validatePayload(BodyDto, plain, { unknownFields: 'ignore' });
    const invalid = validatePayload(BodyDto, { ...plain, to: 3 }, { unknownFields: 'ignore' });

    expect(ignored.ok).toBe(true);
    expect(ignored.ok && Object.keys(ignored.value)).toEqual(['to', 'names']);
    expect(ignored.ok && Object.keys(ignored.value.names[0] ?? {})).toEqual(['script', 'given']);
    expect(invalid.ok ? [] : invalid.errors).toEqual([{ path: 'to', message: 'must be a string' }]);
  });

  it.each([undefined, null, 'x', 1, true, [{ to: 'VN-MPS', names: [] }]])(
    'refuses %p with a single error at the root',
    (plain) => {
      expect(validatePayload(BodyDto, plain)).toEqual({
        ok: false,
        errors: [{ path: '', message: 'must be a JSON object' }],
      });
    },
  );

  it('normalises decorated text to NFC', () => {
    const result = validatePayload(BodyDto, {
      to: 'Nguye\u0302\u0303n',
      names: [{ script: 'Latn', given: ['Thi\u0323'] }],
    });

    expect(result.ok && result.value.to).toBe('Nguyễn');
    expect(result.ok && result.value.names[0]?.given).toEqual(['Thị']);
  });
});

describe(nfc.name, () => {
  it('composes strings and the strings of arrays, and leaves anything else alone', () => {
    expect(nfc('e\u0301')).toBe('\u00e9');
    expect(nfc(['e\u0301', 3])).toEqual(['\u00e9', 3]);
    expect(nfc(7)).toBe(7);
    expect(nfc(null)).toBeNull();
  });
});
