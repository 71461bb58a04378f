import type { ClassConstructor } from 'class-transformer';
import { RestoreConsentBody, WithdrawConsentBody } from './consent-change.dto';
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
export const CONSENT_ACTIONS = {
  'withdraw-consent': {
    eventType: EVENT_TYPES.referralConsentWithdrawn,
    route: 'withdrawal',
    body: WithdrawConsentBody,
  },
  'restore-consent': {
    eventType: EVENT_TYPES.referralConsentRestored,
    route: 'restoration',
    body: RestoreConsentBody,
  },
} as const satisfies Record<string, ConsentActionSpec>;

/** A consent change's name: `withdraw-consent` or `restore-consent`. */
export type ConsentAction = keyof typeof CONSENT_ACTIONS;

/** Every consent change's name. */
export const CONSENT_ACTION_NAMES = Object.keys(CONSENT_ACTIONS) as readonly ConsentAction[];
