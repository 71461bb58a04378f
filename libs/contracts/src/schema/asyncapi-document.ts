import { CLOUDEVENTS_CONTENT_TYPE, HUB_SOURCE } from '../cloudevents/cloud-event';
import { EVENT_DATA_CLASSES } from '../events/event-data-classes';
import { EVENT_TYPES, type EventType } from '../events/event-types';
import { fromTopic, deadLetterTopic, toTopic } from '../topics';
import { contractSchemas } from './class-schema';
import {
  CLOUD_EVENT_SCHEMA,
  cloudEventHeadersSchema,
  cloudEventSchema,
  PARTY_SOURCE_PATTERN,
} from './cloud-event-schema';
import { sortByKey, type JsonSchema, type JsonValue, type SchemaComponents } from './json-schema';

/*
 * The AsyncAPI 3.0 document of the hub's Kafka contract, built from the contract's classes and
 * constants. It describes the partner system's side: what a partner receives and sends. The
 * inputs that live outside this library (the partner countries of the party registry, the
 * hub's refusal codes) are passed in by `scripts/generate-asyncapi.ts`.
 */

/** The AsyncAPI version the document follows. */
export const ASYNCAPI_VERSION = '3.0.0';

/** Version of the Kafka bindings used in the document. */
const KAFKA_BINDING_VERSION = '0.5.0';

/** One code the hub refuses a partner event with (`mrh.event.rejected.v1` `code`). */
export interface InboundErrorCodeInfo {
  code: string;
  /** Whether the refused record is also copied to the dead-letter topic. */
  deadLettered: boolean;
}

/** An example of a message, as AsyncAPI writes it. */
export interface MessageExample {
  name: string;
  summary: string;
  headers: Record<string, string>;
  payload: Record<string, JsonValue>;
}

/** What the document needs from outside the contract library. */
export interface AsyncApiInputs {
  /** ISO 3166-1 alpha-2 codes of the partner countries (`partnerSystems` of the registry). */
  countries: readonly string[];
  /** The hub's refusal codes, in the order they are to be listed. */
  inboundErrorCodes: readonly InboundErrorCodeInfo[];
  /** `host:port` of the development broker. */
  developmentBroker?: string;
  /** Examples per event type. */
  examples?: Partial<Record<EventType, readonly MessageExample[]>>;
}

/** An AsyncAPI 3.0 message object, as this generator writes it. */
export interface AsyncApiMessage {
  name: string;
  title: string;
  summary: string;
  contentType?: string;
  headers: JsonSchema;
  payload: JsonSchema;
  correlationId?: { description: string; location: string };
  bindings: { kafka: { key: JsonSchema; bindingVersion: string } };
  examples?: readonly MessageExample[];
}

/** A `$ref` object of an AsyncAPI document. */
export interface AsyncApiReference {
  $ref: string;
}

/** An AsyncAPI 3.0 channel, as this generator writes it. */
export interface AsyncApiChannel {
  address: string;
  title: string;
  description: string;
  parameters: Record<string, AsyncApiReference>;
  messages: Record<string, AsyncApiReference>;
}

/** An AsyncAPI 3.0 operation, as this generator writes it. */
export interface AsyncApiOperation {
  action: 'send' | 'receive';
  channel: AsyncApiReference;
  title: string;
  summary: string;
  description?: string;
  messages: AsyncApiReference[];
  reply?: { channel: AsyncApiReference; messages: AsyncApiReference[] };
}

/** The AsyncAPI 3.0 document of the contract. */
export interface AsyncApiDocument {
  asyncapi: string;
  info: { title: string; version: string; description: string };
  defaultContentType: string;
  servers: Record<
    string,
    { host: string; protocol: string; description: string; security?: AsyncApiReference[] }
  >;
  channels: Record<string, AsyncApiChannel>;
  operations: Record<string, AsyncApiOperation>;
  components: {
    schemas: SchemaComponents;
    messages: Record<string, AsyncApiMessage>;
    parameters: Record<string, { description: string; enum: string[] }>;
    securitySchemes: Record<string, { type: string; description: string }>;
  };
}

/**
 * Who sends an event type, which decides its channels and its `source`: `party` events travel
 * both ways (a Lao party's through the hub), `partner` events only from a partner system.
 */
type Sender = 'party' | 'partner' | 'hub' | 'hub-or-party';

