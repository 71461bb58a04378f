import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AUDIT_ACTION_NAMES } from '../src/audit-trail/audit-actions';
import { readmeAuditActions, readmeWithAuditActions } from './audit-actions-table';
import { repoRoot } from './lib/repo-root';

describe('the README table of audited actions', () => {
  const file = join(repoRoot(), 'README.md');
  const readme = readFileSync(file, 'utf8');

  it('is the one in src/audit-trail/audit-actions.ts (else run `npm run docs:audit-actions`)', () => {
    expect(readmeWithAuditActions(readme, file)).toBe(readme);
  });

  it('names every audited action once, and nothing else', () => {
    expect(readmeAuditActions(readme)).toEqual([...AUDIT_ACTION_NAMES]);
  });
});
