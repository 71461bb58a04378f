import { randomUUID } from 'node:crypto';
import { CLOUDEVENTS_SPEC_VERSION, partySource, type CloudEvent } from '@hub/contracts';

/** What varies between the events the hub builds; the rest of the envelope is fixed. */
export interface EventSpec<D> {
  /** Defaults to a fresh UUID; given when the id was recorded before the event was built. */
  id?: string;
  type: string;
  /** Acting party code, or the literal source of hub notices. */
  source: { party: string } | { hub: string };
  subject?: string;
  /** Absent on notices to a whole partner system (audit checkpoints). */
  recipient?: string;
  referralseq?: number;
  causationid?: string;
  time?: Date;
  data: D;
}

/** Builds a CloudEvent 1.0 envelope with a fresh UUID id. */
export function buildEvent<D>(spec: EventSpec<D>): CloudEvent<D> {
  const event: CloudEvent<D> = {
    specversion: CLOUDEVENTS_SPEC_VERSION,
    id: spec.id ?? randomUUID(),
    source: 'party' in spec.source ? partySource(spec.source.party) : spec.source.hub,
    type: spec.type,
    time: (spec.time ?? new Date()).toISOString(),
    datacontenttype: 'application/json',
    data: spec.data,
  };
  if (spec.subject !== undefined) event.subject = spec.subject;
  if (spec.recipient !== undefined) event.recipient = spec.recipient;
  if (spec.referralseq !== undefined) event.referralseq = spec.referralseq;
  if (spec.causationid !== undefined) event.causationid = spec.causationid;
  return event;
}
