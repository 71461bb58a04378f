import type { AgeFacts } from './person-age';

/*
 * The guardian rule of a victim section depends on the person, which is a sibling in the referral
 * content: class-validator shows a nested object only itself. While the content is transformed,
 * it links its victim section to its person's age facts here; a WeakMap keeps the link off the
 * instance, so it is never serialised, whitelisted or seen by consumers.
 */
const subjects = new WeakMap<object, AgeFacts>();

/** Links a transformed victim section to the (plain) person of the same referral content. */
export function linkVictimToPerson(victim: unknown, person: unknown): void {
  if (typeof victim !== 'object' || victim === null) return;
  subjects.set(victim, typeof person === 'object' && person !== null ? person : {});
}

/** The age facts of the person a victim section is about, when it was linked. */
export function personOfVictim(victim: object): AgeFacts | undefined {
  return subjects.get(victim);
}
