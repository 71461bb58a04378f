import type { KeyObject } from 'node:crypto';
import { plainToInstance } from 'class-transformer';
import {
  Equals,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  Min,
  validateSync,
} from 'class-validator';
import {
  CLOUDEVENTS_CONTENT_TYPE,
  EVENT_DATA_CLASSES,
  PARTY_CODE_PATTERN,
  canonicalDigest,
  countryOfParty,
  flattenValidationErrors,
  isEventType,
  isUuid,
  UUID_TEXT,
  validatePayload,
  verifyEventSignature,
  type CloudEvent,
  type EventType,
} from '@hub/contracts';
import { parseStrictJson, StrictJsonError } from '../common/json/strict-json';
import { InboundRefusal } from './inbound-error';

const PARTY_SOURCE = /^\/parties\/([A-Z]{2}(?:-[A-Z0-9]+)+)$/;
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/;

/** The CloudEvents attributes the hub reads; unknown attributes are ignored (contract v1). */
class InboundEnvelope {
  @Equals('1.0')
  specversion!: string;

  @Matches(UUID_TEXT, { message: 'must be a UUID' })
  id!: string;

  @Matches(PARTY_SOURCE, { message: 'must be /parties/<party code>' })
  source!: string;

  @IsString()
  @MaxLength(100)
  type!: string;

  @IsOptional()
  @Matches(UUID_TEXT, { message: 'must be the referral id (a UUID)' })
  subject?: string;

  @Matches(RFC3339, { message: 'must be an RFC 3339 date-time' })
  time!: string;

  @IsOptional()
  @Equals('application/json')
  datacontenttype?: string;

  @IsOptional()
  @Matches(PARTY_CODE_PATTERN, { message: 'must be a party code' })
  recipient?: string;

  @IsOptional()
  @IsInt()
  @Min(0)
  referralseq?: number;

  @IsOptional()
  @IsString()
  @MaxLength(200)
  causationid?: string;

  @IsOptional()
  @IsString()
  @MaxLength(4096)
  jws?: string;

  @IsObject()
  data!: Record<string, unknown>;
}

/** A partner event that passed every envelope and schema check. */
export interface InboundEvent {
  event: CloudEvent<Record<string, unknown>>;
  type: EventType;
  /** Party code from `source`, known to belong to the topic's country. */
  party: string;
  /** SHA-256 of the event's canonical JSON: the same id with another digest is an alarm. */
  digest: Buffer;
}

/** What could be read of a refused record, to address the rejection. */
export interface RecordIdentity {
  eventId?: string;
  /** `source` as sent, when it names a party (of any country): with `eventId`, the inbox key. */
  source?: string;
  /** The source party, only when it belongs to the topic's country. */
  party?: string;
  subject?: string;
  /** Digest of the event as parsed (see {@link digestOf}); absent when it is no JSON object. */
  digest?: Buffer;
}

/** Raised for records the hub cannot use; carries what could be read of them. */
export class UnusableRecord extends InboundRefusal {
  constructor(
    refusal: InboundRefusal,
    readonly identity: RecordIdentity,
  ) {
    super(refusal.code, refusal.detail, refusal.errors);
  }
}

/**
 * Turns a record of `referral-hub.from.<country>` into a validated event, or throws
 * {@link UnusableRecord} saying exactly why not: content type, UTF-8, strict JSON (duplicated or
 * prototype-polluting keys, excessive nesting refused), CloudEvents envelope, known type, a source party of `country`, and the type's
 * data schema. Unknown attributes and data fields are ignored, as the contract asks.
 */
