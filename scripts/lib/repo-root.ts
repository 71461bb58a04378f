import { resolve } from 'node:path';

/** The repository's root folder, whatever the current directory. */
export function repoRoot(): string {
  return resolve(__dirname, '..', '..');
}
