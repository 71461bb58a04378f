import { join } from 'node:path';
import {
  DEV_DATA_MASTER_KEY,
  DEV_ISSUER_KEY,
  DEV_KEYS_DIR,
  ensureKeyPair,
  ensureMasterKey,
} from '../../src/auth/dev-keys';
import { loadPartyRegistry } from '../../src/parties/party-registry';
import { repoRoot } from './repo-root';

/**
 * Generates the development keys that are missing: the token issuer's, the hub's event-signing
 * key, one per partner country (`partner-CC`) and the master key of personal data at rest.
 * Never overwrites an existing key.
 */
export async function ensureDevKeys(): Promise<string[]> {
  const dir = join(repoRoot(), DEV_KEYS_DIR);
  const registry = loadPartyRegistry(join(repoRoot(), 'config'));
  const names = [
    DEV_ISSUER_KEY,
    'hub',
    ...registry.partnerCountries().map((country) => `partner-${country}`),
  ];
  const created: string[] = [];
  for (const name of names) {
    if ((await ensureKeyPair(dir, name)).created) created.push(name);
  }
  if (ensureMasterKey(dir).created) created.push(DEV_DATA_MASTER_KEY);
  return created;
}
