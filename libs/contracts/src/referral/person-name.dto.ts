import { IsIn } from 'class-validator';
import { IsText, OptionalField } from './field-rules';
import { ISO_15924_SCRIPT_CODES, type ScriptCode } from './iso-15924';
import { LIMITS } from './limits';

/**
 * A person's name as written in one script. Names are stored and sent exactly as given (after
 * Unicode NFC), never transliterated: a person written in Lao and in Latin letters carries two
 * names.
 */
export class PersonNameDto {
  /** ISO 15924 code of the script the name is written in, e.g. `Latn`, `Laoo`, `Thai`, `Hani`. */
  @IsIn([...ISO_15924_SCRIPT_CODES], {
    message: '$property must be an ISO 15924 script code such as Latn, Laoo, Thai, Khmr or Hani',
  })
  script!: ScriptCode;

  /** Given name(s), in that script; for a person with a single name, that name. */
  @IsText(LIMITS.name)
  given!: string;

  /**
   * Family name, in that script; omitted for a person who has none (a single name goes in
   * `given`).
   */
  @OptionalField()
  @IsText(LIMITS.name)
  family?: string;
}
