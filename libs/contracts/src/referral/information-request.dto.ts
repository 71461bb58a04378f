import { IsText } from './field-rules';
import { LIMITS } from './limits';

/** The request section of an `INFORMATION_REQUEST` referral. */
export class InformationRequestDto {
  /** What the sender asks, e.g. to verify the person's nationality or check a record. */
  @IsText(LIMITS.text)
  question!: string;
}
