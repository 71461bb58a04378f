import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { EVENT_TYPES } from '@hub/contracts';
import { Officer } from '../support/hub-client';
import { partnerEvent } from '../support/partner-events';
import { suspectReferral, victimReferral } from '../support/referral-fixtures';
import { TestPartner } from '../support/test-partner';
import { startTestApp } from '../support/test-app';

/** A browser's session: its cookie and CSRF token, as the dev sign-in handed them out. */
interface BrowserSession {
  cookie: string;
  csrf: string;
  setCookie: string;
}

/** A built console stand-in: the hub serves whatever CONSOLE_DIR holds. */
function fakeConsole(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mrh-console-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>console</title>');
  const script = 'console.log("hello from the console");'.repeat(50);
  writeFileSync(join(dir, 'assets', 'app-1a2b3c.js'), script);
  writeFileSync(join(dir, 'assets', 'app-1a2b3c.js.gz'), gzipSync(script));
  return dir;
}

/** Reads server-sent events from `url` until stopped; `events` fills as they arrive. */
function openStream(
  baseUrl: string,
  cookie: string,
): {
  events: { event: string; data: Record<string, unknown> }[];
  close: () => void;
  ready: Promise<void>;
} {
  const events: { event: string; data: Record<string, unknown> }[] = [];
  const abort = new AbortController();
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  void (async () => {
    const res = await fetch(`${baseUrl}/v1/stream`, { headers: { cookie }, signal: abort.signal });
    if (!res.body) throw new Error('the stream has no body');
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of res.body) {
      buffer += decoder.decode(chunk as Uint8Array, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (event === undefined || data === undefined) continue;
        events.push({ event, data: JSON.parse(data) as Record<string, unknown> });
        if (event === 'ready') markReady();
      }
    }
  })().catch(() => undefined);
  return { events, close: () => abort.abort(), ready };
}

