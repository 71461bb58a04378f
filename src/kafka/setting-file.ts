import { readFileSync } from 'node:fs';
import { EnvError } from '../env';

/**
 * The text of the file the setting `variable` names, read at start-up.
 *
 * @throws EnvError naming the variable when the file cannot be read; `hint` says what to do
 */
export function readSettingFile(variable: string, file: string, hint = ''): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw settingError(
      variable,
      file,
      `cannot read it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})${hint}`,
    );
  }
}

/** The one-line start-up error of the file setting `variable`. */
export function settingError(variable: string, file: string, problem: string): EnvError {
  return new EnvError(
    `invalid environment variable ${variable}=${JSON.stringify(file)}: ${problem}`,
  );
}
