import type { Env } from '../env';
import { remoteKeys } from './remote-keys';
import { CONTRACT_CLAIMS, loadIssuerKey, type TrustedIssuer } from './token-verifier';

/**
 * The issuers the settings trust: the development issuer (its public JWK from a file, EdDSA, the
 * contract's claim names) unless `AUTH_DEV_ISSUER_ENABLED=false`, and the external OpenID Connect
 * issuer when `AUTH_OIDC_ISSUER` is set (keys from its JWKS URL, claim names configured).
 */
export async function trustedIssuers(env: Env): Promise<TrustedIssuer[]> {
  const issuers: TrustedIssuer[] = [];
  if (env.AUTH_DEV_ISSUER_ENABLED) {
    issuers.push({
      issuer: env.AUTH_ISSUER,
      audience: env.AUTH_AUDIENCE,
      algorithms: ['EdDSA', 'Ed25519'],
      key: await loadIssuerKey(env.AUTH_PUBLIC_KEY_FILE),
      claims: CONTRACT_CLAIMS,
    });
  }
  if (env.AUTH_OIDC_ISSUER !== '') {
    issuers.push({
      issuer: env.AUTH_OIDC_ISSUER,
      audience: env.AUTH_OIDC_AUDIENCE,
      algorithms: env.AUTH_OIDC_ALGORITHMS.split(','),
      key: remoteKeys(env.AUTH_OIDC_JWKS_URL, {
        timeoutMs: env.AUTH_OIDC_JWKS_TIMEOUT_MS,
        cooldownMs: env.AUTH_OIDC_JWKS_COOLDOWN_MS,
        cacheMaxAgeMs: env.AUTH_OIDC_JWKS_CACHE_MAX_AGE_MS,
      }),
      claims: {
        sub: env.AUTH_OIDC_SUB_CLAIM,
        party: env.AUTH_OIDC_PARTY_CLAIM,
        roles: env.AUTH_OIDC_ROLES_CLAIM.split(','),
      },
    });
  }
  return issuers;
}
