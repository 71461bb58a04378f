import { readFileSync } from 'node:fs';
import {
  decodeJwt,
  errors,
  importJWK,
  jwtVerify,
  type CryptoKey,
  type JWK,
  type JWTPayload,
  type JWTVerifyGetKey,
  type JWTVerifyOptions,
  type KeyObject,
} from 'jose';
import { isPartyCode } from '@hub/contracts';
import type { PartyRegistry } from '../parties/party-registry';
import { AuthError } from './auth.error';
import { IssuerUnavailable } from './remote-keys';
import type { Principal } from './principal';
import { isRole } from './roles';

/** Where an issuer puts the contract's three claims: dotted paths into the token's payload. */
export interface ClaimPaths {
  sub: string;
  party: string;
  /** Tried in order; the first one present is the roles claim (`roles`, `realm_access.roles`). */
  roles: readonly string[];
}

/** The claim paths of the development issuer, which are the contract's names themselves. */
export const CONTRACT_CLAIMS: ClaimPaths = { sub: 'sub', party: 'party', roles: ['roles'] };

/** Verified tokens remembered at most; the oldest is forgotten first. */
const CACHE_LIMIT = 10_000;

/** A key, or a resolver that picks one by the token's header (a remote JWKS). */
export type VerificationKey = CryptoKey | KeyObject | Uint8Array | JWTVerifyGetKey;

/** One issuer whose tokens the hub accepts, and how to check and read them. */
export interface TrustedIssuer {
  /** Expected `iss`; also how a token is matched to its issuer. */
  issuer: string;
  audience: string;
  algorithms: readonly string[];
  key: VerificationKey;
  claims: ClaimPaths;
}

/** Reads the issuer's public JWK; a missing file is a start-up error that says what to do. */
export async function loadIssuerKey(file: string): Promise<CryptoKey | Uint8Array> {
  let jwk: JWK;
  try {
    jwk = JSON.parse(readFileSync(file, 'utf8')) as JWK;
  } catch (error) {
    throw new Error(
      `cannot read the token issuer's public key AUTH_PUBLIC_KEY_FILE=${file} (${(error as Error).message}); ` +
        'run `npm run infra:up` to generate the development keys',
      { cause: error },
    );
  }
  return importJWK(jwk, 'EdDSA');
}

/**
 * Verifies officers' bearer tokens and turns their claims into a {@link Principal}. Each token is
 * matched by its (unverified) `iss` to one {@link TrustedIssuer}, then verified against that
 * issuer alone: signature by its keys and allowed algorithms, `iss`, `aud`, `exp`/`nbf` within the
 * clock tolerance. Claims are checked against the party registry: a token for an unknown party, or
 * with no known role, is refused like a forged one. Roles the hub does not know (an IdP's
 * `offline_access`, `default-roles-…`) are ignored.
 */
export class TokenVerifier {
  /**
   * Tokens that verified, with what they prove and until when. An officer's client sends the
   * same token with every request until it expires; checking its signature each time was the
   * largest single cost of a request in the benchmark's profile. A token is immutable, so
   * remembering the outcome for the exact same string changes nothing but the cost; expiry is
   * still checked on every use.
   */
  private readonly verified = new Map<string, { principal: Principal; expiresAt: number }>();

  /** @param now the time tokens are judged at (ms since the epoch); the system clock by default. */
  constructor(
    private readonly issuers: readonly TrustedIssuer[],
    private readonly clockToleranceSeconds: number,
    private readonly registry: PartyRegistry,
    private readonly now: () => number = Date.now,
  ) {
    if (issuers.length === 0) throw new Error('no token issuer is trusted');
  }

  async verify(token: string): Promise<Principal> {
    return (await this.verifyUntil(token)).principal;
  }

