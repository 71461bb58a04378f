import { RECRUITMENT_METHODS, type RecruitmentMethod } from './code-lists';
import { IsCode, IsCountryCode, IsIsoDate, IsText, OptionalField } from './field-rules';
import { LIMITS } from './limits';

/** How, where and when a victim was recruited, as far as it is known. */
export class RecruitmentDto {
  /** How the victim was recruited, one of {@link RECRUITMENT_METHODS}. */
  @IsCode(RECRUITMENT_METHODS)
  method!: RecruitmentMethod;

  /** ISO 3166-1 alpha-2 code of the country where the recruitment took place. */
  @OptionalField()
  @IsCountryCode()
  country?: string;

  /** Place of recruitment (village, district, province, city), as written by the officer. */
  @OptionalField()
  @IsText(LIMITS.name)
  place?: string;

  /** Date of recruitment, `YYYY-MM-DD` (an approximate date is acceptable). */
  @OptionalField()
  @IsIsoDate()
  date?: string;
}
