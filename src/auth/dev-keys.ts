import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';

/** A signing key pair stored as two JWK files `<name>.private.jwk` / `<name>.public.jwk`. */
export interface JwkPair {
  privateJwk: JWK;
  publicJwk: JWK;
  kid: string;
}

/** Folder of development keys, git-ignored; never used in production. */
export const DEV_KEYS_DIR = '.dev/keys';

/** Name of the development token issuer's key pair. */
export const DEV_ISSUER_KEY = 'dev-issuer';

/**
 * Returns the Ed25519 key pair `name` from `dir`, generating it when missing. The `kid` is the
 * RFC 7638 thumbprint, so it changes whenever the key does. The private file is mode 0600.
 */
export async function ensureKeyPair(
  dir: string,
  name: string,
): Promise<{ pair: JwkPair; created: boolean }> {
  const privateFile = join(dir, `${name}.private.jwk`);
  const publicFile = join(dir, `${name}.public.jwk`);
  if (existsSync(privateFile) && existsSync(publicFile)) {
    const privateJwk = JSON.parse(readFileSync(privateFile, 'utf8')) as JWK;
    const publicJwk = JSON.parse(readFileSync(publicFile, 'utf8')) as JWK;
    return { pair: { privateJwk, publicJwk, kid: publicJwk.kid ?? '' }, created: false };
  }
  const { privateKey, publicKey } = await generateKeyPair('EdDSA', {
    crv: 'Ed25519',
    extractable: true,
  });
  const publicJwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(publicJwk);
  const meta = { kid, alg: 'EdDSA', use: 'sig' };
  const pair: JwkPair = {
    privateJwk: { ...(await exportJWK(privateKey)), ...meta },
    publicJwk: { ...publicJwk, ...meta },
    kid,
  };
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeFileSync(privateFile, `${JSON.stringify(pair.privateJwk, null, 2)}\n`, { mode: 0o600 });
  writeFileSync(publicFile, `${JSON.stringify(pair.publicJwk, null, 2)}\n`);
  return { pair, created: true };
}

/** File name of the development master key that wraps referrals' data keys. */
export const DEV_DATA_MASTER_KEY = 'data-master.jwk';

/**
 * Generates the development personal-data master key (a 256-bit `oct` JWK, mode 0600) unless it
 * exists. Its `kid` is random: a thumbprint of a secret key would be a hash of the secret.
 */
export function ensureMasterKey(dir: string): { created: boolean } {
  const file = join(dir, DEV_DATA_MASTER_KEY);
  if (existsSync(file)) return { created: false };
  const jwk = {
    kty: 'oct',
    k: randomBytes(32).toString('base64url'),
    kid: `dev-master-${randomBytes(6).toString('hex')}`,
    alg: 'A256GCM',
    use: 'enc',
  };
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeFileSync(file, `${JSON.stringify(jwk, null, 2)}\n`, { mode: 0o600 });
  return { created: true };
}
