import { IsDateTime, IsPartyCode, IsUuid } from './field-rules';
import { ReferralContent } from './referral-content.dto';

/**
 * The `data` of `mrh.referral.submitted.v1`: the full referral content as the sender submitted
 * it, plus who sent it, its id in the hub and when it was submitted.
 */
export class SubmittedReferralData extends ReferralContent {
  /** The referral's id in the hub (also the event's `subject` and the Kafka record key). */
  @IsUuid()
  referralId!: string;

  /** Party code of the sending party, e.g. `LA-BOKEO-POLICE`. */
  @IsPartyCode()
  from!: string;

  /** When the referral was submitted, RFC 3339 with an offset. */
  @IsDateTime()
  submittedAt!: string;
}
