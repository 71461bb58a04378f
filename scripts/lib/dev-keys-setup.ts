import { createPublicKey } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatCosignerVerifierKey } from '@hub/transparency-log';
import { witnessKeyName } from '../../libs/partner-simulator/src/fixtures';
import {
  DEV_DATA_MASTER_KEY,
  DEV_ISSUER_KEY,
  DEV_KEYS_DIR,
  ensureKeyPair,
  ensureMasterKey,
} from '../../src/auth/dev-keys';
import { loadPartyRegistry } from '../../src/parties/party-registry';
import { ensureDevTls } from './dev-tls';
import { devTlsClients } from './kafka-security';
import { repoRoot } from './repo-root';

/**
 * Generates the development keys that are missing: the token issuer's, the hub's event-signing
 * key, one per partner country (`partner-CC`), one witness key per partner country (`witness-CC`,
 * with its cosigner verifier key in `witness-CC.vkey`), the master key of personal data at
 * rest, and the development PKI of the broker's tls mode in .dev/tls (`tls/…`: see
 * {@link ensureDevTls}, which renews only what is missing, expiring or signed by an older CA).
 * Never overwrites an existing key.
 */
export async function ensureDevKeys(): Promise<string[]> {
  const dir = join(repoRoot(), DEV_KEYS_DIR);
  const registry = loadPartyRegistry(join(repoRoot(), 'config'));
  const countries = registry.partnerCountries();
  const names = [DEV_ISSUER_KEY, 'hub', ...countries.map((country) => `partner-${country}`)];
  const created: string[] = [];
  for (const name of names) {
    if ((await ensureKeyPair(dir, name)).created) created.push(name);
  }
  for (const country of countries) created.push(...(await ensureWitnessKey(dir, country)));
  if (ensureMasterKey(dir).created) created.push(DEV_DATA_MASTER_KEY);
  const tls = await ensureDevTls(repoRoot(), devTlsClients(registry));
  created.push(...tls.created.map((name) => `tls/${name}`));
  return created;
}

/**
 * The development witness key of partner country `country`: the Ed25519 pair `witness-CC` and
 * `witness-CC.vkey`, its C2SP cosigner verifier key (`<name>+<id>+<base64(0x04 ‖ key)>`, one line)
 * for the key name `mekong-referral-hub/witness/CC`, which the hub's party registry reads. A
 * missing `.vkey` is derived again from the existing key; nothing existing is overwritten.
 *
 * @returns the files it created (`witness-CC`, `witness-CC.vkey`), for the set-up's report.
 */
export async function ensureWitnessKey(dir: string, country: string): Promise<string[]> {
  const name = `witness-${country}`;
  const created: string[] = [];
  const { pair, created: newKey } = await ensureKeyPair(dir, name);
  if (newKey) created.push(name);
  const vkeyFile = join(dir, `${name}.vkey`);
  if (!existsSync(vkeyFile)) {
    const publicKey = createPublicKey({ key: pair.publicJwk, format: 'jwk' });
    const vkey = formatCosignerVerifierKey(witnessKeyName(country), publicKey);
    // `wx`: never replace a file another set-up wrote in the meantime.
    writeFileSync(vkeyFile, `${vkey}\n`, { flag: 'wx' });
    created.push(`${name}.vkey`);
  }
  return created;
}
