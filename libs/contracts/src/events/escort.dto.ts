import { IsText } from '../referral/field-rules';
import { LIMITS } from '../referral/limits';

/** An officer or worker escorting the person at a hand-over. */
export class EscortDto {
  /** The escort's full name, as written (NFC). */
  @IsText(LIMITS.name)
  name!: string;

  /** The agency the escort works for (a party or not, e.g. a protection centre or an NGO). */
  @IsText(LIMITS.name)
  agency!: string;
}
