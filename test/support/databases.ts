import { randomBytes } from 'node:crypto';

export { appRoleUrl } from '../../scripts/lib/app-role';

/** URL of a new, uniquely named database on the test server (not created yet). */
export function scratchDatabaseUrl(prefix: string): string {
  const base = new URL(
    process.env.DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/referral_hub_test',
  );
  base.pathname = `/${prefix}_${randomBytes(4).toString('hex')}`;
  return base.toString();
}
