import {
  CLOUDEVENTS_CONTENT_TYPE,
  CLOUDEVENTS_SPEC_VERSION,
  EVENT_DATA_CLASSES,
  EVENT_TYPES,
  isEventType,
  validatePayload,
  type CloudEvent,
} from '@hub/contracts';
import { shortName, type HubEvent } from './referral-flow';

/** The outcome of {@link decodeHubEvent}: a usable event, or why the record is not one. */
export type DecodedHubEvent = { ok: true; event: HubEvent } | { ok: false; reason: string };

/** The outcome of {@link readHubRecord}: the record's JSON object, or why it has none. */
export type HubRecord = { ok: true; json: Record<string, unknown> } | { ok: false; reason: string };

/**
 * Reads one record of `referral-hub.to.<CC>`: a structured-mode CloudEvent (content type
 * `application/cloudevents+json`) whose `data` is valid for its `type`. Unknown attributes and
 * data fields are ignored, as the contract asks of consumers, so that a hub one minor version
 * ahead does not break the partner. {@link readHubRecord} then {@link decodeHubJson}; a partner
 * system verifies the hub's signature in between (see `PartnerSystem.handle`).
 */
export function decodeHubEvent(
  value: Buffer | string | null,
  contentType: string | undefined,
): DecodedHubEvent {
  const record = readHubRecord(value, contentType);
  return record.ok ? decodeHubJson(record.json) : record;
}

/**
 * The first step of {@link decodeHubEvent}: the record's value as a JSON object, nothing in it
 * checked yet. This is the form the hub's signature is verified on: the event exactly as sent,
 * before validation drops unknown fields or normalises text.
 */
export function readHubRecord(
  value: Buffer | string | null,
  contentType: string | undefined,
): HubRecord {
  const mediaType = contentType?.split(';')[0]?.trim().toLowerCase();
  if (mediaType !== CLOUDEVENTS_CONTENT_TYPE) {
    return { ok: false, reason: `content-type is ${mediaType ?? 'absent'}, not a CloudEvent` };
  }
  let json: unknown;
  try {
    json = JSON.parse(value === null ? '' : value.toString());
  } catch {
    return { ok: false, reason: 'the value is not JSON' };
  }
  if (!isRecord(json)) return { ok: false, reason: 'the value is not a JSON object' };
  return { ok: true, json };
}

/**
 * The second step of {@link decodeHubEvent}: the envelope attributes the partner relies on, a
 * known `type`, and `data` valid for it.
 */
export function decodeHubJson(json: Readonly<Record<string, unknown>>): DecodedHubEvent {
  const problem = envelopeProblem(json);
  if (problem !== undefined) return { ok: false, reason: problem };
  const type = json['type'];
  if (!isEventType(type)) {
    return { ok: false, reason: `unknown event type ${String(type)} (a newer contract?)` };
  }
  const data = validatePayload(EVENT_DATA_CLASSES[type], json['data'], {
    unknownFields: 'ignore',
  });
  if (!data.ok) {
    const errors = data.errors.map((e) => `data.${e.path}: ${e.message}`).join(', ');
    return { ok: false, reason: `invalid ${type}: ${errors}` };
  }
  // The data was built by the class of `type`, which is what HubEvent pairs with that type.
  return { ok: true, event: { ...json, data: data.value } as unknown as HubEvent };
}

/** What is wrong with the attributes the partner relies on, if anything. */
function envelopeProblem(json: Readonly<Record<string, unknown>>): string | undefined {
  if (json['specversion'] !== CLOUDEVENTS_SPEC_VERSION) return 'specversion is not 1.0';
  for (const name of ['id', 'source', 'type', 'time']) {
    const value = json[name];
    if (typeof value !== 'string' || value === '') return `${name} is missing`;
  }
  for (const name of ['subject', 'recipient', 'causationid']) {
    if (json[name] !== undefined && typeof json[name] !== 'string') return `${name} is no string`;
  }
  const seq = json['referralseq'];
  if (seq !== undefined && !(Number.isInteger(seq) && (seq as number) >= 0)) {
    return 'referralseq is not a whole number';
  }
  if (!isRecord(json['data'])) return 'data is not an object';
  return undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Width of the event name column of log lines (`handover-scheduled` is the longest). */
const NAME_WIDTH = 18;

/**
 * The log line of an event from the hub, e.g.
 * `TH ← submitted          7f3a2b1c… seq 1 from LA-BOKEO-POLICE to TH-POLICE`.
 */
export function formatIncoming(country: string, event: HubEvent, note?: string): string {
  const parts = [`${country} ←`, shortName(event.type).padEnd(NAME_WIDTH), shortId(event.subject)];
  if (event.referralseq !== undefined) parts.push(`seq ${event.referralseq}`);
  if (event.type === EVENT_TYPES.receipt) parts.push(event.data.status);
  else if (event.source.startsWith('/parties/')) parts.push(`from ${partyOf(event.source)}`);
  if (event.type === EVENT_TYPES.referralSubmitted && event.recipient !== undefined) {
    parts.push(`to ${event.recipient}`);
  }
  return withNote(parts.join(' '), note);
}

/**
 * The log line of one of our events, e.g.
 * `TH → acknowledged       7f3a2b1c… (seen 1) as TH-POLICE to LA-BOKEO-POLICE`.
 */
export function formatOutgoing(country: string, event: CloudEvent<object>): string {
  const parts = [`${country} →`, shortName(event.type).padEnd(NAME_WIDTH), shortId(event.subject)];
  if (event.referralseq !== undefined) parts.push(`(seen ${event.referralseq})`);
  parts.push(`as ${partyOf(event.source)}`);
  if (event.recipient !== undefined) parts.push(`to ${event.recipient}`);
  if (event.type === EVENT_TYPES.receipt && event.causationid !== undefined) {
    parts.push(`DELIVERED ${shortId(event.causationid)}`);
  }
  return parts.join(' ');
}

function withNote(line: string, note: string | undefined): string {
  return note === undefined ? line : `${line} — ${note}`;
}

/** The first 8 characters of a UUID: enough to tell referrals apart in a log. */
export function shortId(id: string | undefined): string {
  return id === undefined ? '-' : `${id.slice(0, 8)}…`;
}

function partyOf(source: string): string {
  return source.replace(/^\/parties\//, '');
}
