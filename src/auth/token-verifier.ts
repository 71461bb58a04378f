import { readFileSync } from 'node:fs';
import {
  errors,
  importJWK,
  jwtVerify,
  type CryptoKey,
  type JWK,
  type JWTPayload,
  type KeyObject,
} from 'jose';
import { isPartyCode } from '@hub/contracts';
import type { PartyRegistry } from '../parties/party-registry';
import { AuthError } from './auth.error';
import type { Principal } from './principal';
import { isRole } from './roles';

/** How tokens are checked: who issues them, for whom, with which key. */
export interface TokenVerifierOptions {
  issuer: string;
  audience: string;
  clockToleranceSeconds: number;
  /** The time tokens are judged at, in ms since the epoch; the system clock by default. */
  now?: () => number;
}

/** Verified tokens remembered at most; the oldest is forgotten first. */
const CACHE_LIMIT = 10_000;

type VerificationKey = CryptoKey | KeyObject | Uint8Array;

/** Reads the issuer's public JWK; a missing file is a start-up error that says what to do. */
export async function loadIssuerKey(file: string): Promise<VerificationKey> {
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
 * Verifies officers' bearer tokens (EdDSA-signed JWTs) and turns their claims into a
 * {@link Principal}. Claims are checked against the party registry: a token for an unknown
 * party, or with no known role, is refused like a forged one.
 */
export class TokenVerifier {
  /**
   * Tokens that verified, with what they prove and until when. An officer's client sends the
   * same token with every request until it expires; checking its Ed25519 signature each time was
   * the largest single cost of a request in the benchmark's profile. A token is immutable, so
   * remembering the outcome for the exact same string changes nothing but the cost; expiry is
   * still checked on every use.
   */
  private readonly verified = new Map<string, { principal: Principal; expiresAt: number }>();

  constructor(
    private readonly options: TokenVerifierOptions,
    private readonly key: VerificationKey,
    private readonly registry: PartyRegistry,
  ) {}

  async verify(token: string): Promise<Principal> {
    const now = this.options.now?.() ?? Date.now();
    const known = this.verified.get(token);
    if (known && now < known.expiresAt) return copy(known.principal);
    if (known) this.verified.delete(token);
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.key, {
        issuer: this.options.issuer,
        audience: this.options.audience,
        algorithms: ['EdDSA', 'Ed25519'],
        clockTolerance: this.options.clockToleranceSeconds,
        requiredClaims: ['sub', 'exp'],
        currentDate: new Date(now),
      }));
    } catch (error) {
      throw new AuthError('invalid-token', describeJoseError(error));
    }
    const principal = this.principalOf(payload);
    // `exp` is required above; the tolerance matches what jwtVerify allows.
    const expiresAt = ((payload.exp ?? 0) + this.options.clockToleranceSeconds) * 1000;
    if (this.verified.size >= CACHE_LIMIT) {
      const oldest = this.verified.keys().next();
      if (oldest.done !== true) this.verified.delete(oldest.value);
    }
    this.verified.set(token, { principal, expiresAt });
    return copy(principal);
  }

  private principalOf(payload: JWTPayload): Principal {
    const { sub } = payload;
    const party: unknown = payload['party'];
    const roles: unknown = payload['roles'];
    if (typeof sub !== 'string' || sub.length === 0 || sub.length > 200) {
      throw new AuthError('invalid-token', 'The token has no valid "sub" claim.');
    }
    if (typeof party !== 'string' || !isPartyCode(party)) {
      throw new AuthError('invalid-token', 'The token has no valid "party" claim.');
    }
    const registered = this.registry.party(party);
    if (!registered) {
      throw new AuthError('invalid-token', `The token's party ${party} is not registered.`);
    }
    if (!Array.isArray(roles) || roles.length === 0 || !roles.every(isRole)) {
      throw new AuthError(
        'invalid-token',
        'The token\'s "roles" claim must list one or more of liaison_officer, supervisor, auditor, admin.',
      );
    }
    return { sub, party, country: registered.country, roles: [...new Set(roles)] };
  }
}

function copy(principal: Principal): Principal {
  return { ...principal, roles: [...principal.roles] };
}

function describeJoseError(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'The token has expired.';
  if (error instanceof errors.JWTClaimValidationFailed) {
    return `The token's "${error.claim}" claim is not accepted.`;
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) {
    return 'The token signature does not verify.';
  }
  if (error instanceof errors.JOSEAlgNotAllowed) return 'The token is not signed with EdDSA.';
  if (error instanceof errors.JOSEError) return 'The token is malformed.';
  throw error;
}
