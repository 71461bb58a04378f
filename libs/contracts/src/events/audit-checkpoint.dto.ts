import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';
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

  /**
   * The newest earlier checkpoint that witnesses cosigned, with the hub's signature line and the
   * cosignature lines the hub verified (C2SP `cosignature/v1`), so each witness sees what the
   * others attested. Absent until the first cosignature.
   */
  @IsOptional()
  @IsString()
  @MaxLength(LIMITS.checkpointNote, whenText)
  cosigned?: string;
}
