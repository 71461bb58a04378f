import type { ClassConstructor } from 'class-transformer';
import { RestoreConsentBody, WithdrawConsentBody } from './consent-change.dto';
import { CONSENT_ROUTES, type ConsentAction } from './event-codes';
import { EVENT_TYPES, type EventType } from './event-types';

/** What one consent change is on the wire: its event, HTTP route and body class. */
export interface ConsentActionSpec {
  /** The event the change produces. */
  readonly eventType: EventType;
  /** The last segment of `POST /v1/referrals/{id}/consent/{route}`. */
  readonly route: string;
  readonly body: ClassConstructor<object>;
}

/**
 * The changes of a victim's consent to share data, by name. Which state allows which, and who
 * may make them, is the hub's consent rule, not part of this table.
 */
export const CONSENT_ACTIONS: { readonly [A in ConsentAction]: ConsentActionSpec } = {
  'withdraw-consent': {
    eventType: EVENT_TYPES.referralConsentWithdrawn,
    route: CONSENT_ROUTES['withdraw-consent'],
    body: WithdrawConsentBody,
  },
  'restore-consent': {
    eventType: EVENT_TYPES.referralConsentRestored,
    route: CONSENT_ROUTES['restore-consent'],
    body: RestoreConsentBody,
  },
};
