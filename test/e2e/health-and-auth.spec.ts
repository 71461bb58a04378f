import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { startTestApp } from '../support/test-app';
import { strangerKey, tokenFor } from '../support/tokens';

describe('the booted hub', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    app = await startTestApp();
  });

  afterAll(async () => {
    await app?.close();
  });

  describe('health', () => {
    it('is live', async () => {
      const res = await request(app.getHttpServer()).get('/health/live');

      expect(res.status).toBe(200);
      expect(res.body).toEqual({ status: 'ok' });
    });

    it('is ready with the database and Kafka both up', async () => {
      const res = await request(app.getHttpServer()).get('/health/ready');

      expect(res.status).toBe(200);
      expect(res.body.details).toEqual({
        database: expect.objectContaining({ status: 'up' }),
        kafka: expect.objectContaining({ status: 'up' }),
      });
    });

    it('needs no token', async () => {
      const res = await request(app.getHttpServer()).get('/health/ready');

      expect(res.status).not.toBe(401);
    });
  });

  describe('authentication of /v1', () => {
    it('refuses a request without a token with 401 problem+json', async () => {
      const res = await request(app.getHttpServer()).get('/v1/me');

      expect(res.status).toBe(401);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({
        status: 401,
        code: 'missing-token',
        instance: '/v1/me',
        type: 'urn:mrh:problem:missing-token',
      });
    });

    it('lets a token of the development issuer through and knows who it is', async () => {
      const token = await tokenFor({
        party: 'LA-BOKEO-POLICE',
        roles: ['liaison_officer'],
        sub: 'khamla',
      });

      const res = await request(app.getHttpServer()).get('/v1/me').auth(token, { type: 'bearer' });

      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        sub: 'khamla',
        party: 'LA-BOKEO-POLICE',
        country: 'LA',
        roles: ['liaison_officer'],
        partyName: { en: 'Bokeo Provincial Police' },
      });
    });

    it.each([
      [
        'signed by a key the hub does not trust',
        async () => tokenFor({ key: await strangerKey() }),
      ],
      ['expired', () => tokenFor({ expiresIn: Math.floor(Date.now() / 1000) - 3600 })],
      ['for another audience', () => tokenFor({ audience: 'someone-else' })],
      ['from another issuer', () => tokenFor({ issuer: 'https://evil.example' })],
      ['for an unregistered party', () => tokenFor({ party: 'XX-NOBODY' })],
      ['with an unknown role', () => tokenFor({ roles: ['god'] })],
      ['with no roles', () => tokenFor({ roles: [] })],
    ])('refuses a token %s with 401 invalid-token', async (_what, make) => {
      const token = await make();

      const res = await request(app.getHttpServer()).get('/v1/me').auth(token, { type: 'bearer' });

      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ code: 'invalid-token', status: 401 });
      expect(JSON.stringify(res.body)).not.toMatch(/at .*\.(ts|js):\d+/);
    });

    it('refuses a header that is not a bearer JWT', async () => {
      const res = await request(app.getHttpServer())
        .get('/v1/me')
        .set('authorization', 'Basic Zm9vOmJhcg==');

      expect(res.status).toBe(401);
      expect(res.body.code).toBe('invalid-token');
    });
  });

  describe('errors and correlation', () => {
    it('answers an unknown route with 404 problem+json', async () => {
      const token = await tokenFor();

      const res = await request(app.getHttpServer())
        .get('/v1/no-such-thing')
        .auth(token, { type: 'bearer' });

      expect(res.status).toBe(404);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body.code).toBe('not-found');
    });

    it('answers a body over the size limit with 413 problem+json', async () => {
      const res = await request(app.getHttpServer())
        .post('/v1/referrals')
        .set('content-type', 'application/json')
        .send(JSON.stringify({ blob: 'x'.repeat(300 * 1024) }));

      expect(res.status).toBe(413);
      expect(res.body.code).toBe('payload-too-large');
    });

    it('keeps a sane correlation id from the caller and returns it', async () => {
      const res = await request(app.getHttpServer())
        .get('/v1/me')
        .set('x-request-id', 'gw-1234.abc');

      expect(res.headers['x-request-id']).toBe('gw-1234.abc');
      expect(res.body.correlationId).toBe('gw-1234.abc');
    });

    it('replaces a correlation id that is not a sane token', async () => {
      const res = await request(app.getHttpServer())
        .get('/v1/me')
        .set('x-request-id', 'a b <script>');

      expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    });
  });
});