async function until<T>(what: string, probe: () => T | undefined, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('the console session, live updates and assets (real broker, real database)', () => {
  let app: NestFastifyApplication;
  let baseUrl: string;
  let consoleDir: string;
  let vn: TestPartner;

  beforeAll(async () => {
    consoleDir = fakeConsole();
    app = await startTestApp({ CONSOLE_DIR: consoleDir });
    await app.listen(0, '127.0.0.1');
    baseUrl = await app.getUrl();
    vn = await TestPartner.start('VN');
  });

  afterAll(async () => {
    await vn?.stop();
    await app?.close();
    rmSync(consoleDir, { recursive: true, force: true });
  });

  async function signIn(party: string, roles: string[]): Promise<BrowserSession> {
    const res = await request(app.getHttpServer()).post('/auth/dev-sign-in').send({ party, roles });
    expect(res.status).toBe(200);
    const setCookie = res.headers['set-cookie']?.[0] ?? '';
    return { cookie: setCookie.split(';')[0] ?? '', csrf: res.body.csrfToken, setCookie };
  }

  function post(session: BrowserSession, path: string, body: unknown, headers = {}) {
    return request(app.getHttpServer())
      .post(path)
      .set({ cookie: session.cookie, ...headers })
      .send(body as object);
  }

  describe('development sign-in', () => {
    it('sets an httpOnly, SameSite=Lax session cookie (not Secure on localhost) and hands out no token', async () => {
      const res = await request(app.getHttpServer())
        .post('/auth/dev-sign-in')
        .send({ party: 'LA-BOKEO-POLICE', roles: ['liaison_officer'] });

      expect(res.status).toBe(200);
      const cookie = String(res.headers['set-cookie']?.[0]);
      expect(cookie).toMatch(
        /^mrh_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Lax; Expires=/,
      );
      expect(cookie).not.toMatch(/Secure/);
      expect(res.body).toEqual({
        principal: {
          sub: 'la-bokeo-police-liaison_officer',
          party: 'LA-BOKEO-POLICE',
          country: 'LA',
          channel: 'http',
          roles: ['liaison_officer'],
        },
        csrfToken: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
        expiresAt: expect.any(String),
        signedInBy: 'dev',
      });
      expect(JSON.stringify(res.body)).not.toContain(cookie.split(';')[0]?.split('=')[1]);
    });

    it('refuses an unregistered party and an unknown role, naming the field', async () => {
      const party = await request(app.getHttpServer())
        .post('/auth/dev-sign-in')
        .send({ party: 'LA-NOBODY', roles: ['liaison_officer'] });
      const role = await request(app.getHttpServer())
        .post('/auth/dev-sign-in')
        .send({ party: 'LA-BOKEO-POLICE', roles: ['president'] });

      expect(party.status).toBe(400);
      expect(party.body.errors).toEqual([{ path: 'party', message: 'is not a registered party' }]);
      expect(role.status).toBe(400);
      expect(role.body.errors).toEqual([expect.objectContaining({ path: 'roles' })]);
    });

    it('refuses a sign-in the browser marks cross-site (login CSRF)', async () => {
      const res = await request(app.getHttpServer())
        .post('/auth/dev-sign-in')
        .set('sec-fetch-site', 'cross-site')
        .send({ party: 'LA-BOKEO-POLICE', roles: ['liaison_officer'] });

      expect(res.status).toBe(403);
      expect(res.body.code).toBe('csrf-failed');
      expect(res.headers['set-cookie']).toBeUndefined();
    });
  });

  describe('a session', () => {
    it('opens the API to the browser: /auth/session and /v1/me know the officer', async () => {
      const session = await signIn('LA-BOKEO-POLICE', ['supervisor']);

      const me = await request(app.getHttpServer()).get('/v1/me').set('cookie', session.cookie);
      const state = await request(app.getHttpServer())
        .get('/auth/session')
        .set('cookie', session.cookie);

      expect(me.status).toBe(200);
      expect(me.body).toMatchObject({ party: 'LA-BOKEO-POLICE', roles: ['supervisor'] });
      expect(state.body).toMatchObject({ csrfToken: session.csrf, signedInBy: 'dev' });
    });

    it('refuses a state-changing request without the CSRF token, with a wrong one, or cross-site, and creates nothing', async () => {
      const session = await signIn('LA-BOKEO-POLICE', ['liaison_officer']);
      const before = await request(app.getHttpServer())
        .get('/v1/referrals?direction=outbound&limit=100')
        .set('cookie', session.cookie);

      const none = await post(session, '/v1/referrals', suspectReferral());
      const wrong = await post(session, '/v1/referrals', suspectReferral(), {
        'x-csrf-token': session.csrf.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')),
      });
      const crossSite = await post(session, '/v1/referrals', suspectReferral(), {
        'x-csrf-token': session.csrf,
        'sec-fetch-site': 'cross-site',
      });

      for (const res of [none, wrong, crossSite]) {
        expect(res.status).toBe(403);
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(res.body.code).toBe('csrf-failed');
      }
      const after = await request(app.getHttpServer())
        .get('/v1/referrals?direction=outbound&limit=100')
        .set('cookie', session.cookie);
      expect(after.body.items.length).toBe(before.body.items.length);

      const created = await post(session, '/v1/referrals', suspectReferral(), {
        'x-csrf-token': session.csrf,
        'sec-fetch-site': 'same-origin',
      });
      expect(created.status).toBe(201);
    });

    it('ends at sign-out: the cookie is cleared and opens nothing any more', async () => {
      const session = await signIn('LA-BOKEO-POLICE', ['liaison_officer']);

      const refused = await post(session, '/auth/sign-out', {});
      const out = await post(session, '/auth/sign-out', {}, { 'x-csrf-token': session.csrf });
      const after = await request(app.getHttpServer()).get('/v1/me').set('cookie', session.cookie);

      expect(refused.status).toBe(403);
      expect(out.status).toBe(204);
      expect(String(out.headers['set-cookie']?.[0])).toMatch(/^mrh_session=; .*Max-Age=0/);
      expect(after.status).toBe(401);
      expect(after.body.detail).toMatch(/session has ended/);
    });

    it('is refused when made up', async () => {
      const res = await request(app.getHttpServer())
        .get('/v1/me')
        .set('cookie', `mrh_session=${'A'.repeat(43)}`);

      expect(res.status).toBe(401);
    });
  });

  describe('what a page shows', () => {
    it("lists each referral's next deadline and last change, and no actions for auditors or read-only parties", async () => {
      const bokeo = await Officer.of(app, 'LA-BOKEO-POLICE', ['liaison_officer']);
      const auditor = await Officer.of(app, 'LA-PDPCHT', ['auditor']);
      const id = await bokeo.send(victimReferral('VN-MPS'));

      const mine = await bokeo.get(`/v1/referrals/${id}`);
      const audited = await auditor.get(`/v1/referrals/${id}`);
      const listed = await bokeo.get('/v1/referrals?direction=outbound&limit=5');

      expect(mine.body).toMatchObject({
        availableActions: ['withdraw'],
        nextDeadline: { step: 'ACKNOWLEDGE', waitingFor: 'VN-MPS', overdue: false },
        lastChange: { seq: 1, action: 'submit', byParty: 'LA-BOKEO-POLICE', deliveredAt: null },
      });
      expect(audited.body.availableActions).toEqual([]);
      const toThailand = await bokeo.send(
        victimReferral('TH-POLICE', (r) => (r['repatriation'].proposedCheckpoint = 'LA-TH-FB4')),
      );
      const thaiOfficer = await Officer.of(app, 'TH-POLICE', ['liaison_officer']);
      const readOnly = await thaiOfficer.get(`/v1/referrals/${toThailand}`);
      expect(readOnly.body).toMatchObject({ direction: 'inbound', availableActions: [] });
      expect(listed.body.items.find((r: { id: string }) => r.id === id)).toMatchObject({
        nextDeadline: { step: 'ACKNOWLEDGE' },
        lastChange: { seq: 1 },
      });
    });

    it('names the registered parties (English and own language) and checkpoints', async () => {
      const session = await signIn('LA-BOKEO-POLICE', ['liaison_officer']);

      const res = await request(app.getHttpServer())
        .get('/v1/registry')
        .set('cookie', session.cookie);

      expect(res.status).toBe(200);
      expect(res.body.parties).toContainEqual({
        code: 'TH-POLICE',
        country: 'TH',
        name: 'Royal Thai Police',
        localName: 'สำนักงานตำรวจแห่งชาติ',
        channel: 'kafka',
      });
      expect(res.body.checkpoints).toContainEqual({
        code: 'LA-VN-DENSAVANH',
        name: 'Densavanh – Lao Bao',
        countries: ['LA', 'VN'],
      });
    });
  });

  describe('live updates', () => {
    it("tells the sender's page of the partner's acknowledgement and receipt, the auditor's too, and a Thai officer nothing", async () => {
      const bokeoSession = await signIn('LA-BOKEO-POLICE', ['liaison_officer']);
      const thai = await signIn('TH-POLICE', ['liaison_officer']);
      const auditorSession = await signIn('LA-PDPCHT', ['auditor']);
      const streams = {
        bokeo: openStream(baseUrl, bokeoSession.cookie),
        thai: openStream(baseUrl, thai.cookie),
        auditor: openStream(baseUrl, auditorSession.cookie),
      };
      try {
        await Promise.all(Object.values(streams).map((s) => s.ready));
        const bokeo = await Officer.of(app, 'LA-BOKEO-POLICE', ['liaison_officer']);
        const id = await bokeo.send(victimReferral('VN-MPS'));
        const submitted = await vn.waitForEvent(id, EVENT_TYPES.referralSubmitted);
        await vn.act('VN-MPS', EVENT_TYPES.referralAcknowledged, { referralId: id }, 1);
        await vn.publish(
          partnerEvent(
            'VN-MPS',
            EVENT_TYPES.receipt,
            { eventId: submitted.id, status: 'DELIVERED' },
            { subject: id },
          ),
        );

        const about = (s: (typeof streams)['bokeo']) =>
          s.events.filter((e) => e.event === 'referral' && e.data['referralId'] === id);
        await until('the acknowledgement and the receipt on the sender page', () =>
          about(streams.bokeo).some((e) => e.data['status'] === 'ACKNOWLEDGED') &&
          about(streams.bokeo).some((e) => e.data['kind'] === 'delivery')
            ? true
            : undefined,
        );
        await until('the acknowledgement on the auditor page', () =>
          about(streams.auditor).some((e) => e.data['status'] === 'ACKNOWLEDGED')
            ? true
            : undefined,
        );
        expect(about(streams.bokeo).map((e) => e.data['status'])).toEqual(
          expect.arrayContaining(['DRAFT', 'SUBMITTED', 'ACKNOWLEDGED']),
        );
        expect(Object.keys(about(streams.bokeo)[0]?.data ?? {}).sort()).toEqual([
          'kind',
          'referralId',
          'status',
          'version',
        ]);
        expect(about(streams.thai)).toEqual([]);
        const view = await bokeo.get(`/v1/referrals/${id}`);
        expect(view.body.lastChange).toMatchObject({ seq: 2, byParty: 'VN-MPS' });
        const changes = await bokeo.get(`/v1/referrals/${id}`);
        expect(changes.body.status).toBe('ACKNOWLEDGED');
      } finally {
        for (const s of Object.values(streams)) s.close();
      }
    });

    it('marks the last change delivered when the partner confirms the hub event that told it', async () => {
      const bokeo = await Officer.of(app, 'LA-BOKEO-POLICE', ['liaison_officer']);
      const id = await bokeo.send(victimReferral('VN-MPS'));
      const submitted = await vn.waitForEvent(id, EVENT_TYPES.referralSubmitted);

      await vn.publish(
        partnerEvent(
          'VN-MPS',
          EVENT_TYPES.receipt,
          { eventId: submitted.id, status: 'DELIVERED' },
          { subject: id },
        ),
      );

      const deadline = Date.now() + 10_000;
      let deliveredAt: unknown = null;
      while (deliveredAt === null && Date.now() < deadline) {
        deliveredAt = (await bokeo.get(`/v1/referrals/${id}`)).body.lastChange.deliveredAt;
        if (deliveredAt === null) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(deliveredAt).toEqual(expect.stringMatching(/^\d{4}-\d\d-\d\dT/));
    });

    it('needs a caller like every route', async () => {
      const res = await request(app.getHttpServer()).get('/v1/stream');

      expect(res.status).toBe(401);
    });
  });

  describe('the console files', () => {
    it('serves index.html for every page of the app, with the strict content policy', async () => {
      for (const path of ['/console/', '/console/referrals/123', '/console/audit']) {
        const res = await request(app.getHttpServer()).get(path);

        expect(res.status).toBe(200);
        expect(res.headers['content-type']).toMatch(/^text\/html/);
        expect(res.headers['cache-control']).toBe('no-cache');
        expect(res.headers['content-security-policy']).toMatch(/script-src 'self';/);
        expect(res.headers['content-security-policy']).not.toMatch(/unsafe-inline|unsafe-eval/);
      }
    });

    it('serves hashed assets compressed and cacheable for a year; a missing one is 404, not the page', async () => {
      const res = await request(app.getHttpServer())
        .get('/console/assets/app-1a2b3c.js')
        .set('accept-encoding', 'gzip');
      const missing = await request(app.getHttpServer()).get('/console/assets/nope-000.js');
      const escape = await request(app.getHttpServer()).get('/console/..%2f..%2fpackage.json');

      expect(res.status).toBe(200);
      expect(res.headers['content-encoding']).toBe('gzip');
      expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(missing.status).toBe(404);
      expect(escape.status).toBe(404);
    });

    it('leads / to the console', async () => {
      const res = await request(app.getHttpServer()).get('/');

      expect(res.status).toBe(302);
      expect(res.headers['location']).toBe('/console/');
    });
  });
});
