import { IsCountryCode, IsText, OptionalField } from './field-rules';
import { LIMITS } from './limits';

/** A place in a country, e.g. where a victim was exploited. */
export class LocationDto {
  /** ISO 3166-1 alpha-2 code of the country. */
  @IsCountryCode()
  country!: string;

  /** The place within the country (town, district, province, premises), as written. */
  @OptionalField()
  @IsText(LIMITS.name)
  place?: string;
}
