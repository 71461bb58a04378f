import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { ConsoleSessions } from '../../src/auth/console-sessions';
import { startTestApp } from '../support/test-app';
import { strangerKey, tokenFor } from '../support/tokens';

/** Instances that only serve HTTP: no consumer, relay or sequencer competing with the suite. */
const HTTP_ONLY = {
  INBOUND_CONSUMER_ENABLED: 'false',
  OUTBOX_RELAY_ENABLED: 'false',
  AUDIT_SEQUENCER_ENABLED: 'false',
};

function expectNoInternals(body: unknown): void {
  const text = JSON.stringify(body);
  expect(text).not.toMatch(/FST_|\bat .+\.js:\d+|Error:|node_modules|stack/);
}

describe('HTTP hardening', () => {
  let app: NestFastifyApplication;
  let token: string;

  beforeAll(async () => {
    app = await startTestApp(HTTP_ONLY);
    token = await tokenFor({ sub: 'hardening-1' });
  });

  afterAll(async () => {
    await app?.close();
  });

  const http = () => request(app.getHttpServer());

  describe('security headers', () => {
    it.each([
      ['an answer', '/health/live', 200],
      ['a 404', '/no-such-route', 404],
      ['a router refusal (bad percent-encoding)', '/v1/referrals/%E0%A4%A', 400],
    ])('are on %s', async (_what, path, status) => {
      const res = await http().get(path);

      expect(res.status).toBe(status);
      expect(res.headers).toMatchObject({
        'x-content-type-options': 'nosniff',
        'x-frame-options': 'DENY',
        'referrer-policy': 'no-referrer',
        'strict-transport-security': expect.stringMatching(/^max-age=\d+/),
      });
      expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    });

    it('forbid caching of every /v1 answer, errors included', async () => {
      const ok = await http().get('/v1/me').auth(token, { type: 'bearer' });
      const refused = await http().get('/v1/referrals/x');

      expect(ok.status).toBe(200);
      expect(ok.headers['cache-control']).toBe('no-store');
      expect(refused.headers['cache-control']).toBe('no-store');
    });

    it('let the documentation page load its own scripts and nothing else', async () => {
      const res = await http().get('/docs');

      expect(res.status).toBe(200);
      expect(res.headers['content-security-policy']).toContain("script-src 'self'");
      expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    });
  });

  describe('CORS, closed by default', () => {
    it('gives a foreign page no access-control headers', async () => {
      const res = await http()
        .get('/v1/me')
        .set('origin', 'https://evil.example')
        .auth(token, { type: 'bearer' });

      expect(res.headers['access-control-allow-origin']).toBeUndefined();
    });

    it('refuses a preflight', async () => {
      const res = await http()
        .options('/v1/referrals')
        .set('origin', 'https://evil.example')
        .set('access-control-request-method', 'POST');

      expect(res.status).toBe(405);
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
    });
  });

  describe('errors', () => {
    it('answers a known path asked with another method with 405 and Allow', async () => {
      const res = await http().delete('/v1/referrals').auth(token, { type: 'bearer' });

      expect(res.status).toBe(405);
      expect(res.headers['allow']).toBe('GET, HEAD, POST');
      expect(res.body.code).toBe('method-not-allowed');
    });

    it.each([
      ['text/plain', 'hello', 415, 'unsupported-media-type'],
      ['application/x-www-form-urlencoded', 'a=1', 415, 'unsupported-media-type'],
      ['application/xml', '<a/>', 415, 'unsupported-media-type'],
      ['application/json; charset=iso-8859-1', '{}', 415, 'unsupported-media-type'],
      ['application/json', '{"to": ', 400, 'malformed-request'],
      ['application/json', '{"to": "VN-MPS", "to": "TH-POLICE"}', 400, 'malformed-request'],
      ['application/json', '{"__proto__": {"admin": true}}', 400, 'malformed-request'],
      ['application/json', '['.repeat(50_000) + ']'.repeat(50_000), 400, 'malformed-request'],
      ['application/json', '{"n": 1e999}', 400, 'malformed-request'],
      ['application/json', '{"s": "\\u0000"}', 400, 'malformed-request'],
    ])('refuses a %s body %#', async (type, body, status, code) => {
      const res = await http()
        .post('/v1/referrals')
        .auth(token, { type: 'bearer' })
        .set('content-type', type)
        .send(body);

      expect(res.status).toBe(status);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body.code).toBe(code);
      expectNoInternals(res.body);
    });

    it('refuses bytes that are not UTF-8 instead of replacing them', async () => {
      const res = await app
        .getHttpAdapter()
        .getInstance()
        .inject({
          method: 'POST',
          url: '/v1/referrals',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          // {"to":"\xc3(" — a broken two-byte sequence
          payload: Buffer.from([0x7b, 0x22, 0x74, 0x6f, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d]),
        });

      expect(res.statusCode).toBe(400);
      expect(res.json().detail).toMatch(/UTF-8/);
    });

    it('answers a route parameter too long for the router with 404, not 414', async () => {
      const res = await http()
        .get(`/v1/referrals/${'a'.repeat(2000)}`)
        .auth(token, { type: 'bearer' });

      expect(res.status).toBe(404);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    });
  });
});

