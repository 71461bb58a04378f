import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, ValidateIf } from 'class-validator';
import {
  EXPLOITATION_TYPES,
  VICTIM_NEEDS,
  type ExploitationType,
  type VictimNeed,
} from './code-lists';
import { ConsentDto } from './consent.dto';
import {
  EmptyListWhenAbsent,
  IsCode,
  IsPresent,
  NestedObject,
  NullAsAbsent,
  OptionalField,
  whenPresent,
} from './field-rules';
import { GuardianDto } from './guardian.dto';
import { LocationDto } from './location.dto';
import { isMinor } from './person-age';
import { RecruitmentDto } from './recruitment.dto';
import { personOfVictim } from './victim-subject';

const isList = (_victim: unknown, value: unknown): boolean => Array.isArray(value);

/**
 * The victim section of a `VICTIM_REPATRIATION` referral: what happened to the person, what they
 * need, their consent and, for a child, their guardian.
 */
export class VictimDto {
  /** Forms of exploitation suffered, at least one, each one of {@link EXPLOITATION_TYPES}. */
  @IsArray()
  @ArrayMinSize(1, { validateIf: isList })
  @ArrayMaxSize(EXPLOITATION_TYPES.length, { validateIf: isList })
  @ArrayUnique(undefined, { validateIf: isList })
  @IsCode(EXPLOITATION_TYPES, { each: true, validateIf: isList })
  exploitation!: ExploitationType[];

  /** How, where and when the victim was recruited, when known. */
  @OptionalField()
  @NestedObject(() => RecruitmentDto)
  recruitment?: RecruitmentDto;

  /** Where the victim was exploited, when known. */
  @OptionalField()
  @NestedObject(() => LocationDto)
  exploitationLocation?: LocationDto;

  /** Assistance the victim needs on return, each one of {@link VICTIM_NEEDS}; may be empty. */
  @EmptyListWhenAbsent()
  @IsArray()
  @ArrayMaxSize(VICTIM_NEEDS.length, { validateIf: isList })
  @ArrayUnique(undefined, { validateIf: isList })
  @IsCode(VICTIM_NEEDS, { each: true, validateIf: isList })
  needs: VictimNeed[] = [];

  /** The victim's consent to data sharing and to return, as recorded. */
  @NestedObject(() => ConsentDto)
  consent!: ConsentDto;

  /**
   * The parent or legal guardian. Required when the person is under 18, by birth date or by
   * estimated age (see `isMinor`); optional otherwise. The rule applies to content turned into
   * classes with `plainToInstance` (as `validatePayload` and the HTTP layer do), which links this
   * section to the referral's person.
   */
  @NullAsAbsent()
  @ValidateIf((victim: VictimDto, guardian: unknown) => guardian !== undefined || isChild(victim))
  @IsPresent('$property is required when the person is under 18')
  @NestedObject(() => GuardianDto, whenPresent)
  guardian?: GuardianDto;
}

function isChild(victim: VictimDto): boolean {
  const person = personOfVictim(victim);
  return person !== undefined && isMinor(person);
}
