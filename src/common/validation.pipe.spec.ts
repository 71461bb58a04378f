import { Type } from 'class-transformer';
import { IsString, MinLength, ValidateNested } from 'class-validator';
import { createValidationPipe } from './validation.pipe';
import { CommonError } from './problem/common.error';

class NameDto {
  @IsString()
  script!: string;

  @IsString()
  @MinLength(1)
  given!: string;
}

class PersonDto {
  @ValidateNested({ each: true })
  @Type(() => NameDto)
  names!: NameDto[];
}

class BodyDto {
  @IsString()
  to!: string;

  @ValidateNested()
  @Type(() => PersonDto)
  person!: PersonDto;
}

describe(createValidationPipe.name, () => {
  const pipe = createValidationPipe();
  const validate = (value: unknown): Promise<unknown> =>
    pipe.transform(value, { type: 'body', metatype: BodyDto });

  it('reports every offending field with its path', async () => {
    const error = await validate({
      to: 5,
      person: { names: [{ script: 'Latn', given: '' }, { given: 'x' }] },
    }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(CommonError);
    expect((error as CommonError).errors?.map((e) => e.path)).toEqual([
      'to',
      'person.names[0].given',
      'person.names[1].script',
    ]);
  });

  it('refuses fields it does not know, naming them', async () => {
    const error = (await validate({ to: 'x', person: { names: [] }, admin: true }).catch(
      (e: unknown) => e,
    )) as CommonError;

    expect(error.code).toBe('validation-failed');
    expect(error.errors).toEqual([{ path: 'admin', message: 'is not an accepted field' }]);
  });

  it('passes a valid body through as an instance of the DTO', async () => {
    const value = await validate({
      to: 'VN-MPS',
      person: { names: [{ script: 'Latn', given: 'Hoa' }] },
    });

    expect(value).toBeInstanceOf(BodyDto);
  });
});