describe('CORS with an allow-list', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    app = await startTestApp({
      ...HTTP_ONLY,
      CORS_ALLOWED_ORIGINS: 'https://console.example.gov.la',
    });
  });

  afterAll(async () => {
    await app?.close();
  });

  it('answers the preflight of a listed origin', async () => {
    const res = await request(app.getHttpServer())
      .options('/v1/referrals')
      .set('origin', 'https://console.example.gov.la')
      .set('access-control-request-method', 'POST')
      .set('access-control-request-headers', 'authorization, content-type');

    expect(res.status).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe('https://console.example.gov.la');
    expect(res.headers['access-control-allow-headers']).toContain('authorization');
    expect(res.headers['access-control-allow-credentials']).toBeUndefined();
  });

  it('gives any other origin nothing', async () => {
    const res = await request(app.getHttpServer())
      .options('/v1/referrals')
      .set('origin', 'https://console.example.gov.la.evil.example')
      .set('access-control-request-method', 'POST');

    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('rate limits', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    app = await startTestApp({
      ...HTTP_ONLY,
      RATE_LIMIT_PER_OFFICER: '3',
      RATE_LIMIT_PER_ADDRESS: '2',
      RATE_LIMIT_WINDOW_SECONDS: '3600',
    });
  });

  afterAll(async () => {
    await app?.close();
  });

  const get = (path: string, bearer?: string) => {
    const call = request(app.getHttpServer()).get(path);
    return bearer === undefined ? call : call.auth(bearer, { type: 'bearer' });
  };

  it('gives each officer their own allowance, then 429 with Retry-After', async () => {
    const first = await tokenFor({ sub: 'busy-officer' });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await get('/v1/me', first)).status);
    const refused = await get('/v1/me', first);
    const other = await get('/v1/me', await tokenFor({ sub: 'quiet-officer' }));

    expect(statuses).toEqual([200, 200, 200, 429]);
    expect(refused.status).toBe(429);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(refused.body.code).toBe('rate-limited');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(other.status).toBe(200);
  });

  it('counts a fresh token of the same officer against the same allowance', async () => {
    const statuses = [];
    for (let i = 0; i < 4; i++) {
      statuses.push((await get('/v1/me', await tokenFor({ sub: 'token-hopper' }))).status);
    }

    expect(statuses).toEqual([200, 200, 200, 429]);
  });

  it('limits requests without a valid token by address, forged tokens included', async () => {
    const forged = await tokenFor({ sub: 'busy-officer', key: await strangerKey() });

    const statuses = [
      (await get('/v1/me')).status,
      (await get('/v1/me', forged)).status,
      (await get('/v1/me', forged)).status,
    ];

    expect(statuses).toEqual([401, 401, 429]);
  });

  it("counts a console session against its officer, and limits the console's pages by address with 429 problem+json", async () => {
    const session = await app
      .get(ConsoleSessions)
      .open(
        { sub: 'console-officer', party: 'LA-BOKEO-POLICE', roles: ['liaison_officer'] },
        'dev',
      );
    const cookie = `mrh_session=${session.secret}`;

    const pages = [];
    for (let i = 0; i < 3; i++) pages.push(await get('/console/'));
    const statuses = [];
    for (let i = 0; i < 4; i++) {
      statuses.push((await get('/v1/me').set('cookie', cookie)).status);
    }

    const limited = pages.at(-1);
    expect(limited?.status).toBe(429);
    expect(limited?.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(pages.map((p) => p.status)).not.toContain(500);
    expect(statuses).toEqual([200, 200, 200, 429]);
  });

  it('never limits the health probes', async () => {
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await get('/health/live')).status);

    expect(statuses).toEqual([200, 200, 200, 200, 200]);
  });
});
