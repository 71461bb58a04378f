import { randomUUID } from 'node:crypto';
import { EVENT_TYPES, partySource, type CloudEvent } from '@hub/contracts';

/** A partner system's CloudEvent, as a partner would build it. */
export function partnerEvent(
  party: string,
  type: string,
  data: Record<string, unknown>,
  extra: Partial<CloudEvent> = {},
): CloudEvent<Record<string, unknown>> {
  const referralId = typeof data['referralId'] === 'string' ? data['referralId'] : undefined;
  return {
    specversion: '1.0',
    id: randomUUID(),
    source: partySource(party),
    type,
    ...(referralId !== undefined && { subject: referralId }),
    time: new Date().toISOString(),
    datacontenttype: 'application/json',
    ...extra,
    data,
  };
}

/**
 * A partner's `mrh.referral.submitted.v1` of `content` (addressed to `content.to`) from `party`,
 * under a new referral id.
 */
export function partnerSubmission(
  party: string,
  content: Record<string, unknown>,
): CloudEvent<Record<string, unknown>> & { data: { referralId: string } } {
  const referralId = randomUUID();
  const event = partnerEvent(
    party,
    EVENT_TYPES.referralSubmitted,
    { ...content, referralId, from: party, submittedAt: new Date().toISOString() },
    { recipient: String(content['to']) },
  );
  return { ...event, data: { ...event.data, referralId } };
}
