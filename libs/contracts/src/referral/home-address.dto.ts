import { IsCountryCode, IsText, OptionalField } from './field-rules';
import { LIMITS } from './limits';

/** The address a victim is to return to, as precise as it is known. */
export class HomeAddressDto {
  /** ISO 3166-1 alpha-2 code of the home country. */
  @IsCountryCode()
  country!: string;

  /** Province (or equivalent), as written. */
  @OptionalField()
  @IsText(LIMITS.name)
  province?: string;

  /** District (or equivalent), as written. */
  @OptionalField()
  @IsText(LIMITS.name)
  district?: string;

  /** Village, commune or street address, as written. */
  @OptionalField()
  @IsText(LIMITS.name)
  village?: string;
}
