import { IsCode, IsUuid } from '../referral/field-rules';
import { RECEIPT_STATUSES, type ReceiptStatus } from './event-codes';

/**
 * The `data` of `mrh.receipt.v1`: the hub applied a partner's event (`APPLIED`), or a partner
 * received a hub event (`DELIVERED`). Receipts are never answered.
 */
export class ReceiptData {
  /** CloudEvents `id` of the event this receipt is for. */
  @IsUuid()
  eventId!: string;

  /** What is confirmed, one of {@link RECEIPT_STATUSES}. */
  @IsCode(RECEIPT_STATUSES)
  status!: ReceiptStatus;
}