interface EventNotes {
  readonly title: string;
  readonly summary: string;
  readonly sender: Sender;
  /** What the record key is, when it is not simply the referral id. */
  readonly key?: string;
  /** Whether `causationid` names the event this one answers. */
  readonly answers?: true;
}

/** Titles and summaries of the event types; a new event type does not compile without its own. */
const EVENT_NOTES: { readonly [K in EventType]: EventNotes } = {
  [EVENT_TYPES.referralSubmitted]: {
    title: 'Referral submitted',
    summary: 'A referral was submitted; data: the full referral content.',
    sender: 'party',
  },
  [EVENT_TYPES.referralAcknowledged]: {
    title: 'Referral acknowledged',
    summary: 'The receiver acknowledged a referral.',
    sender: 'party',
  },
  [EVENT_TYPES.referralInfoRequested]: {
    title: 'Information requested',
    summary: 'The receiver asked the sender for more information.',
    sender: 'party',
  },
  [EVENT_TYPES.referralInfoProvided]: {
    title: 'Information provided',
    summary: 'The sender answered an information request.',
    sender: 'party',
  },
  [EVENT_TYPES.referralAccepted]: {
    title: 'Referral accepted',
    summary: 'The receiver accepted a referral.',
    sender: 'party',
  },
  [EVENT_TYPES.referralRejected]: {
    title: 'Referral rejected',
    summary: 'The receiver rejected a referral, with a coded reason.',
    sender: 'party',
  },
  [EVENT_TYPES.referralHandoverScheduled]: {
    title: 'Hand-over scheduled',
    summary: 'Either side scheduled (or rescheduled) the hand-over: checkpoint, time, escorts.',
    sender: 'party',
  },
  [EVENT_TYPES.referralCompleted]: {
    title: 'Referral completed',
    summary: 'The receiver completed a referral.',
    sender: 'party',
  },
  [EVENT_TYPES.referralWithdrawn]: {
    title: 'Referral withdrawn',
    summary: 'The sender withdrew a referral.',
    sender: 'party',
  },
  [EVENT_TYPES.referralConsentWithdrawn]: {
    title: 'Consent withdrawn',
    summary:
      'The victim (or the guardian of a minor) withdrew consent to share their data. The ' +
      'recipient restricts its copy of the person (kept for the record of the case, used for ' +
      'nothing else) and confirms with a `DELIVERED` receipt, the evidence that it was told. ' +
      'Until consent is restored, the hub refuses what would disclose more: submitting the ' +
      'referral, case messages with attachments, a new referral of the same person ' +
      '(`consent-withdrawn`). Victim repatriations only; either side may send it.',
    sender: 'party',
  },
  [EVENT_TYPES.referralConsentRestored]: {
    title: 'Consent restored',
    summary:
      'Consent to share data holds again: the restriction asked for by the withdrawal is lifted. ' +
      'Sent by the side that recorded the withdrawal (a Lao supervisor, or the partner system).',
    sender: 'party',
  },
  [EVENT_TYPES.messagePosted]: {
    title: 'Case message posted',
    summary: 'A case message was posted on a referral.',
    sender: 'party',
  },
  [EVENT_TYPES.referralOverdue]: {
    title: 'Referral overdue',
    summary: 'Hub notice: a step of a referral missed its deadline.',
    sender: 'hub',
  },
  [EVENT_TYPES.receipt]: {
    title: 'Receipt',
    summary:
      'The hub applied a partner event (`APPLIED`, source `/hub`), or a partner system confirms ' +
      'it received a hub event (`DELIVERED`, source the receiving party). Never answered.',
    sender: 'hub-or-party',
    answers: true,
  },
  [EVENT_TYPES.eventRejected]: {
    title: 'Event rejected',
    summary: 'Hub notice: the hub refused a partner event (code, detail, per-field errors).',
    sender: 'hub',
    key: 'The referral id; when the refused event named none that could be read, its event id.',
    answers: true,
  },
  [EVENT_TYPES.auditCheckpoint]: {
    title: 'Audit checkpoint',
    summary: 'Hub notice: a signed audit checkpoint, so partners hold evidence of the history.',
    sender: 'hub',
    key: 'Not tied to a referral: consumers must not rely on the key of this event.',
  },
  [EVENT_TYPES.auditCosigned]: {
    title: 'Audit checkpoint cosigned',
    summary:
      "A partner system, as a witness of the hub's audit log, verified the consistency proof " +
      'from the last checkpoint it cosigned and cosigns this one (C2SP `cosignature/v1`). ' +
      'Answered with a receipt, or a rejection (`bad-cosignature`, `unknown-checkpoint`).',
    sender: 'partner',
    key: "The checkpoint's tree size, in decimal.",
  },
  [EVENT_TYPES.auditForkDetected]: {
    title: 'Audit fork detected',
    summary:
      'A partner system, as a witness, refuses to cosign a checkpoint that is not an ' +
      'append-only extension of the one it cosigned last, and sends both notes as evidence.',
    sender: 'partner',
    key: "The refused checkpoint's tree size, in decimal.",
  },
};

