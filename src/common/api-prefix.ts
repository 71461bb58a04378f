import { RequestMethod } from '@nestjs/common';

/** Prefix of every route of the HTTP API but the health probes and metrics (contract: "prefix `/v1`"). */
export const API_PREFIX = 'v1';

/**
 * Routes served without {@link API_PREFIX}: probes and the Prometheus scrape, which orchestrators
 * call by fixed paths, and the console's sign-in routes.
 */
export const UNPREFIXED_ROUTES: readonly { path: string; method: RequestMethod }[] = [
  { path: 'health/live', method: RequestMethod.GET },
  { path: 'health/ready', method: RequestMethod.GET },
  { path: 'metrics', method: RequestMethod.GET },
  // The console's sign-in and session routes concern the browser, not the API's resources.
  { path: 'auth/options', method: RequestMethod.GET },
  { path: 'auth/dev-sign-in', method: RequestMethod.POST },
  { path: 'auth/sign-in', method: RequestMethod.GET },
  { path: 'auth/callback', method: RequestMethod.GET },
  { path: 'auth/session', method: RequestMethod.GET },
  { path: 'auth/sign-out', method: RequestMethod.POST },
];

/** The path a route is served at, e.g. `referrals/:id` → `/v1/referrals/:id`. */
export function servedPath(path: string, method: RequestMethod): string {
  const bare = path.replace(/\/{2,}/g, '/').replace(/^\/|\/$/g, '');
  const unprefixed = UNPREFIXED_ROUTES.some((r) => r.path === bare && r.method === method);
  return unprefixed ? `/${bare}` : `/${API_PREFIX}${bare === '' ? '' : `/${bare}`}`;
}
