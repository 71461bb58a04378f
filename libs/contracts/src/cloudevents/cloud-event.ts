/** Media type of a structured-mode CloudEvent (the record value), per the Kafka binding. */
export const CLOUDEVENTS_CONTENT_TYPE = 'application/cloudevents+json';

/** The one `specversion` the hub speaks. */
export const CLOUDEVENTS_SPEC_VERSION = '1.0';

/** CloudEvents `source` of the hub's own notices (receipts, rejections, overdue, checkpoints). */
export const HUB_SOURCE = '/hub';

/**
 * One event as it travels on Kafka: a CloudEvent 1.0 in structured JSON mode with the hub's
 * extension attributes (contract v1, "Envelope"). Produced by the hub and by partner systems.
 */
export interface CloudEvent<Data = unknown> {
  specversion: '1.0';
  /** UUID, unique per event; `source` + `id` identifies an event for de-duplication. */
  id: string;
  /** `/parties/<party code>` of the acting party, or {@link HUB_SOURCE} for hub notices. */
  source: string;
  /** `mrh.<noun>.<verb>.v<major>`. */
  type: string;
  /** The referral id, for every event about a referral. */
  subject?: string;
  /** RFC 3339 time the event happened. */
  time: string;
  datacontenttype: 'application/json';
  /** Party code the event is addressed to. */
  recipient?: string;
  /**
   * On hub events: the referral's change number this event tells of (1 = submission, contiguous).
   * On partner events: the last number the partner had seen.
   */
  referralseq?: number;
  /** Id of the event this one answers. */
  causationid?: string;
  /** Detached compact JWS (`header..signature`) over the RFC 8785 form of the event without it. */
  jws?: string;
  data: Data;
}

/** Kafka headers that copy routing attributes of a structured event (contract v1). */
export function cloudEventHeaders(event: CloudEvent): Record<string, string> {
  return {
    'content-type': CLOUDEVENTS_CONTENT_TYPE,
    ce_id: event.id,
    ce_type: event.type,
    ce_source: event.source,
  };
}
