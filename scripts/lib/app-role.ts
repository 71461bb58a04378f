import { APP_ROLE } from '../../src/database/migrations/1763800000000-audit-trail';

/**
 * The database of `adminUrl` as the application's restricted role sees it: the same URL with
 * {@link APP_ROLE} as the user name (anything else, the password among it, is kept).
 */
export function appRoleUrl(adminUrl: string): string {
  const url = new URL(adminUrl);
  url.username = APP_ROLE;
  return url.toString();
}
