import { IsCheckpointCode, IsIsoDate, NestedObject, OptionalField } from './field-rules';
import { HomeAddressDto } from './home-address.dto';

/** The repatriation section of a `VICTIM_REPATRIATION` referral: where to and how. */
export class RepatriationDto {
  /** Where the victim is to return to. */
  @NestedObject(() => HomeAddressDto)
  homeAddress!: HomeAddressDto;

  /** Code of the border checkpoint proposed for the hand-over, e.g. `LA-VN-DENSAVANH`. */
  @IsCheckpointCode()
  proposedCheckpoint!: string;

  /** Proposed hand-over date, `YYYY-MM-DD`, when one is proposed already. */
  @OptionalField()
  @IsIsoDate()
  proposedDate?: string;
}
