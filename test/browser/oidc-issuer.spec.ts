import { createHash, randomBytes } from 'node:crypto';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { remoteKeys } from '../../src/auth/remote-keys';
import { CONTRACT_CLAIMS, TokenVerifier } from '../../src/auth/token-verifier';
import { loadPartyRegistry } from '../../src/parties/party-registry';
import {
  OIDC_ACCOUNTS,
  OIDC_AUDIENCE,
  OIDC_CLIENT_ID,
  startOidcIssuer,
  type OidcAccountName,
  type OidcIssuer,
} from '../support/oidc-issuer';

const REDIRECT_URI = 'http://127.0.0.1:3999/auth/callback';

interface Discovery {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  jwks_uri: string;
  code_challenge_methods_supported: string[];
}

/** A browser's part in the flow, by hand: cookies kept per name, redirects followed one by one. */
class UserAgent {
  private readonly cookies = new Map<string, string>();

  /** Follows redirects from `url` until one leads to `stopAt` (returned) or a page (returned). */
  async navigate(url: string, init: RequestInit = {}, stopAt = REDIRECT_URI): Promise<Response> {
    let current = url;
    let request = init;
    for (let hop = 0; hop < 10; hop++) {
      const res = await fetch(current, {
        ...request,
        redirect: 'manual',
        headers: { ...(request.headers as Record<string, string>), cookie: this.cookieHeader() },
      });
      for (const line of res.headers.getSetCookie()) {
        const [pair = ''] = line.split(';');
        const eq = pair.indexOf('=');
        const name = pair.slice(0, eq).trim();
        const value = pair.slice(eq + 1).trim();
        if (value === '' || /expires=Thu, 01 Jan 1970/i.test(line)) this.cookies.delete(name);
        else this.cookies.set(name, value);
      }
      const location = res.headers.get('location');
      if (res.status < 300 || res.status >= 400 || location === null) return res;
      current = new URL(location, current).toString();
      request = {};
      if (current.startsWith(stopAt)) return new Response(null, { headers: { location: current } });
    }
    throw new Error(`more than 10 redirects from ${url}`);
  }

  /** Submits the page's only form with `fields`, as a browser would. */
  async submit(page: Response, fields: Record<string, string>): Promise<Response> {
    const html = await page.text();
    const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
    if (action === undefined) throw new Error(`no form on the page:\n${html.slice(0, 2000)}`);
    const hidden = Object.fromEntries(
      [...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)].map((m) => [
        m[1],
        m[2],
      ]),
    );
    return this.navigate(new URL(action.replaceAll('&amp;', '&'), page.url).toString(), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...hidden, ...fields }).toString(),
    });
  }

  private cookieHeader(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }
}

const base64url = (bytes: Buffer): string => bytes.toString('base64url');

/** A fresh PKCE pair (RFC 7636, S256). */
function pkce(): { verifier: string; challenge: string } {
  const verifier = base64url(randomBytes(32));
  return { verifier, challenge: base64url(createHash('sha256').update(verifier).digest()) };
}

