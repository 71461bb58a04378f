import { join } from 'node:path';
import { generateKeyPair, importJWK, SignJWT, type CryptoKey, type JWTPayload } from 'jose';
import { DEV_ISSUER_KEY, DEV_KEYS_DIR, ensureKeyPair } from '../../src/auth/dev-keys';
import type { Role } from '../../src/auth/roles';

const REPO_ROOT = join(__dirname, '..', '..');

/** Claims of a test token; defaults give a valid Bokeo police liaison officer. */
export interface TokenSpec {
  party?: string;
  roles?: readonly Role[] | readonly string[];
  sub?: string;
  issuer?: string;
  audience?: string;
  expiresIn?: string | number;
  extra?: JWTPayload;
  /** Sign with this key instead of the development issuer's. */
  key?: CryptoKey;
}

/** A token signed by the development issuer (the same key `npm run token` uses). */
export async function tokenFor(spec: TokenSpec = {}): Promise<string> {
  const { pair } = await ensureKeyPair(join(REPO_ROOT, DEV_KEYS_DIR), DEV_ISSUER_KEY);
  const key = spec.key ?? ((await importJWK(pair.privateJwk, 'EdDSA')) as CryptoKey);
  const jwt = new SignJWT({
    party: spec.party ?? 'LA-BOKEO-POLICE',
    roles: spec.roles ?? ['liaison_officer'],
    ...spec.extra,
  })
    .setProtectedHeader({ alg: 'EdDSA', kid: pair.kid })
    .setSubject(spec.sub ?? 'officer-1')
    .setIssuer(spec.issuer ?? 'urn:mrh:dev-issuer')
    .setAudience(spec.audience ?? 'referral-hub')
    .setIssuedAt();
  jwt.setExpirationTime(spec.expiresIn ?? '10m');
  return jwt.sign(key);
}

/** An Ed25519 key the hub has never heard of, to forge tokens with. */
export async function strangerKey(): Promise<CryptoKey> {
  return (await generateKeyPair('EdDSA', { crv: 'Ed25519' })).privateKey;
}
