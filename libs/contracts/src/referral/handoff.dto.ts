import { IsCheckpointCode, IsIsoDate, OptionalField } from './field-rules';

/** The hand-over section of a `SUSPECT_HANDOFF` referral: where and when to surrender. */
export class HandoffDto {
  /** Code of the border checkpoint proposed for the hand-over, e.g. `LA-CN-BOTEN`. */
  @IsCheckpointCode()
  checkpoint!: string;

  /** Proposed hand-over date, `YYYY-MM-DD`, when one is proposed already. */
  @OptionalField()
  @IsIsoDate()
  proposedDate?: string;
}
