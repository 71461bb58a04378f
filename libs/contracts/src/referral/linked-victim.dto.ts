import { ValidateIf } from 'class-validator';
import { IsPresent, IsText, IsUuid, NullAsAbsent, OptionalField, whenPresent } from './field-rules';
import { LIMITS } from './limits';

/**
 * A victim linked to a suspect, identified without repeating their personal data (which would
 * spread a victim's identity beyond the referral that needs it): by the hub referral about them,
 * or by the sender's case reference when there is no such referral.
 */
export class LinkedVictimDto {
  /** Id of a referral in the hub about this victim. Required unless `reference` is given. */
  @NullAsAbsent()
  @ValidateIf(
    (victim: LinkedVictimDto) => victim.referralId !== undefined || victim.reference === undefined,
  )
  @IsPresent('$property is required unless reference is given')
  @IsUuid(whenPresent)
  referralId?: string;

  /** The sender's case reference for this victim (national case number). */
  @OptionalField()
  @IsText(LIMITS.reference)
  reference?: string;
}
