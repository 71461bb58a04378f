/**
 * Roles a token may carry (contract v1, "HTTP API"): an officer's; `child_protection`, held beside
 * an officer's role by those who may see the identity of a person under 18; or `witness`, a
 * partner country's system reading the audit log's checkpoints and proofs to cosign them.
 */
export const ROLES = [
  'liaison_officer',
  'supervisor',
  'child_protection',
  'auditor',
  'admin',
  'witness',
] as const;

export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** The roles of people, who sign in to the console; `witness` is a partner system's, never a person's. */
export const PERSON_ROLES = ROLES.filter((role) => role !== 'witness');
