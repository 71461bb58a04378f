import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Env } from '../src/env';
import { configMarkdown, readmeWithConfig } from './config-table';
import { repoRoot } from './lib/repo-root';

const file = join(repoRoot(), 'README.md');

/** The variables named in the first column of the README's generated Configuration table. */
function readmeVariables(): string[] {
  const readme = readFileSync(file, 'utf8');
  const region = /<!-- config:begin[^>]*-->([\s\S]*?)<!-- config:end -->/.exec(readme)?.[1] ?? '';
  return [...region.matchAll(/^\| `([A-Z0-9_]+)` +\|/gm)].map((match) => match[1] ?? '');
}

describe('the README configuration table', () => {
  it('is the one generated from src/env.ts (else run `npm run docs:config`)', () => {
    const readme = readFileSync(file, 'utf8');

    expect(readmeWithConfig(readme, file)).toBe(readme);
  });

  it('has one row for every property of the env class, and no other', () => {
    // Object.keys of an instance is how loadEnv decides which variables exist.
    const properties = Object.keys(new Env());

    expect(readmeVariables().sort()).toEqual([...properties].sort());
  });

  it('shows (none), never an empty cell, for every variable without a default', () => {
    const env = new Env();
    const unset = (Object.keys(env) as (keyof Env)[]).filter((name) => env[name] === '');

    expect(unset).toContain('AUTH_OIDC_ISSUER');
    for (const name of unset) expect(configMarkdown()).toContain(`| \`${name}\` | (none) |`);
  });
});
