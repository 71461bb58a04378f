import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { repoRoot } from './repo-root';

/** The two HTML comments that fence a generated region of the README. */
export interface ReadmeMarkers {
  readonly begin: string;
  readonly end: string;
}

/**
 * The README with the region between `markers` replaced by `body`, formatted as Prettier formats
 * the README, so that `format:check` agrees with what the generators write and a generator's
 * check compares like with like. Prettier runs as its own process: its API loads plugins by
 * dynamic import, which Jest's CommonJS runtime cannot do.
 *
 * @throws Error when the README lacks the markers (they are how a reader knows not to edit there).
 */
export function replaceReadmeRegion(
  readme: string,
  readmeFile: string,
  markers: ReadmeMarkers,
  body: string,
): string {
  const begin = readme.indexOf(markers.begin);
  const end = readme.indexOf(markers.end);
  if (begin < 0 || end < begin) {
    throw new Error(`README.md lacks the markers ${markers.begin} … ${markers.end}`);
  }
  const spliced = `${readme.slice(0, begin + markers.begin.length)}\n\n${body}\n\n${readme.slice(end)}`;
  return execFileSync(
    process.execPath,
    [require.resolve('prettier/bin/prettier.cjs'), '--stdin-filepath', readmeFile],
    { input: spliced, encoding: 'utf8' },
  );
}

/** What a README generator's command says about itself. */
export interface ReadmeGenerator {
  /** The region's name in messages, e.g. `permissions table`. */
  readonly table: string;
  /** Where the table comes from, e.g. `src/auth/permissions.ts`. */
  readonly source: string;
  /** The npm script that writes it, e.g. `docs:permissions`. */
  readonly script: string;
  /** The README with the region regenerated. */
  readonly regenerate: (readme: string, readmeFile: string) => string;
}

/**
 * The body of a `docs:*` command: writes the regenerated region into README.md; with `--check`,
 * writes nothing and fails (exit code 1) when the README's region is not the code's.
 *
 * @returns the process exit code.
 */
export function writeOrCheckReadme(generator: ReadmeGenerator, args: string[]): number {
  const { values } = parseArgs({ args, options: { check: { type: 'boolean', default: false } } });
  const file = join(repoRoot(), 'README.md');
  const current = readFileSync(file, 'utf8');
  const fresh = generator.regenerate(current, file);
  if (fresh === current) return 0;
  if (values.check) {
    console.error(
      `README.md: the ${generator.table} differs from ${generator.source}; run \`npm run ${generator.script}\``,
    );
    return 1;
  }
  writeFileSync(file, fresh);
  console.log(`README.md: ${generator.table} updated`);
  return 0;
}
