import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './lib/repo-root';
import { readmeWithPermissions } from './permissions-table';

describe('the README permissions table', () => {
  it('is the one in src/auth/permissions.ts (else run `npm run docs:permissions`)', () => {
    const file = join(repoRoot(), 'README.md');
    const readme = readFileSync(file, 'utf8');

    expect(readmeWithPermissions(readme, file)).toBe(readme);
  });
});
