import { IsText, OptionalField } from './field-rules';
import { LIMITS } from './limits';

/** The parent or legal guardian of a victim under 18, whom the receiving side must involve. */
export class GuardianDto {
  /** The guardian's full name, as written (NFC). */
  @IsText(LIMITS.name)
  name!: string;

  /** Relationship to the victim, e.g. `mother`, `uncle`, `appointed guardian`. */
  @IsText(LIMITS.reference)
  relationship!: string;

  /** How to reach the guardian (telephone, address), when known. */
  @OptionalField()
  @IsText(LIMITS.shortText)
  contact?: string;
}
