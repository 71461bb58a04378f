import {
  CLOUDEVENTS_CONTENT_TYPE,
  CLOUDEVENTS_SPEC_VERSION,
  HUB_SOURCE,
} from '../cloudevents/cloud-event';
import { PARTY_CODE_PATTERN } from '../party-code';
import { RFC_3339_DATE_TIME_PATTERN, UUID_PATTERN } from './class-schema';
import type { JsonSchema } from './json-schema';

/*
 * The CloudEvent envelope has no class (it is an interface, `CloudEvent<Data>`), so its schema is
 * written here from the contract's constants. Unknown attributes are allowed: consumers ignore
 * them (contract v1), so the envelope never has `additionalProperties: false`.
 */

/** Component name of the envelope schema. */
export const CLOUD_EVENT_SCHEMA = 'CloudEvent';

/** The party-code expression without its anchors, to embed in longer patterns. */
const PARTY_CODE = PARTY_CODE_PATTERN.source.replace(/^\^/, '').replace(/\$$/, '');

/** `source` of an event a party acted: `/parties/<party code>`. */
export const PARTY_SOURCE_PATTERN = `^/parties/${PARTY_CODE}$`;

/** Detached compact JWS (RFC 7515 appendix F): `header..signature`, both base64url. */
export const DETACHED_JWS_PATTERN = '^[A-Za-z0-9_-]+\\.\\.[A-Za-z0-9_-]+$';

/** The schema of a CloudEvent of the contract, whatever its type. */
export function cloudEventSchema(): JsonSchema {
  return {
    title: CLOUD_EVENT_SCHEMA,
    description:
      'A CloudEvents 1.0 event in structured JSON mode with the hub extension attributes ' +
      '(contract v1, "Envelope"). Consumers ignore attributes they do not know.',
    type: 'object',
    properties: {
      specversion: { type: 'string', const: CLOUDEVENTS_SPEC_VERSION },
      id: {
        description:
          'Unique per event (a UUID). `source` + `id` identifies an event: the hub applies and ' +
          'answers a repeated event once, and refuses the same `source` + `id` with other ' +
          'content (`duplicate-event-id`).',
        type: 'string',
        format: 'uuid',
        pattern: UUID_PATTERN,
      },
      source: {
        description: `\`/parties/<party code>\` of the acting party; \`${HUB_SOURCE}\` for the hub's own notices.`,
        type: 'string',
        pattern: `^(/parties/${PARTY_CODE}|${HUB_SOURCE})$`,
      },
      type: {
        description: '`mrh.<noun>.<verb>.v<major>`, e.g. `mrh.referral.submitted.v1`.',
        type: 'string',
        pattern: '^mrh\\.[a-z]+(\\.[a-z-]+)?\\.v[0-9]+$',
      },
      subject: {
        description:
          'The referral id, on every event about a referral (equal to `data.referralId`).',
        type: 'string',
        format: 'uuid',
        pattern: UUID_PATTERN,
      },
      time: {
        description: 'When the event happened, RFC 3339 with an offset.',
        type: 'string',
        format: 'date-time',
        pattern: RFC_3339_DATE_TIME_PATTERN,
      },
      datacontenttype: { type: 'string', const: 'application/json' },
      recipient: {
        description: 'Party code of the party the event is addressed to.',
        type: 'string',
        pattern: PARTY_CODE_PATTERN.source,
      },
      referralseq: {
        description:
          "On hub events: the number of the referral's change this event tells of. From its " +
          'submission on, every change to a referral (a lifecycle step or a case message, ' +
          'whoever made it) takes the next number: 1 for the submission, then 2, 3 … (drafts ' +
          'are unnumbered). The business event sent to the counterpart, or the receipt sent to ' +
          'the partner that made the change, carries it, so a partner system sees each number ' +
          'of its referrals once, in order, with no gaps. On partner events: the last number ' +
          'the partner had seen, so the hub can detect a decision taken on stale state ' +
          '(required on events about an existing referral).',
        type: 'integer',
        minimum: 0,
      },
      causationid: {
        description: 'Id of the event this one answers, where there is one.',
        type: 'string',
        maxLength: 200,
      },
      jws: {
        description:
          "The sender's signature: a detached compact JWS (RFC 7515 appendix F, " +
          '`header..signature`), `alg` `EdDSA` (Ed25519), `kid` naming the key in the party ' +
          'registry, over the RFC 8785 (JCS) canonical JSON of the event without `jws`. The hub ' +
          'signs everything it emits and refuses inbound events whose signature is missing or ' +
          'wrong for a party that has a registered key.',
        type: 'string',
        pattern: DETACHED_JWS_PATTERN,
        maxLength: 4096,
      },
      data: { description: 'The event data; its schema depends on `type`.', type: 'object' },
    },
    required: ['specversion', 'id', 'source', 'type', 'time', 'data'],
  };
}

/**
 * The Kafka headers of a structured-mode event: `content-type`, and `ce_id`, `ce_type`,
 * `ce_source` copied from the event for routing tools; `type` fixes `ce_type` when given.
 */
export function cloudEventHeadersSchema(type?: string): JsonSchema {
  return {
    type: 'object',
    properties: {
      'content-type': { type: 'string', const: CLOUDEVENTS_CONTENT_TYPE },
      ce_id: { description: 'Copy of the event `id`.', type: 'string' },
      ce_type: {
        description: 'Copy of the event `type`.',
        type: 'string',
        ...(type !== undefined && { const: type }),
      },
      ce_source: { description: 'Copy of the event `source`.', type: 'string' },
    },
    required: ['content-type', 'ce_id', 'ce_type', 'ce_source'],
  };
}
