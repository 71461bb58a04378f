import { ArrayMaxSize, IsArray, IsInt, Max, Min, ValidateBy, ValidateIf } from 'class-validator';
import { SEX_CODES, type SexCode } from './code-lists';
import {
  EmptyListWhenAbsent,
  IsCode,
  IsCountryCode,
  IsIsoDate,
  IsLanguageTag,
  IsPresent,
  IsTextList,
  NestedList,
  NullAsAbsent,
  OptionalField,
  whenPresent,
} from './field-rules';
import { IdentityDocumentDto } from './identity-document.dto';
import { LATIN_SCRIPT } from './iso-15924';
import { LIMITS } from './limits';
import { PersonNameDto } from './person-name.dto';

/** Highest accepted `estimatedAge`. */
export const MAX_ESTIMATED_AGE = 120;

/**
 * The person a referral is about: the (presumed) victim, the suspect, or the subject of an
 * information request. At least one name must be in Latin script, and the age must be given by a
 * birth date or an estimate.
 */
export class PersonDto {
  /**
   * The person's names, each in one script (e.g. Lao and Latin). At least one is in Latin script
   * (`Latn`), so that every officer on either side can read it.
   */
  @NestedList(() => PersonNameDto, { min: 1, max: 10 })
  @ValidateBy(
    {
      name: 'hasLatinName',
      validator: {
        validate: (names: unknown) =>
          Array.isArray(names) &&
          names.some(
            (name: unknown) => name instanceof PersonNameDto && name.script === LATIN_SCRIPT,
          ),
        defaultMessage: () => '$property must include a name in Latin script (Latn)',
      },
    },
    { validateIf: (_person: unknown, names: unknown) => Array.isArray(names) && names.length > 0 },
  )
  names!: PersonNameDto[];

  /** Other names the person is known by (nicknames, false names), as written; may be empty. */
  @EmptyListWhenAbsent()
  @IsTextList(20, LIMITS.name)
  aliases: string[] = [];

  /** `F` female, `M` male, `X` another sex, `U` unknown. */
  @IsCode(SEX_CODES)
  sex!: SexCode;

  /**
   * Date of birth, `YYYY-MM-DD`, not in the future. Required unless `estimatedAge` is given.
   */
  @NullAsAbsent()
  @ValidateIf(
    (person: PersonDto) => person.birthDate !== undefined || person.estimatedAge === undefined,
  )
  @IsPresent('$property is required unless estimatedAge is given')
  @IsIsoDate({ notInFuture: true }, whenPresent)
  birthDate?: string;

  /** Age in whole years (0–120) as estimated by the officer, when the birth date is not known. */
  @OptionalField()
  @IsInt()
  @Min(0, { validateIf: (_person: unknown, age: unknown) => typeof age === 'number' })
  @Max(MAX_ESTIMATED_AGE, {
    validateIf: (_person: unknown, age: unknown) => typeof age === 'number',
  })
  estimatedAge?: number;

  /**
   * ISO 3166-1 alpha-2 code of the person's (presumed) nationality; omitted when it is not known,
   * e.g. when establishing it is the point of the referral.
   */
  @OptionalField()
  @IsCountryCode()
  nationality?: string;

  /** Identity and travel documents the person holds or held; may be empty. */
  @EmptyListWhenAbsent()
  @NestedList(() => IdentityDocumentDto, { max: 10 })
  documents: IdentityDocumentDto[] = [];

  /** Languages the person speaks, as BCP 47 tags (e.g. `lo`, `vi`, `zh`); may be empty. */
  @EmptyListWhenAbsent()
  @IsArray()
  @ArrayMaxSize(10, { validateIf: (_person: unknown, tags: unknown) => Array.isArray(tags) })
  @IsLanguageTag({
    each: true,
    validateIf: (_person: unknown, tags: unknown) => Array.isArray(tags),
  })
  languages: string[] = [];
}
