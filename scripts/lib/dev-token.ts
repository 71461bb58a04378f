import 'reflect-metadata';
import { join } from 'node:path';
import { importJWK, SignJWT } from 'jose';
import { DEV_ISSUER_KEY, DEV_KEYS_DIR, ensureKeyPair } from '../../src/auth/dev-keys';
import { loadEnv, type Env } from '../../src/env';
import { repoRoot } from './repo-root';

/** What a development token says. */
export interface DevTokenClaims {
  /** The registered party the bearer acts for. */
  readonly party: string;
  readonly roles: readonly string[];
  readonly sub: string;
  /** Lifetime in seconds. */
  readonly ttlSeconds: number;
}

/** A minted token and when it stops being accepted. */
export interface DevToken {
  readonly token: string;
  readonly expiresAt: Date;
}

/**
 * Mints a JWT signed by the development issuer (`.dev/keys/dev-issuer.private.jwk`, generated when
 * missing), with the issuer and audience the hub expects of it (`AUTH_ISSUER`, `AUTH_AUDIENCE`).
 * Shared by `npm run token` and the partner simulator's witness, which reads audit proofs.
 * Development only: the hub trusts this issuer only while `AUTH_DEV_ISSUER_ENABLED` is on.
 */
export async function mintDevToken(
  claims: DevTokenClaims,
  env: Pick<Env, 'AUTH_ISSUER' | 'AUTH_AUDIENCE'> = loadEnv(),
): Promise<DevToken> {
  const { pair } = await ensureKeyPair(join(repoRoot(), DEV_KEYS_DIR), DEV_ISSUER_KEY);
  const key = await importJWK(pair.privateJwk, 'EdDSA');
  const issuedAt = Math.floor(Date.now() / 1000);
  const expiresAt = issuedAt + claims.ttlSeconds;
  const token = await new SignJWT({ party: claims.party, roles: [...claims.roles] })
    .setProtectedHeader({ alg: 'EdDSA', kid: pair.kid, typ: 'JWT' })
    .setSubject(claims.sub)
    .setIssuer(env.AUTH_ISSUER)
    .setAudience(env.AUTH_AUDIENCE)
    .setIssuedAt(issuedAt)
    .setExpirationTime(expiresAt)
    .sign(key);
  return { token, expiresAt: new Date(expiresAt * 1000) };
}
