import { createRemoteJWKSet, errors, type JWTVerifyGetKey } from 'jose';

/** The issuer's key set could not be fetched or read: nothing is wrong with the token itself. */
export class IssuerUnavailable extends Error {
  override readonly name = 'IssuerUnavailable';
}

/** How the issuer's JWKS is fetched and kept (jose's `createRemoteJWKSet` options). */
export interface RemoteKeysOptions {
  /** Abort one fetch after this long (jose's `timeoutDuration`). */
  timeoutMs: number;
  /**
   * After a fetch, a token with an unknown `kid` is refused without fetching again for this long
   * (jose's `cooldownDuration`); afterwards it triggers one fetch, shared by concurrent requests.
   */
  cooldownMs: number;
  /** Keys are fetched again on the first use after this age (jose's `cacheMaxAge`). */
  cacheMaxAgeMs: number;
}

/**
 * The key resolver of an external issuer's JWKS URL. jose caches the set, fetches it again when
 * it is older than `cacheMaxAgeMs`, and when a token names a `kid` it does not hold (a key just
 * rotated in) unless the last fetch is within `cooldownMs`. It follows no redirects: the URL must
 * answer 200 itself. Failures to fetch or read the set become {@link IssuerUnavailable} (503),
 * kept apart from the token's own faults (401) — an outage must not read as forged tokens.
 */
export function remoteKeys(url: string, options: RemoteKeysOptions): JWTVerifyGetKey {
  const keys = createRemoteJWKSet(new URL(url), {
    timeoutDuration: options.timeoutMs,
    cooldownDuration: options.cooldownMs,
    cacheMaxAge: options.cacheMaxAgeMs,
  });
  return async (header, token) => {
    try {
      return await keys(header, token);
    } catch (error) {
      // Verdicts on the token: no key for its kid/alg, several candidates for a token without
      // a kid (refused: Keycloak always names its key), an algorithm a key set cannot serve.
      if (
        error instanceof errors.JWKSNoMatchingKey ||
        error instanceof errors.JWKSMultipleMatchingKeys ||
        error instanceof errors.JOSENotSupported
      ) {
        throw error;
      }
      throw new IssuerUnavailable(`the key set at ${url} is unusable`, { cause: error });
    }
  };
}
