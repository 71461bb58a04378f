import {
  EmptyListWhenAbsent,
  IsCheckpointCode,
  IsDateTime,
  IsUuid,
  NestedList,
} from '../referral/field-rules';
import { EscortDto } from './escort.dto';

/**
 * Body of `POST /v1/referrals/{id}/schedule-handover`: either side sets (or moves) the time and
 * place of the hand-over.
 */
export class HandoverScheduledBody {
  /** Code of the border checkpoint where the hand-over takes place, e.g. `LA-VN-DENSAVANH`. */
  @IsCheckpointCode()
  checkpoint!: string;

  /** When the hand-over takes place, RFC 3339 with an offset (the checkpoint's local time). */
  @IsDateTime()
  scheduledAt!: string;

  /** Who escorts the person to the hand-over; may be empty. */
  @EmptyListWhenAbsent()
  @NestedList(() => EscortDto, { max: 20 })
  escorts: EscortDto[] = [];
}

/** The `data` of `mrh.referral.handover-scheduled.v1`. */
export class ReferralHandoverScheduledData extends HandoverScheduledBody {
  /** The referral whose hand-over is scheduled (also the event's `subject`). */
  @IsUuid()
  referralId!: string;
}