  /** {@link verify}, and until when (epoch ms, tolerance included) the token is accepted. */
  async verifyUntil(token: string): Promise<{ principal: Principal; expiresAt: number }> {
    const now = this.now();
    const known = this.verified.get(token);
    if (known && now < known.expiresAt) {
      return { principal: copy(known.principal), expiresAt: known.expiresAt };
    }
    if (known) this.verified.delete(token);
    const { principal, exp } = await this.check(token, now);
    // `exp` is required by the check; the tolerance matches what jwtVerify allows.
    const expiresAt = (exp + this.clockToleranceSeconds) * 1000;
    if (this.verified.size >= CACHE_LIMIT) {
      const oldest = this.verified.keys().next();
      if (oldest.done !== true) this.verified.delete(oldest.value);
    }
    this.verified.set(token, { principal, expiresAt });
    return { principal: copy(principal), expiresAt };
  }

  private async check(token: string, now: number): Promise<{ principal: Principal; exp: number }> {
    let claimed: JWTPayload;
    try {
      claimed = decodeJwt(token);
    } catch {
      throw new AuthError('invalid-token', 'The token is malformed.');
    }
    const issuer = this.issuers.find((i) => i.issuer === claimed.iss);
    if (!issuer) throw new AuthError('invalid-token', 'The token\'s "iss" claim is not accepted.');
    const options: JWTVerifyOptions = {
      issuer: issuer.issuer,
      audience: issuer.audience,
      algorithms: [...issuer.algorithms],
      clockTolerance: this.clockToleranceSeconds,
      requiredClaims: ['exp'],
      currentDate: new Date(now),
    };
    let payload: JWTPayload;
    try {
      ({ payload } =
        typeof issuer.key === 'function'
          ? await jwtVerify(token, issuer.key, options)
          : await jwtVerify(token, issuer.key, options));
    } catch (error) {
      if (error instanceof IssuerUnavailable) {
        throw new AuthError(
          'issuer-unavailable',
          'The token cannot be checked now: the issuer of its keys does not answer. Try again shortly.',
        );
      }
      throw new AuthError('invalid-token', describeJoseError(error));
    }
    return { principal: this.principalOf(payload, issuer.claims), exp: payload.exp ?? 0 };
  }

  private principalOf(payload: JWTPayload, claims: ClaimPaths): Principal {
    const sub = claimAt(payload, claims.sub);
    const party = claimAt(payload, claims.party);
    const rolesPath = claims.roles.find((path) => claimAt(payload, path) !== undefined);
    const roles = rolesPath === undefined ? undefined : claimAt(payload, rolesPath);
    if (typeof sub !== 'string' || sub.length === 0 || sub.length > 200) {
      throw new AuthError('invalid-token', `The token has no valid "${claims.sub}" claim.`);
    }
    if (typeof party !== 'string' || !isPartyCode(party)) {
      throw new AuthError('invalid-token', `The token has no valid "${claims.party}" claim.`);
    }
    const registered = this.registry.party(party);
    if (!registered) {
      throw new AuthError('invalid-token', `The token's party ${party} is not registered.`);
    }
    const known = Array.isArray(roles) ? [...new Set(roles.filter(isRole))] : [];
    if (known.length === 0) {
      throw new AuthError(
        'invalid-token',
        `The token's roles (${claims.roles.join(' or ')}) must list one or more of liaison_officer, supervisor, auditor, admin.`,
      );
    }
    return { sub, party, country: registered.country, channel: registered.channel, roles: known };
  }
}

function copy(principal: Principal): Principal {
  return { ...principal, roles: [...principal.roles] };
}

/** The value at a dotted path of the payload (`realm_access.roles`), if any. */
function claimAt(payload: JWTPayload, path: string): unknown {
  let value: unknown = payload;
  for (const key of path.split('.')) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
    if (!Object.hasOwn(value, key)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

function describeJoseError(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'The token has expired.';
  if (error instanceof errors.JWTClaimValidationFailed) {
    return `The token's "${error.claim}" claim is not accepted.`;
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) {
    return 'The token signature does not verify.';
  }
  if (error instanceof errors.JWKSNoMatchingKey) {
    return 'The token is signed by a key its issuer does not publish.';
  }
  if (error instanceof errors.JWKSMultipleMatchingKeys) {
    return 'The token names no key ("kid") and its issuer publishes several.';
  }
  if (error instanceof errors.JOSEAlgNotAllowed) {
    return "The token's signature algorithm is not accepted.";
  }
  if (error instanceof errors.JOSEError) return 'The token is malformed.';
  throw error;
}
