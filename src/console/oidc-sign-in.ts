import { createHash, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { jwtVerify, type JWTVerifyGetKey } from 'jose';
import { AuthError } from '../auth/auth.error';
import type { Principal } from '../auth/principal';
import { remoteKeys } from '../auth/remote-keys';
import { consoleOrigin } from '../auth/session-cookie';
import { TokenVerifier } from '../auth/token-verifier';
import { AppConfig } from '../config/app-config';
import { Transactions } from '../database/transactions';

/** The parts of the issuer's discovery document the console uses. */
interface Discovery {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
}

/** A sign-in must come back within this long. */
const LOGIN_TTL_MS = 10 * 60_000;

/** The path the issuer redirects back to, on this hub. */
export const CALLBACK_PATH = '/auth/callback';

/**
 * Officers' sign-in to the console at the external OpenID Connect issuer (Keycloak …): the
 * authorization code flow with PKCE (S256), run by the hub for the browser, so that no token ever
 * reaches the browser. The hub keeps the PKCE verifier, `state` and `nonce` of each sign-in under
 * way (`console_logins`, ten minutes, used once), exchanges the code at the token endpoint,
 * checks the ID token (signature, issuer, audience = client id, nonce) and takes the officer from
 * the access token exactly as the API does for a bearer token (issuer, audience, party, roles).
 */
@Injectable()
export class OidcSignIn {
  private discovery: Promise<Discovery> | undefined;
  private readonly idTokenKeys: JWTVerifyGetKey | undefined;

  constructor(
    private readonly config: AppConfig,
    private readonly transactions: Transactions,
    private readonly verifier: TokenVerifier,
  ) {
    const env = config.env;
    this.idTokenKeys = this.enabled
      ? remoteKeys(env.AUTH_OIDC_JWKS_URL, {
          timeoutMs: env.AUTH_OIDC_JWKS_TIMEOUT_MS,
          cooldownMs: env.AUTH_OIDC_JWKS_COOLDOWN_MS,
          cacheMaxAgeMs: env.AUTH_OIDC_JWKS_CACHE_MAX_AGE_MS,
        })
      : undefined;
  }

  /** Whether the console signs in at the external issuer (`AUTH_OIDC_CLIENT_ID` set). */
  get enabled(): boolean {
    return this.config.env.AUTH_OIDC_CLIENT_ID !== '' && this.config.env.AUTH_OIDC_ISSUER !== '';
  }

  private get redirectUri(): string {
    return new URL(CALLBACK_PATH, consoleOrigin(this.config.env)).toString();
  }

  /** Starts a sign-in: the issuer's authorization URL to send the browser to. */
  async start(returnTo: string): Promise<string> {
    const env = this.config.env;
    const discovery = await this.discover();
    const state = randomBytes(32).toString('base64url');
    const nonce = randomBytes(32).toString('base64url');
    const verifier = randomBytes(48).toString('base64url');
    const now = new Date();
    await this.transactions.query(
      `INSERT INTO console_logins (state, code_verifier, nonce, return_to, created_at)
       VALUES ($1, $2, $3, $4, $5)`,
      [state, verifier, nonce, returnTo, now],
    );
    await this.transactions.query(`DELETE FROM console_logins WHERE created_at < $1`, [
      new Date(now.getTime() - LOGIN_TTL_MS),
    ]);
    const url = new URL(discovery.authorization_endpoint);
    url.search = new URLSearchParams({
      response_type: 'code',
      client_id: env.AUTH_OIDC_CLIENT_ID,
      redirect_uri: this.redirectUri,
      scope: env.AUTH_OIDC_SCOPES,
      state,
      nonce,
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
    }).toString();
    return url.toString();
  }

  /**
   * Completes a sign-in from the issuer's redirect: the officer, until when the access token is
   * valid, and where the console should go. Refuses (401 `sign-in-failed`) an unknown, used or
   * expired `state`, an error from the issuer, and any token that does not check out.
   */
  async finish(
    query: Record<string, string | undefined>,
  ): Promise<{ principal: Principal; notAfter: Date; returnTo: string }> {
    const env = this.config.env;
    const rows = await this.transactions.query<{
      code_verifier: string;
      nonce: string;
      return_to: string;
      created_at: Date;
    }>(
      // Used once: the row goes as it is read. (A CTE, so that the answer is plain rows.)
      `WITH used AS (DELETE FROM console_logins WHERE state = $1
         RETURNING code_verifier, nonce, return_to, created_at)
       SELECT * FROM used`,
      [query.state ?? ''],
    );
    const login = rows[0];
    if (!login || Date.now() - login.created_at.getTime() > LOGIN_TTL_MS) {
      throw new AuthError('sign-in-failed', 'This sign-in is unknown or expired; start again.');
    }
    if (query.error !== undefined) {
      throw new AuthError(
        'sign-in-failed',
        `The identity provider refused the sign-in: ${query.error.slice(0, 100)}.`,
      );
    }
    if (query.code === undefined || query.code === '') {
      throw new AuthError('sign-in-failed', 'The identity provider sent no code.');
    }
    const discovery = await this.discover();
    const body = new URLSearchParams({
      grant_type: 'authorization_code',
      code: query.code,
      redirect_uri: this.redirectUri,
      client_id: env.AUTH_OIDC_CLIENT_ID,
      code_verifier: login.code_verifier,
    });
    const headers: Record<string, string> = {
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
    };
    if (env.AUTH_OIDC_CLIENT_SECRET !== '') {
      const basic = `${encodeURIComponent(env.AUTH_OIDC_CLIENT_ID)}:${encodeURIComponent(env.AUTH_OIDC_CLIENT_SECRET)}`;
      headers.authorization = `Basic ${Buffer.from(basic).toString('base64')}`;
    }
    const response = await fetch(discovery.token_endpoint, {
      method: 'POST',
      headers,
      body,
      signal: AbortSignal.timeout(env.AUTH_OIDC_JWKS_TIMEOUT_MS),
    }).catch((error: unknown) => {
      throw new AuthError(
        'issuer-unavailable',
        `The identity provider does not answer (${(error as Error).message}).`,
      );
    });
    const tokens = (await response.json().catch(() => ({}))) as {
      access_token?: unknown;
      id_token?: unknown;
      error?: unknown;
    };
    if (!response.ok || typeof tokens.access_token !== 'string') {
      throw new AuthError(
        'sign-in-failed',
        `The identity provider did not issue tokens (${typeof tokens.error === 'string' ? tokens.error.slice(0, 100) : `HTTP ${response.status}`}).`,
      );
    }
    if (typeof tokens.id_token !== 'string' || !this.idTokenKeys) {
      throw new AuthError('sign-in-failed', 'The identity provider sent no ID token.');
    }
    try {
      const { payload } = await jwtVerify(tokens.id_token, this.idTokenKeys, {
        issuer: env.AUTH_OIDC_ISSUER,
        audience: env.AUTH_OIDC_CLIENT_ID,
        algorithms: env.AUTH_OIDC_ALGORITHMS.split(','),
        clockTolerance: env.AUTH_CLOCK_TOLERANCE_SECONDS,
      });
      if (payload.nonce !== login.nonce) throw new Error('nonce mismatch');
    } catch (error) {
      throw new AuthError(
        'sign-in-failed',
        `The ID token does not check out (${(error as Error).message}).`,
      );
    }
    const { principal, expiresAt } = await this.verifier.verifyUntil(tokens.access_token);
    return { principal, notAfter: new Date(expiresAt), returnTo: login.return_to };
  }

  private discover(): Promise<Discovery> {
    this.discovery ??= this.fetchDiscovery().catch((error: unknown) => {
      this.discovery = undefined;
      throw error;
    });
    return this.discovery;
  }

  private async fetchDiscovery(): Promise<Discovery> {
    const issuer = this.config.env.AUTH_OIDC_ISSUER;
    const url = `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
    let document: Partial<Discovery>;
    try {
      const response = await fetch(url, {
        signal: AbortSignal.timeout(this.config.env.AUTH_OIDC_JWKS_TIMEOUT_MS),
      });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      document = (await response.json()) as Partial<Discovery>;
    } catch (error) {
      throw new AuthError(
        'issuer-unavailable',
        `The identity provider's configuration cannot be read (${(error as Error).message}).`,
      );
    }
    if (
      document.issuer !== issuer ||
      typeof document.authorization_endpoint !== 'string' ||
      typeof document.token_endpoint !== 'string'
    ) {
      throw new AuthError(
        'issuer-unavailable',
        `The identity provider's configuration at ${url} does not describe ${issuer}.`,
      );
    }
    return document as Discovery;
  }
}
