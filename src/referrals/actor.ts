import type { Principal } from '../auth/principal';

/**
 * Who makes a change: an officer over HTTP (party + `sub`) or a partner country's system over
 * Kafka (party named in the event's `source`, acting through the country's principal).
 */
export type Actor =
  | { kind: 'officer'; party: string; sub: string; roles: readonly string[] }
  | {
      kind: 'partner-system';
      party: string;
      /** Id of the partner event that carries the change: receipts and causation point at it. */
      eventId: string;
    };

/** The identity stored in the change log and audit trail. */
export function actorId(actor: Actor): string {
  return actor.kind === 'officer' ? actor.sub : `partner-system:${actor.party.slice(0, 2)}`;
}

/** The officer a request's principal is, as the actor of what it does. */
export function officerOf(principal: Principal): Extract<Actor, { kind: 'officer' }> {
  return { kind: 'officer', party: principal.party, sub: principal.sub, roles: principal.roles };
}
