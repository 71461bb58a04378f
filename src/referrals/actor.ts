import type { Principal } from '../auth/principal';
import type { Role } from '../auth/roles';

/** An officer over HTTP: party, `sub` and roles as the verified token gave them. */
export interface OfficerActor {
  kind: 'officer';
  party: string;
  sub: string;
  roles: readonly Role[];
}

/** A partner country's system over Kafka: the party named in the event's `source`. */
export interface PartnerActor {
  kind: 'partner-system';
  party: string;
  /** Id of the partner event that carries the change: receipts and causation point at it. */
  eventId: string;
}

/**
 * Who makes a change: an officer over HTTP (party + `sub`) or a partner country's system over
 * Kafka (party named in the event's `source`, acting through the country's principal).
 */
export type Actor = OfficerActor | PartnerActor;

/** The identity stored in the change log and audit trail. */
export function actorId(actor: Actor): string {
  return actor.kind === 'officer' ? actor.sub : `partner-system:${actor.party.slice(0, 2)}`;
}

/** The officer a request's principal is, as the actor of what it does. */
export function officerOf(principal: Principal): OfficerActor {
  return { kind: 'officer', party: principal.party, sub: principal.sub, roles: principal.roles };
}
