import {
  CLOUDEVENTS_SPEC_VERSION,
  EVENT_TYPES,
  partySource,
  type AuditCosignedData,
  type AuditForkDetectedData,
  type CloudEvent,
} from '@hub/contracts';
import { PARTNER_COUNTRIES } from './fixtures';
import type { FlowContext, HubEvent } from './referral-flow';
import type { WitnessOutcome } from './witness';

/** A checkpoint notice from the hub. */
export type CheckpointEvent = Extract<HubEvent, { type: typeof EVENT_TYPES.auditCheckpoint }>;

/** What to send (if anything) about a checkpoint the witness looked at, and the log note. */
export interface CheckpointAnswer {
  /** `mrh.audit.cosigned.v1` or `mrh.audit.fork-detected.v1`; none when the witness ignored it. */
  readonly event?: CloudEvent<object>;
  /** The record key: the checkpoint's tree size in decimal. */
  readonly key?: string;
  /** A few words for the log line of the checkpoint. */
  readonly note: string;
}

/**
 * Turns the witness's outcome on one `mrh.audit.checkpoint.v1` into our answer: the cosignature
 * (with the checkpoint byte for byte as received, so the hub knows which note it is over), or the
 * fork evidence. Sent as the country's first party, like its other events, in answer to the
 * checkpoint event (`causationid`); no subject, since no referral is concerned.
 */
export function answerCheckpoint(
  outcome: WitnessOutcome,
  checkpoint: CheckpointEvent,
  ctx: FlowContext,
): CheckpointAnswer {
  switch (outcome.kind) {
    case 'ignored':
      return { note: `not cosigned: ${outcome.reason}` };
    case 'cosigned': {
      const data: AuditCosignedData = {
        checkpoint: checkpoint.data.checkpoint,
        cosignature: outcome.cosignature,
      };
      return {
        event: auditEvent(EVENT_TYPES.auditCosigned, data, checkpoint, ctx),
        key: String(outcome.size),
        note: `size ${outcome.size}: consistent, cosigned`,
      };
    }
    case 'refused': {
      const { held, offered, reason, consistencyProof } = outcome;
      const data: AuditForkDetectedData = {
        held,
        offered,
        reason,
        ...(consistencyProof !== undefined && { consistencyProof }),
      };
      return {
        event: auditEvent(EVENT_TYPES.auditForkDetected, data, checkpoint, ctx),
        key: String(outcome.size),
        note: `size ${outcome.size}: FORK, refused (${reason})`,
      };
    }
  }
}

function auditEvent(
  type: typeof EVENT_TYPES.auditCosigned | typeof EVENT_TYPES.auditForkDetected,
  data: object,
  checkpoint: CheckpointEvent,
  ctx: FlowContext,
): CloudEvent<object> {
  return {
    specversion: CLOUDEVENTS_SPEC_VERSION,
    id: ctx.newId(),
    source: partySource(PARTNER_COUNTRIES[ctx.country].parties[0]),
    type,
    time: ctx.now().toISOString(),
    datacontenttype: 'application/json',
    causationid: checkpoint.id,
    data,
  };
}
