import { randomUUID } from 'node:crypto';
import { partySource, type CloudEvent } from '@hub/contracts';

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
