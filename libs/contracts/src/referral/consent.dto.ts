import { IsBoolean } from 'class-validator';
import { IsDateTime } from './field-rules';

/**
 * The victim's informed consent as recorded by the sending officer. Refusals are valid content:
 * the hub, not this contract, refuses to submit a referral without consent to share data (unless
 * a supervisor records an override).
 */
export class ConsentDto {
  /** Whether the victim agreed that their data be shared with the receiving party. */
  @IsBoolean()
  dataSharing!: boolean;

  /** Whether the victim agreed to return to their home country. */
  @IsBoolean()
  return!: boolean;

  /** When the consent was recorded, RFC 3339 with an offset. */
  @IsDateTime()
  recordedAt!: string;
}
