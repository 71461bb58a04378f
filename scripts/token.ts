import 'reflect-metadata';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { isRole, ROLES } from '../src/auth/roles';
import { loadPartyRegistry } from '../src/parties/party-registry';
import { mintDevToken } from './lib/dev-token';
import { repoRoot } from './lib/repo-root';

const USAGE =
  'usage: npm run token -- --party <code> --role <role> [--role <role> …] [--sub <id>] [--ttl <minutes>]';

/** `npm run token`: prints a development JWT signed by the dev issuer, and nothing else. */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      party: { type: 'string' },
      role: { type: 'string', multiple: true },
      sub: { type: 'string' },
      ttl: { type: 'string', default: '480' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const registry = loadPartyRegistry(join(repoRoot(), 'config'));
  const party = values.party;
  if (party === undefined || !registry.party(party)) {
    const known = registry
      .allParties()
      .map((p) => p.code)
      .join(', ');
    throw new Error(`--party must be a registered party (${known})\n${USAGE}`);
  }
  const roles = values.role ?? [];
  if (roles.length === 0 || !roles.every(isRole)) {
    throw new Error(`--role must be one of ${ROLES.join(', ')}\n${USAGE}`);
  }
  const ttlMinutes = Number(values.ttl);
  if (!Number.isInteger(ttlMinutes) || ttlMinutes < 1 || ttlMinutes > 7 * 24 * 60) {
    throw new Error('--ttl must be a number of minutes between 1 and 10080');
  }
  const { token } = await mintDevToken({
    party,
    roles,
    sub: values.sub ?? `${party.toLowerCase()}-${roles[0] ?? 'officer'}`,
    ttlSeconds: ttlMinutes * 60,
  });
  process.stdout.write(`${token}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`token: ${(error as Error).message}\n`);
  process.exit(1);
});
