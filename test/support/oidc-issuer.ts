import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '../../scripts/lib/repo-root';
import { accounts } from './oidc-accounts.json';

/** The console's OpenID Connect client (public, PKCE S256). */
export const OIDC_CLIENT_ID = 'referral-hub-console';
/** The resource the issuer's access tokens are for: their `aud`. */
export const OIDC_AUDIENCE = 'urn:referral-hub';

/** The test issuer's accounts (log in with the name, any password). */
export type OidcAccountName = keyof typeof accounts;
export const OIDC_ACCOUNTS = accounts;

/** A running test issuer (`oidc-issuer.mts` in a child process). */
export interface OidcIssuer {
  issuer: string;
  jwksUri: string;
  /** The hub's settings to trust it, as `AUTH_OIDC_*` variables. */
  env: Record<string, string>;
  stop(): Promise<void>;
}

export interface OidcIssuerOptions {
  /** 0 (default): an ephemeral port. */
  port?: number;
  /** Where the issuer may send the browser back with a code, e.g. the hub's `/auth/callback`. */
  redirectUri: string | string[];
  timeoutMs?: number;
}

const MAIN = join(__dirname, 'oidc-issuer.mts');

/**
 * Starts the test OpenID Connect issuer (panva's `oidc-provider`, ESM-only, so in a process of its
 * own reached over real HTTP) and resolves once it listens.
 */
export function startOidcIssuer(options: OidcIssuerOptions): Promise<OidcIssuer> {
  const redirects = Array.isArray(options.redirectUri)
    ? options.redirectUri
    : [options.redirectUri];
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      MAIN,
      '--port',
      String(options.port ?? 0),
      ...redirects.flatMap((uri) => ['--redirect-uri', uri]),
    ],
    { cwd: repoRoot(), stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  // Jest's --forceExit skips afterAll hooks: the issuer must not outlive the test process.
  const killOnExit = (): void => {
    child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      process.off('exit', killOnExit);
      resolve();
    }),
  );
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  return new Promise<OidcIssuer>((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`oidc issuer not ready in ${options.timeoutMs ?? 20_000} ms:\n${output}`));
    }, options.timeoutMs ?? 20_000);
    const fail = (why: string): void => {
      clearTimeout(timer);
      reject(new Error(`oidc issuer ${why}:\n${output}`));
    };
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const line = /^OIDC_ISSUER_READY (.+)$/m.exec(output)?.[1];
      if (line === undefined) return;
      clearTimeout(timer);
      const ready = JSON.parse(line) as { issuer: string; jwks_uri: string };
      resolve({
        issuer: ready.issuer,
        jwksUri: ready.jwks_uri,
        env: {
          AUTH_OIDC_ISSUER: ready.issuer,
          AUTH_OIDC_JWKS_URL: ready.jwks_uri,
          AUTH_OIDC_AUDIENCE: OIDC_AUDIENCE,
          AUTH_OIDC_CLIENT_ID: OIDC_CLIENT_ID,
        },
        stop,
      });
    });
    child.once('error', (error) => fail(`could not start: ${error.message}`));
    child.once('exit', (code, signal) => fail(`exited (${signal ?? code}) before it was ready`));
  });
}
