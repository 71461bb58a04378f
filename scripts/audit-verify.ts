import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { verifyBundle } from '../src/audit/audit-bundle';

const USAGE =
  'usage: npm run audit:verify -- <bundle.json> [--key <hub verifier key>] ' +
  '[--witness <witness verifier key> …] [--quorum <n>]';

/**
 * `npm run audit:verify`: checks a history bundle (`GET /v1/referrals/{id}/history/bundle`) with
 * no database and no network, and says plainly what holds and what does not: the hub's signature,
 * the partner witnesses' cosignatures against the quorum, every entry's inclusion. Exit 0 only
 * when everything holds.
 */
function main(): number {
  const { values, positionals } = parseArgs({
    options: {
      key: { type: 'string' },
      witness: { type: 'string', multiple: true },
      quorum: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: true,
  });
  const file = positionals[0];
  if (values.help || file === undefined) {
    console.log(USAGE);
    return values.help ? 0 : 2;
  }
  let bundle: unknown;
  try {
    bundle = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    console.error(`✘ cannot read ${file}: ${(error as Error).message}`);
    return 1;
  }
  const quorum = values.quorum === undefined ? undefined : Number(values.quorum);
  if (quorum !== undefined && (!Number.isSafeInteger(quorum) || quorum < 0)) {
    console.error(`✘ --quorum must be a whole number ≥ 0\n${USAGE}`);
    return 2;
  }
  const findings = verifyBundle(bundle, {
    ...(values.key !== undefined && { hubKey: values.key }),
    ...(values.witness !== undefined && { witnessKeys: values.witness }),
    ...(quorum !== undefined && { quorum }),
  });
  for (const finding of findings) console.log(`${finding.ok ? '✔' : '✘'} ${finding.message}`);
  const bad = findings.filter((f) => !f.ok).length;
  console.log(
    bad === 0 ? 'VERIFIED: every entry is in the signed log.' : `NOT VERIFIED: ${bad} problem(s).`,
  );
  return bad === 0 ? 0 : 1;
}

process.exitCode = main();