export function parseInboundRecord(
  value: Buffer | null,
  headers: Record<string, string | undefined>,
  country: string,
  signingKeys?: ReadonlyMap<string, KeyObject>,
): InboundEvent {
  const contentType = headers['content-type']?.split(';')[0]?.trim().toLowerCase();
  if (contentType !== CLOUDEVENTS_CONTENT_TYPE) {
    throw unusable(
      'unsupported-content-type',
      `content-type must be ${CLOUDEVENTS_CONTENT_TYPE} (structured mode), not ${contentType ?? 'absent'}`,
      {},
    );
  }
  const json = parseJson(value);
  const identity = identityOf(json, country);
  const envelope = plainToInstance(InboundEnvelope, json);
  const envelopeErrors = validateSync(envelope, {
    validationError: { target: false, value: false },
  });
  if (envelopeErrors.length > 0) {
    throw unusable(
      'invalid-envelope',
      'The CloudEvents envelope is not valid.',
      identity,
      flattenValidationErrors(envelopeErrors),
    );
  }
  const party = PARTY_SOURCE.exec(envelope.source)?.[1] ?? '';
  if (countryOfParty(party) !== country) {
    throw unusable(
      'foreign-source',
      `Events on this topic may only come from parties of ${country}, not ${party}.`,
      identity,
    );
  }
  if (signingKeys !== undefined) {
    // Checked on the event exactly as received, before any normalisation of its data.
    const signature = verifyEventSignature(json, signingKeys);
    if (!signature.ok) {
      throw unusable(
        'bad-signature',
        `The event's signature is refused: ${signature.reason}.`,
        identity,
      );
    }
  }
  if (!isEventType(envelope.type)) {
    throw unusable('unknown-type', `Unknown event type ${envelope.type}.`, identity);
  }
  const data = validatePayload(EVENT_DATA_CLASSES[envelope.type], envelope.data, {
    unknownFields: 'ignore',
  });
  if (!data.ok) {
    throw unusable(
      'invalid-data',
      `The data is not a valid ${envelope.type}.`,
      identity,
      data.errors.map((e) => ({ path: e.path ? `data.${e.path}` : 'data', message: e.message })),
    );
  }
  // The digest (and, later, the signature) covers the event as sent; what the hub applies is the
  // validated data: unknown fields dropped, text in Unicode NFC.
  const event = {
    ...(json as unknown as CloudEvent<Record<string, unknown>>),
    data: JSON.parse(JSON.stringify(data.value)) as Record<string, unknown>,
  };
  return { event, type: envelope.type, party, digest: digestOf(json) };
}

function parseJson(value: Buffer | null): Record<string, unknown> {
  if (value === null || value.length === 0) {
    throw unusable('malformed-event', 'The record has no value.', {});
  }
  let parsed: unknown;
  try {
    // The same strict I-JSON as the HTTP API: a duplicated key would let the signature (computed
    // over what we parse) and the partner's own parser see different events.
    parsed = parseStrictJson(value, { what: 'The record value' });
  } catch (error) {
    if (!(error instanceof StrictJsonError)) throw error;
    throw unusable('malformed-event', error.detail, {});
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw unusable('malformed-event', 'The record value is not a JSON object.', {});
  }
  return parsed as Record<string, unknown>;
}

function identityOf(json: Record<string, unknown>, country: string): RecordIdentity {
  const identity: RecordIdentity = { digest: digestOf(json) };
  if (isUuid(json['id'])) identity.eventId = json['id'];
  const source = json['source'];
  const party = typeof source === 'string' ? PARTY_SOURCE.exec(source)?.[1] : undefined;
  if (party !== undefined) identity.source = source as string;
  if (party !== undefined && countryOfParty(party) === country) identity.party = party;
  if (isUuid(json['subject'])) {
    identity.subject = json['subject'];
  }
  return identity;
}

function unusable(
  code: InboundRefusal['code'],
  detail: string,
  identity: RecordIdentity,
  errors?: InboundRefusal['errors'],
): UnusableRecord {
  return new UnusableRecord(new InboundRefusal(code, detail, errors), identity);
}

/** Digest of the event without its signature: stable across re-serialisations. */
export function digestOf(event: object): Buffer {
  const { jws: _jws, ...rest } = event as Record<string, unknown>;
  return canonicalDigest(rest);
}
