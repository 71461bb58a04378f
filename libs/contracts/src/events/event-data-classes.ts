import type { ClassConstructor } from 'class-transformer';
import { validatePayload, type PayloadValidation } from '../validation';
import { SubmittedReferralData } from '../referral/submitted-referral-data.dto';
import { ReferralAcceptedData } from './accept.dto';
import { ReferralAcknowledgedData } from './acknowledge.dto';
import { AuditCheckpointData } from './audit-checkpoint.dto';
import { AuditCosignedData, AuditForkDetectedData } from './audit-witness.dto';
import { ReferralCompletedData } from './complete.dto';
import { ReferralConsentRestoredData, ReferralConsentWithdrawnData } from './consent-change.dto';
import { EventRejectedData } from './event-rejected.dto';
import { EVENT_TYPES, type EventType } from './event-types';
import { MessagePostedData } from './message-posted.dto';
import { ReferralInfoProvidedData } from './provide-info.dto';
import { ReceiptData } from './receipt.dto';
import { ReferralOverdueData } from './referral-overdue.dto';
import { ReferralRejectedData } from './reject.dto';
import { ReferralInfoRequestedData } from './request-info.dto';
import { ReferralHandoverScheduledData } from './schedule-handover.dto';
import { ReferralWithdrawnData } from './withdraw.dto';

const DATA_CLASSES = {
  [EVENT_TYPES.referralSubmitted]: SubmittedReferralData,
  [EVENT_TYPES.referralAcknowledged]: ReferralAcknowledgedData,
  [EVENT_TYPES.referralInfoRequested]: ReferralInfoRequestedData,
  [EVENT_TYPES.referralInfoProvided]: ReferralInfoProvidedData,
  [EVENT_TYPES.referralAccepted]: ReferralAcceptedData,
  [EVENT_TYPES.referralRejected]: ReferralRejectedData,
  [EVENT_TYPES.referralHandoverScheduled]: ReferralHandoverScheduledData,
  [EVENT_TYPES.referralCompleted]: ReferralCompletedData,
  [EVENT_TYPES.referralWithdrawn]: ReferralWithdrawnData,
  [EVENT_TYPES.referralConsentWithdrawn]: ReferralConsentWithdrawnData,
  [EVENT_TYPES.referralConsentRestored]: ReferralConsentRestoredData,
  [EVENT_TYPES.messagePosted]: MessagePostedData,
  [EVENT_TYPES.referralOverdue]: ReferralOverdueData,
  [EVENT_TYPES.receipt]: ReceiptData,
  [EVENT_TYPES.eventRejected]: EventRejectedData,
  [EVENT_TYPES.auditCheckpoint]: AuditCheckpointData,
  [EVENT_TYPES.auditCosigned]: AuditCosignedData,
  [EVENT_TYPES.auditForkDetected]: AuditForkDetectedData,
} as const satisfies { [K in EventType]: ClassConstructor<object> };

/** The `data` of event type `K`, e.g. `EventDataOf<'mrh.receipt.v1'>` is `ReceiptData`. */
export type EventDataOf<K extends EventType> = InstanceType<(typeof DATA_CLASSES)[K]>;

/**
 * The class of each event type's `data`, indexable with any `EventType`:
 * `validatePayload(EVENT_DATA_CLASSES[type], event.data)`. {@link validateEventData} does the same
 * with the precise result type.
 */
export const EVENT_DATA_CLASSES: { readonly [K in EventType]: ClassConstructor<object> } =
  DATA_CLASSES;

/**
 * Validates an event's `data` against the class of its `type`, with the rules of
 * `validatePayload` (unknown fields refused, text NFC-normalised).
 */
export function validateEventData<K extends EventType>(
  type: K,
  data: unknown,
): PayloadValidation<EventDataOf<K>> {
  return validatePayload(DATA_CLASSES[type] as ClassConstructor<EventDataOf<K>>, data);
}
