import { accessSync, constants } from 'node:fs';
import { chromium, type Browser, type LaunchOptions } from 'playwright-core';

/** Where Debian's `chromium` package puts its launcher. */
export const DEBIAN_CHROMIUM = '/usr/bin/chromium';

/**
 * The Chromium executable the browser tests and the console benchmark drive with playwright-core,
 * which downloads no browser of its own: `CHROMIUM_PATH` when set, else Debian's. Throws, saying
 * how to install it, when that file is missing or not executable — a browser test must fail
 * loudly on a machine without Chromium, never skip.
 */
export function chromiumPath(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env['CHROMIUM_PATH'];
  const path = fromEnv !== undefined && fromEnv !== '' ? fromEnv : DEBIAN_CHROMIUM;
  try {
    accessSync(path, constants.X_OK);
  } catch {
    throw new Error(
      `Chromium not found at ${path}${fromEnv ? ' (CHROMIUM_PATH)' : ''}: the browser tests need ` +
        "Debian's chromium: `sudo apt-get update && sudo apt-get install -y " +
        '--no-install-recommends chromium` (`.ci/run` does this), or set CHROMIUM_PATH to ' +
        'another Chromium or Chrome executable.',
    );
  }
  return path;
}

/**
 * Flags for Debian's Chromium on a machine with a closed network (and as root, hence no sandbox):
 * without the background-networking ones Chromium keeps trying Google's hosts, and each refused
 * connection is noise at best and a delay at worst.
 */
export const CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Starts headless Chromium ({@link chromiumPath}: throws, saying how to install it, if missing). */
export function launchChromium(options: LaunchOptions = {}): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    ...options,
    args: [...CHROMIUM_ARGS, ...(options.args ?? [])],
  });
}
