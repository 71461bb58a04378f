import { IsInt, IsMimeType, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { IsText, whenText } from '../referral/field-rules';
import { LIMITS } from '../referral/limits';

const whenNumber = { validateIf: (_o: unknown, value: unknown) => typeof value === 'number' };

/**
 * A file attached to a case message, described (not carried): the bytes travel separately and
 * the receiver checks them against `size` and `sha256`.
 */
export class AttachmentDto {
  /** The file name as the author gave it (NFC), e.g. `statement-2026-11-18.pdf`. */
  @IsText(LIMITS.name)
  name!: string;

  /** The file's media type, e.g. `application/pdf`, `image/jpeg`. */
  @IsString()
  @MaxLength(LIMITS.name, whenText)
  @IsMimeType(whenText)
  mediaType!: string;

  /** Size in bytes. */
  @IsInt()
  @Min(0, whenNumber)
  @Max(Number.MAX_SAFE_INTEGER, whenNumber)
  size!: number;

  /** SHA-256 of the file's bytes, 64 lower-case hexadecimal digits. */
  @Matches(/^[0-9a-f]{64}$/, { message: '$property must be 64 lower-case hexadecimal digits' })
  sha256!: string;
}
