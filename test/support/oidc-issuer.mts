/**
 * A test OpenID Connect provider (panva's `oidc-provider`, which is ESM-only, hence this separate
 * process; start it with `startOidcIssuer` from `oidc-issuer.ts`, or by hand:
 * `npx tsx test/support/oidc-issuer.mts --port 4400 --redirect-uri http://127.0.0.1:3000/auth/callback`).
 *
 * One public client, `referral-hub-console` (no secret, PKCE S256 required, authorization code
 * only); the development login and consent pages (any password) for the accounts of
 * `oidc-accounts.json`; ES256 keys made at start; access tokens are JWTs for the resource
 * `urn:referral-hub` (its `aud`), carrying the account's `party` and `roles`.
 *
 * Prints one line `OIDC_ISSUER_READY <json>` on stdout when it listens, then the hub's settings.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { calculateJwkThumbprint, exportJWK, generateKeyPair } from 'jose';
import Provider, { errors, type Configuration } from 'oidc-provider';

export const CLIENT_ID = 'referral-hub-console';
export const AUDIENCE = 'urn:referral-hub';

interface Account {
  name: string;
  party: string;
  roles: string[];
}

const { accounts } = JSON.parse(
  readFileSync(new URL('./oidc-accounts.json', import.meta.url), 'utf8'),
) as { accounts: Record<string, Account> };

const accountOf = (id: string): Account | undefined =>
  Object.hasOwn(accounts, id) ? accounts[id] : undefined;

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    host: { type: 'string', default: '127.0.0.1' },
    'redirect-uri': { type: 'string', multiple: true, default: [] },
  },
});
const redirectUris = values['redirect-uri'];
if (redirectUris.length === 0) throw new Error('oidc-issuer: give at least one --redirect-uri');

const { privateKey } = await generateKeyPair('ES256', { extractable: true });
const jwk = await exportJWK(privateKey);
const signingKey = { ...jwk, kid: await calculateJwkThumbprint(jwk), alg: 'ES256', use: 'sig' };

const server = createServer();
await new Promise<void>((resolve) => server.listen(Number(values.port), values.host, resolve));
const { port } = server.address() as AddressInfo;
const issuer = `http://${values.host}:${port}`;

const configuration: Configuration = {
  clients: [
    {
      client_id: CLIENT_ID,
      token_endpoint_auth_method: 'none',
      redirect_uris: redirectUris,
      response_types: ['code'],
      grant_types: ['authorization_code'],
      id_token_signed_response_alg: 'ES256',
    },
  ],
  pkce: { required: () => true },
  scopes: ['openid', 'profile'],
  claims: { openid: ['sub'], profile: ['name', 'party', 'roles'] },
  jwks: { keys: [signingKey] },
  cookies: { keys: [randomBytes(32).toString('base64url')] },
  features: {
    devInteractions: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => AUDIENCE,
      useGrantedResource: () => true,
      getResourceServerInfo: (_ctx, indicator) => {
        if (indicator !== AUDIENCE) throw new errors.InvalidTarget();
        return {
          audience: AUDIENCE,
          accessTokenFormat: 'jwt',
          jwt: { sign: { alg: 'ES256' } },
          scope: 'openid profile',
        };
      },
    },
  },
  extraTokenClaims: (_ctx, token) => {
    const account = 'accountId' in token ? accountOf(token.accountId) : undefined;
    return account ? { party: account.party, roles: account.roles } : undefined;
  },
  findAccount: (_ctx, id) => {
    const account = accountOf(id);
    if (!account) return undefined;
    return { accountId: id, claims: () => ({ sub: id, ...account }) };
  },
};

const provider = new Provider(issuer, configuration);
const handle = provider.callback();
server.on('request', (req, res) => {
  // Koa's handler answers every request itself (errors included); nothing is left to await.
  void handle(req, res);
});

const ready = { issuer, jwks_uri: `${issuer}/jwks`, client_id: CLIENT_ID, audience: AUDIENCE };
process.stdout.write(`OIDC_ISSUER_READY ${JSON.stringify(ready)}\n`);
process.stdout.write(
  [
    'the hub needs:',
    `  AUTH_OIDC_ISSUER=${issuer}`,
    `  AUTH_OIDC_JWKS_URL=${ready.jwks_uri}`,
    `  AUTH_OIDC_AUDIENCE=${AUDIENCE}`,
    `  AUTH_OIDC_CLIENT_ID=${CLIENT_ID}`,
    `accounts (any password): ${Object.keys(accounts).join(', ')}`,
    '',
  ].join('\n'),
);

const stop = (): void => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
};
process.once('SIGTERM', stop).once('SIGINT', stop);