const DLQ_HEADERS: readonly (readonly [string, string])[] = [
  ['mrh-dlq-code', 'Why the hub refused the record: one of the dead-letter codes listed above.'],
  ['mrh-dlq-detail', 'What was wrong, in words (at most 1000 characters).'],
  ['mrh-dlq-original-topic', 'The topic the record was read from, `referral-hub.from.<CC>`.'],
  ['mrh-dlq-original-partition', 'Its partition there, in decimal.'],
  ['mrh-dlq-original-offset', 'Its offset there, in decimal.'],
  ['mrh-dlq-at', 'When the hub dead-lettered it, RFC 3339 in UTC.'],
];

const schemaRef = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` });
const ref = ($ref: string): AsyncApiReference => ({ $ref });

/** Message component name of each event type: its key in `EVENT_TYPES`, e.g. `receipt`. */
function messageKeys(): [string, EventType][] {
  return Object.entries(EVENT_TYPES);
}

function codeList(codes: readonly InboundErrorCodeInfo[]): string {
  return codes.map(({ code }) => `\`${code}\``).join(', ');
}

function infoDescription(inputs: AsyncApiInputs): string {
  const deadLettered = inputs.inboundErrorCodes.filter((c) => c.deadLettered);
  return [
    "The Kafka contract between the Mekong Referral Hub and its partner countries' referral " +
      'systems (contract v1). Generated from the payload classes the hub validates with, so it ' +
      "says what the hub checks. Operations are described from the partner system's side.",
    '',
    '## Topics',
    '',
    'For each partner country `CC` (one partner system per country):',
    '',
    '- `referral-hub.to.CC`: the hub writes every event addressed to a party of `CC`; only the ' +
      'partner system of `CC` reads it.',
    '- `referral-hub.from.CC`: the partner system writes every event a party of `CC` sends; ' +
      'only the hub reads it. An event whose `source` is a party of another country is refused.',
    '- `referral-hub.from.CC.dlq`: records of `from.CC` the hub could not use, unchanged, with ' +
      'reason headers.',
    '',
    'A partner system may read only its `to` topic and write only its `from` topic: the hub ' +
      'enforces this itself and, where the broker has security on, by ACLs.',
    '',
    '## Security',
    '',
    "Where the broker has security on, each partner system logs in as its country's own " +
      'principal, `User:partner-CC`: with SASL/SCRAM-SHA-512 (the `developmentScram` server, ' +
      'and over TLS the `developmentTls` one), or over TLS with a client certificate whose ' +
      'subject names the principal (`CN=partner-CC`, the `developmentMtls` server). Over TLS the ' +
      "partner verifies the broker's certificate and host name against the CA the operator " +
      'gives it. Its ACLs are the same whichever way it connects, and allow allow exactly: READ on `referral-hub.to.CC` and `referral-hub.from.CC.dlq`, ' +
      'WRITE on `referral-hub.from.CC`, and READ on consumer groups whose id begins with the ' +
      "principal's name and a dash (`partner-CC-…`). Everything else is denied, and metadata " +
      "lists only the partner's own topics. Only the hub writes `to` and DLQ topics.",
    '',
    '## Records',
    '',
    `- Value: one CloudEvents 1.0 event in structured JSON mode, header \`content-type: ${CLOUDEVENTS_CONTENT_TYPE}\`; ` +
      '`ce_id`, `ce_type` and `ce_source` are copied from the event as headers for routing tools.',
    "- Key: the referral id (the event's `subject`), so that one referral's events stay in one " +
      'partition, in order.',
    `- \`source\` is \`/parties/<party code>\` of the acting party (\`${HUB_SOURCE}\` for the ` +
      "hub's notices). `source` + `id` identifies an event: the hub applies and answers a " +
      'repeated event once, and refuses the same `source` + `id` with other content.',
    '- `referralseq`: from its submission on, every change to a referral (a lifecycle step or a ' +
      "case message, whoever made it) takes the referral's next number, 1 for the submission, " +
      'then 2, 3 …; the hub event that tells a partner of the change carries it, so a partner ' +
      'system sees each number of its referrals once, in order, with no gaps. On partner ' +
      'events it is the last number the partner had seen, so that the hub detects a decision ' +
      'taken on stale state.',
    '- `causationid`: the id of the event this one answers.',
    "- `jws`: the sender's detached signature (see the `CloudEvent` schema). The hub signs " +
      'everything it emits and refuses events whose signature is missing or wrong for a party ' +
      'that has a registered key.',
    '',
    '## Answers',
    '',
    'Every event a partner system sends gets exactly one answer on its `to` topic, with ' +
      "`causationid` set to the event's id: `mrh.receipt.v1` with status `APPLIED`, or " +
      '`mrh.event.rejected.v1` with a code, a detail and per-field errors. "One" is per ' +
      '`source` + `id`: the same event delivered again is not answered again, whether it was ' +
      'applied or refused (but for `bad-signature`: an unauthenticated record claims no id, ' +
      'so it is answered each time it comes). A rejection is addressed (`recipient`) to the source party when it is ' +
      "one of the topic's country; when it is not (`foreign-source`), it goes to the whole " +
      'partner system, the only writer of its `from` topic. A partner system confirms the hub ' +
      'events it receives with `mrh.receipt.v1` status `DELIVERED`. Receipts are never answered.',
    '',
    'Records that get no answer, and why: a record with no readable `id` or no `source` naming ' +
      'a party (`malformed-event`, `unsupported-content-type`, and `invalid-envelope` when `id` ' +
      'or `source` is the broken part) has nothing an answer could name, so the dead letter is ' +
      'all; a record that reuses an `id` for a different event (`duplicate-event-id`) is ' +
      'dead-lettered and not answered, because that `source` + `id` already had its one answer, ' +
      'for the event that first used it; receipts.',
    '',
    "Partner-submitted referrals follow the same rules as officers' ones: a victim repatriation " +
      'without `victim.consent.dataSharing: true` is refused with `consent-required` (a partner ' +
      'has no override: its own supervisor decides before the data leaves its system), and an ' +
      "event's `recipient`, when given, must be the referral's other party (`invalid-envelope`).",
    '',
    '## Dead letters',
    '',
    `A record the hub cannot use as an event (codes ${codeList(deadLettered)}) is also ` +
      'copied, unchanged (key, value and headers), to `referral-hub.from.CC.dlq` with the ' +
      `headers ${DLQ_HEADERS.map(([name]) => `\`${name}\``).join(', ')}.`,
    '',
    '## Compatibility',
    '',
    'Consumers ignore attributes and fields they do not know. An optional field may be ' +
      'omitted, and an explicit `null` counts as omitted; a list with a default of `[]` may be ' +
      'omitted. Code values are never renamed or removed within v1. A breaking change gets a ' +
      'new `.vN` type, published alongside the old one for a deprecation period.',
    '',
    'Rules that JSON Schema cannot express are stated in the descriptions (e.g. ' +
      '`victim.guardian`, required when the person is under 18); the hub checks them all.',
  ].join('\n');
}

function eventRejectedCodeDescription(codes: readonly InboundErrorCodeInfo[]): string {
  return [
    'Stable machine-readable code, kebab-case; partners branch on it. The hub refuses with:',
    '',
    `- records it cannot use as events (also dead-lettered): ${codeList(codes.filter((c) => c.deadLettered))};`,
    `- well-formed events it cannot apply: ${codeList(codes.filter((c) => !c.deadLettered))}.`,
  ].join('\n');
}

/** `host:port` with the port moved by `offset` (the local broker's other listeners). */
function besidePort(hostPort: string, offset: number): string {
  const at = hostPort.lastIndexOf(':');
  return `${hostPort.slice(0, at)}:${Number(hostPort.slice(at + 1)) + offset}`;
}

function message(type: EventType): AsyncApiMessage {
  const notes = EVENT_NOTES[type];
  const source: JsonSchema | undefined =
    notes.sender === 'party' || notes.sender === 'partner'
      ? { type: 'string', pattern: PARTY_SOURCE_PATTERN }
      : notes.sender === 'hub'
        ? { type: 'string', const: HUB_SOURCE }
        : undefined;
  return {
    name: type,
    title: notes.title,
    summary: notes.summary,
    contentType: CLOUDEVENTS_CONTENT_TYPE,
    headers: cloudEventHeadersSchema(type),
    payload: {
      allOf: [
        schemaRef(CLOUD_EVENT_SCHEMA),
        {
          type: 'object',
          properties: {
            type: { type: 'string', const: type },
            ...(source && { source }),
            data: schemaRef(EVENT_DATA_CLASSES[type].name),
          },
        },
      ],
    },
    ...(notes.answers && {
      correlationId: {
        description: 'The id of the event this one answers.',
        location: '$message.payload#/causationid',
      },
    }),
    bindings: {
      kafka: {
        key: { type: 'string', description: notes.key ?? 'The referral id.' },
        bindingVersion: KAFKA_BINDING_VERSION,
      },
    },
  };
}

function deadLetterMessage(inputs: AsyncApiInputs): AsyncApiMessage {
  const properties: Record<string, JsonSchema> = Object.fromEntries(
    DLQ_HEADERS.map(([name, description]) => [name, { type: 'string', description }]),
  );
  const code = properties['mrh-dlq-code'];
  if (code) {
    code.description = `Why the hub refused the record: ${codeList(inputs.inboundErrorCodes.filter((c) => c.deadLettered))}.`;
  }
  return {
    name: 'dead-letter',
    title: 'Dead letter',
    summary:
      'A record of `referral-hub.from.<CC>` the hub could not use as an event, copied unchanged ' +
      '(key, value and headers) with the reason and the original position added as headers.',
    headers: {
      description: 'The original headers, unchanged, plus the `mrh-dlq-*` headers.',
      type: 'object',
      properties,
      required: DLQ_HEADERS.map(([name]) => name),
    },
    payload: {
      description:
        'The refused record value, byte for byte: usually, but not necessarily, a CloudEvent ' +
        '(the value may not even be JSON).',
    },
    bindings: {
      kafka: {
        key: { type: 'string', description: 'The original record key, unchanged.' },
        bindingVersion: KAFKA_BINDING_VERSION,
      },
    },
  };
}

/** The AsyncAPI 3.0 document of the Kafka contract; same inputs, same document. */
export function asyncApiDocument(inputs: AsyncApiInputs): AsyncApiDocument {
  const keys = messageKeys();
  const messages: Record<string, AsyncApiMessage> = {};
  for (const [key, type] of keys) {
    const examples = inputs.examples?.[type];
    messages[key] = { ...message(type), ...(examples && { examples }) };
  }
  messages.deadLetter = deadLetterMessage(inputs);

  const channelMessages = (names: readonly string[]): Record<string, AsyncApiReference> =>
    Object.fromEntries(names.map((name) => [name, ref(`#/components/messages/${name}`)]));
  const toPartner = keys
    .filter(([, type]) => EVENT_NOTES[type].sender !== 'partner')
    .map(([key]) => key);
  const fromPartner = keys
    .filter(([, type]) => EVENT_NOTES[type].sender !== 'hub')
    .map(([key]) => key);
  const operationMessages = (channel: string, names: readonly string[]): AsyncApiReference[] =>
    names.map((name) => ref(`#/channels/${channel}/messages/${name}`));
  const country = { country: ref('#/components/parameters/country') };
  const developmentBroker = inputs.developmentBroker ?? '127.0.0.1:9092';

  const schemas = contractSchemas({ unknownFields: 'ignore' });
  const rejected =
    schemas[EVENT_DATA_CLASSES[EVENT_TYPES.eventRejected].name]?.properties?.['code'];
  if (rejected === undefined) throw new Error('EventRejectedData has no code property');
  rejected.description = eventRejectedCodeDescription(inputs.inboundErrorCodes);

  return {
    asyncapi: ASYNCAPI_VERSION,
    info: {
      title: 'Mekong Referral Hub partner contract',
      version: '1.0.0',
      description: infoDescription(inputs),
    },
    defaultContentType: CLOUDEVENTS_CONTENT_TYPE,
    servers: {
      development: {
        host: developmentBroker,
        protocol: 'kafka',
        description: 'The local development broker (`npm run infra:up`).',
      },
      developmentScram: {
        host: developmentBroker,
        protocol: 'kafka',
        description:
          'The local development broker in scram mode (`KAFKA_SECURITY=scram npm run infra:up`): ' +
          "SASL/SCRAM-SHA-512 as the country's principal `User:partner-CC`, ACLs as described " +
          'under Security.',
        security: [ref('#/components/securitySchemes/scramSha512')],
      },
      developmentTls: {
        host: developmentBroker,
        protocol: 'kafka-secure',
        description:
          'The local development broker in tls mode (`KAFKA_SECURITY=tls npm run infra:up`): ' +
          "SASL_SSL, SCRAM-SHA-512 as the country's principal over TLS; the broker's certificate " +
          'is signed by the development CA `.dev/tls/ca.pem` and names 127.0.0.1 and localhost.',
        security: [ref('#/components/securitySchemes/scramSha512')],
      },
      developmentMtls: {
        host: besidePort(developmentBroker, 2),
        protocol: 'kafka-secure',
        description:
          'The same broker in tls mode, SSL listener: a client certificate of the development ' +
          'CA with subject `CN=partner-CC,O=Mekong Referral Hub development` instead of a ' +
          'password (`.dev/tls/partner-CC.pem`).',
        security: [ref('#/components/securitySchemes/clientCertificate')],
      },
    },
    channels: {
      toPartner: {
        address: toTopic('{country}'),
        title: 'Hub to partner',
        description:
          'Every event addressed to a party of the country: business events of the ' +
          "counterpart, the hub's notices, and the answers to the partner's own events.",
        parameters: country,
        messages: channelMessages(toPartner),
      },
      fromPartner: {
        address: fromTopic('{country}'),
        title: 'Partner to hub',
        description:
          "Every event a party of the country sends, and the partner system's receipts of hub " +
          'events.',
        parameters: country,
        messages: channelMessages(fromPartner),
      },
      fromPartnerDeadLetters: {
        address: deadLetterTopic('{country}'),
        title: 'Refused partner records',
        description: 'Records of the `from` topic the hub could not use, unchanged, with reasons.',
        parameters: country,
        messages: channelMessages(['deadLetter']),
      },
    },
    operations: {
      receiveHubEvents: {
        action: 'receive',
        channel: ref('#/channels/toPartner'),
        title: 'Receive hub events',
        summary: 'The partner system reads the events addressed to the parties of its country.',
        description:
          'The partner system confirms the hub events it receives with `mrh.receipt.v1` status ' +
          '`DELIVERED` on the `from` topic; receipts are never answered. Hub events carry ' +
          '`referralseq`: each number of a referral arrives once, in order, with no gaps.',
        messages: operationMessages('toPartner', toPartner),
      },
      sendPartnerEvents: {
        action: 'send',
        channel: ref('#/channels/fromPartner'),
        title: 'Send partner events',
        summary: 'The partner system writes the events its parties send.',
        description:
          'Each event is answered exactly once on the `to` topic, with `causationid` set to its ' +
          'id: a receipt (`APPLIED`) or a rejection. Receipts are not answered.',
        messages: operationMessages('fromPartner', fromPartner),
        reply: {
          channel: ref('#/channels/toPartner'),
          messages: operationMessages('toPartner', ['receipt', 'eventRejected']),
        },
      },
      receiveDeadLetters: {
        action: 'receive',
        channel: ref('#/channels/fromPartnerDeadLetters'),
        title: 'Receive refused records',
        summary: 'Operators and the partner system read the records the hub refused.',
        messages: operationMessages('fromPartnerDeadLetters', ['deadLetter']),
      },
    },
    components: {
      schemas: sortByKey({ ...schemas, [CLOUD_EVENT_SCHEMA]: cloudEventSchema() }),
      messages,
      parameters: {
        country: {
          description: 'ISO 3166-1 alpha-2 code of the partner country (party registry).',
          enum: [...inputs.countries].sort(),
        },
      },
      securitySchemes: {
        scramSha512: {
          type: 'scramSha512',
          description:
            "SASL/SCRAM-SHA-512 login as the partner system's own principal, one per country.",
        },
        clientCertificate: {
          type: 'X509',
          description:
            "A TLS client certificate whose subject's CN is the partner system's principal name.",
        },
      },
    },
  };
}
