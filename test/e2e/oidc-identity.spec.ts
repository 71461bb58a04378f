import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { startTestApp } from '../support/test-app';
import { TestIdp } from '../support/test-idp';
import { tokenFor } from '../support/tokens';

/** The hub's settings for `idp` as an external issuer (as for a Keycloak realm). */
function oidcEnv(idp: TestIdp, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    AUTH_OIDC_ISSUER: idp.issuer,
    AUTH_OIDC_JWKS_URL: idp.jwksUrl,
    AUTH_OIDC_AUDIENCE: 'referral-hub',
    AUTH_OIDC_ALGORITHMS: 'RS256,ES256',
    // Every unknown kid fetches the set at once, so rotation shows without waiting.
    AUTH_OIDC_JWKS_COOLDOWN_MS: '0',
    AUTH_OIDC_JWKS_TIMEOUT_MS: '500',
    ...extra,
  };
}

describe('the hub behind an external OpenID Connect issuer', () => {
  let idp: TestIdp;
  let app: NestFastifyApplication;

  beforeAll(async () => {
    idp = await TestIdp.start('RS256');
    app = await startTestApp(oidcEnv(idp));
  });

  afterAll(async () => {
    await app?.close();
    await idp?.close();
  });

  function me(token: string): Promise<request.Response> {
    return request(app.getHttpServer()).get('/v1/me').auth(token, { type: 'bearer' });
  }

  it('knows an officer from a Keycloak access token', async () => {
    const res = await me(
      await idp.token({
        sub: '5d1c9e4e-officer',
        party: 'LA-BOKEO-POLICE',
        realmRoles: ['default-roles-mekong', 'offline_access', 'supervisor'],
      }),
    );

    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      sub: '5d1c9e4e-officer',
      party: 'LA-BOKEO-POLICE',
      roles: ['supervisor'],
      partyName: { en: 'Bokeo Provincial Police' },
    });
  });

  it('verifies a token by a key rotated in after the keys were cached', async () => {
    expect((await me(await idp.token())).status).toBe(200);

    await idp.rotate('ES256');
    const res = await me(await idp.token());

    expect(res.status).toBe(200);
  });

  it('applies the same permissions to its officers: an auditor changes nothing', async () => {
    const token = await idp.token({ realmRoles: ['auditor'], party: 'LA-PDPCHT' });

    const res = await request(app.getHttpServer())
      .post('/v1/referrals')
      .auth(token, { type: 'bearer' })
      .send({});

    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ code: 'forbidden', permission: 'referral.create' });
  });

  it.each([
    [
      'signed by a key the issuer never published',
      async () => {
        const stranger = await idp.addKey('RS256', false);
        return idp.token({ kid: stranger.kid });
      },
    ],
    ['from another issuer', () => idp.token({ issuer: 'https://sso.evil.example/realms/mekong' })],
    ['for another audience', () => idp.token({ audience: 'account' })],
    ['expired', () => idp.token({ expiresIn: Math.floor(Date.now() / 1000) - 600 })],
    ['with a party the registry does not know', () => idp.token({ party: 'XX-NOBODY' })],
  ])('refuses a token %s with 401 problem+json', async (_what, make) => {
    const res = await me(await make());

    expect(res.status).toBe(401);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 401, code: 'invalid-token', instance: '/v1/me' });
  });

  it('still trusts the development issuer while it is enabled', async () => {
    expect((await me(await tokenFor())).status).toBe(200);
  });

  it('answers 503 problem+json, not 401, while the issuer cannot be reached for a new key', async () => {
    idp.mode = 'hang';
    try {
      const stranger = await idp.addKey('RS256');
      const res = await me(await idp.token({ kid: stranger.kid }));

      expect(res.status).toBe(503);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body.code).toBe('issuer-unavailable');
    } finally {
      idp.mode = 'serve';
    }
  });

  describe('in production, with the development issuer turned off', () => {
    let production: NestFastifyApplication;

    beforeAll(async () => {
      production = await startTestApp(oidcEnv(idp, { AUTH_DEV_ISSUER_ENABLED: 'false' }));
    });

    afterAll(async () => {
      await production?.close();
    });

    it("refuses the development issuer's tokens and takes the external issuer's", async () => {
      const dev = await request(production.getHttpServer())
        .get('/v1/me')
        .auth(await tokenFor(), { type: 'bearer' });
      const external = await request(production.getHttpServer())
        .get('/v1/me')
        .auth(await idp.token(), { type: 'bearer' });

      expect(dev.status).toBe(401);
      expect(dev.body.code).toBe('invalid-token');
      expect(external.status).toBe(200);
    });
  });
});