describe('the test OpenID Connect issuer', () => {
  let issuer: OidcIssuer;
  let discovery: Discovery;

  beforeAll(async () => {
    issuer = await startOidcIssuer({ redirectUri: REDIRECT_URI });
    const res = await fetch(`${issuer.issuer}/.well-known/openid-configuration`);
    discovery = (await res.json()) as Discovery;
  });

  afterAll(async () => {
    await issuer?.stop();
  });

  /** The pages the last {@link authorize} went through. */
  let prompts: string[] = [];

  /** Signs `account` in through the login and consent pages; returns where it was sent back. */
  async function authorize(account: OidcAccountName, params: Record<string, string>): Promise<URL> {
    prompts = [];
    const agent = new UserAgent();
    const query = new URLSearchParams({
      client_id: OIDC_CLIENT_ID,
      response_type: 'code',
      redirect_uri: REDIRECT_URI,
      scope: 'openid profile',
      state: base64url(randomBytes(12)),
      nonce: base64url(randomBytes(12)),
      ...params,
    });
    let page = await agent.navigate(`${discovery.authorization_endpoint}?${query.toString()}`);
    for (let step = 0; step < 4 && page.headers.get('location') === null; step++) {
      const html = await page.clone().text();
      if (html.includes('name="prompt" value="login"')) {
        prompts.push('login');
        page = await agent.submit(page, { login: account, password: 'any password at all' });
      } else if (html.includes('name="prompt" value="consent"')) {
        prompts.push('consent');
        page = await agent.submit(page, {});
      } else {
        throw new Error(`unexpected page ${page.status}:\n${html.slice(0, 2000)}`);
      }
    }
    const back = page.headers.get('location');
    if (back === null) throw new Error('never sent back to the redirect URI');
    const url = new URL(back);
    expect(url.searchParams.get('state')).toBe(query.get('state'));
    return url;
  }

  function exchange(code: string, verifier: string): Promise<Response> {
    return fetch(discovery.token_endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        redirect_uri: REDIRECT_URI,
        client_id: OIDC_CLIENT_ID,
        code_verifier: verifier,
      }).toString(),
    });
  }

  it('publishes its endpoints, keys and PKCE S256 in the discovery document', () => {
    expect(discovery.issuer).toBe(issuer.issuer);
    expect(discovery.jwks_uri).toBe(issuer.jwksUri);
    expect(discovery.code_challenge_methods_supported).toEqual(['S256']);
    expect(issuer.env).toEqual({
      AUTH_OIDC_ISSUER: issuer.issuer,
      AUTH_OIDC_JWKS_URL: issuer.jwksUri,
      AUTH_OIDC_AUDIENCE: 'urn:referral-hub',
      AUTH_OIDC_CLIENT_ID: 'referral-hub-console',
    });
  });

  it.each(Object.keys(OIDC_ACCOUNTS) as OidcAccountName[])(
    'signs %s in with code + PKCE: an ES256 JWT access token for urn:referral-hub with party and roles',
    async (account) => {
      const { verifier, challenge } = pkce();
      const back = await authorize(account, {
        code_challenge: challenge,
        code_challenge_method: 'S256',
      });
      const code = back.searchParams.get('code');
      expect(prompts).toEqual(['login', 'consent']);
      expect(back.searchParams.get('iss')).toBe(issuer.issuer);
      expect(code).toEqual(expect.any(String));

      const res = await exchange(code!, verifier);
      const body = (await res.json()) as Record<string, unknown>;

      expect(res.status).toBe(200);
      expect(body).toMatchObject({
        token_type: 'Bearer',
        scope: expect.stringContaining('openid'),
      });
      const accessToken = body['access_token'] as string;
      expect(decodeProtectedHeader(accessToken)).toMatchObject({ alg: 'ES256', typ: 'at+jwt' });
      const { payload } = await jwtVerify(
        accessToken,
        createRemoteJWKSet(new URL(issuer.jwksUri)),
        {
          issuer: issuer.issuer,
          audience: OIDC_AUDIENCE,
          algorithms: ['ES256'],
        },
      );
      expect(payload).toMatchObject({
        sub: account,
        client_id: OIDC_CLIENT_ID,
        party: OIDC_ACCOUNTS[account].party,
        roles: OIDC_ACCOUNTS[account].roles,
      });
    },
  );

  it("gives tokens the hub's own verifier accepts as the account's party and roles", async () => {
    const { verifier, challenge } = pkce();
    const back = await authorize('vientiane-supervisor', {
      code_challenge: challenge,
      code_challenge_method: 'S256',
    });
    const res = await exchange(back.searchParams.get('code')!, verifier);
    const { access_token: accessToken } = (await res.json()) as { access_token: string };
    const hubVerifier = new TokenVerifier(
      [
        {
          issuer: issuer.issuer,
          audience: OIDC_AUDIENCE,
          algorithms: ['ES256'],
          key: remoteKeys(issuer.jwksUri, {
            timeoutMs: 2000,
            cooldownMs: 0,
            cacheMaxAgeMs: 60_000,
          }),
          claims: CONTRACT_CLAIMS,
        },
      ],
      30,
      loadPartyRegistry('config'),
    );

    const principal = await hubVerifier.verify(accessToken);

    expect(principal).toMatchObject({
      sub: 'vientiane-supervisor',
      party: 'LA-PDPCHT',
      roles: ['supervisor'],
    });
  });

  it('refuses the code with a wrong code_verifier', async () => {
    const { challenge } = pkce();
    const back = await authorize('bokeo-officer', {
      code_challenge: challenge,
      code_challenge_method: 'S256',
    });

    const res = await exchange(back.searchParams.get('code')!, pkce().verifier);

    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'invalid_grant' });
  });

  it('refuses an authorization request without a code_challenge', async () => {
    const agent = new UserAgent();
    const query = new URLSearchParams({
      client_id: OIDC_CLIENT_ID,
      response_type: 'code',
      redirect_uri: REDIRECT_URI,
      scope: 'openid profile',
      state: 'no-pkce',
    });

    const res = await agent.navigate(`${discovery.authorization_endpoint}?${query.toString()}`);

    const back = new URL(res.headers.get('location')!);
    expect(back.searchParams.get('error')).toBe('invalid_request');
    expect(back.searchParams.get('error_description')).toMatch(/requires PKCE/);
    expect(back.searchParams.get('code')).toBeNull();
  });

  it('refuses a redirect URI it was not given', async () => {
    const { challenge } = pkce();
    const query = new URLSearchParams({
      client_id: OIDC_CLIENT_ID,
      response_type: 'code',
      redirect_uri: 'http://127.0.0.1:4000/elsewhere',
      scope: 'openid profile',
      code_challenge: challenge,
      code_challenge_method: 'S256',
    });

    const res = await fetch(`${discovery.authorization_endpoint}?${query.toString()}`, {
      redirect: 'manual',
    });

    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
  });
});
