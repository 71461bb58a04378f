import { IsText } from './field-rules';
import { LIMITS } from './limits';

/** An offence a suspect is alleged to have committed. */
export class OffenceDto {
  /** The sending country's code of the offence (law and article), e.g. `LA-PC-215`. */
  @IsText(LIMITS.code)
  code!: string;

  /** What the offence is, in words. */
  @IsText(LIMITS.shortText)
  description!: string;
}
