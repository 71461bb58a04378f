import { IsString, Matches, MaxLength } from 'class-validator';
import { whenText } from '../referral/field-rules';
import { LIMITS } from '../referral/limits';

/**
 * The `data` of `mrh.audit.checkpoint.v1`: a signed checkpoint of the hub's audit log, so that
 * partners hold evidence of the history and can later prove it was not rewritten.
 */
export class AuditCheckpointData {
  /**
   * The signed checkpoint note, as text. Kept byte for byte (no Unicode normalisation): the
   * signature is over these exact bytes.
   */
  @IsString()
  @MaxLength(LIMITS.checkpointNote, whenText)
  @Matches(/\S/u, { message: '$property must not be blank', ...whenText })
  checkpoint!: string;
}
