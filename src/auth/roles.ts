/** Roles an officer's token may carry (contract v1, "HTTP API"). */
export const ROLES = ['liaison_officer', 'supervisor', 'auditor', 'admin'] as const;

export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}
