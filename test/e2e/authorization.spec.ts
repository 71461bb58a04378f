import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { IncomingMessage } from 'node:http';
import request from 'supertest';
import { grantOf, type Scope } from '../../src/auth/permissions';
import { ROLES, type Role } from '../../src/auth/roles';
import { RoutePermissions, type RouteRule } from '../../src/auth/route-permissions';
import { AppConfig } from '../../src/config/app-config';
import { Transactions } from '../../src/database/transactions';
import { Officer } from '../support/hub-client';
import { somePerson, victimReferral } from '../support/referral-fixtures';
import { startTestApp } from '../support/test-app';
import { tokenFor } from '../support/tokens';

/**
 * Who calls, relative to the referral a route acts on: the referral is sent by a Lao agency on
 * the HTTP API to a Vietnamese party served by Viet Nam's partner system.
 */
const PARTIES = {
  sender: 'LA-BOKEO-POLICE',
  receiver: 'VN-MPS',
  /** A Lao agency that is no party to it. */
  otherLao: 'LA-BOKEO-DMC',
  /** A party of another country, served by its partner system. */
  thai: 'TH-POLICE',
} as const;
type Relation = keyof typeof PARTIES;
const RELATIONS = Object.keys(PARTIES) as Relation[];

/**
 * The referral a call is about, in the state the call needs; `closed`: withdrawn, with every
 * event about it delivered (what erasure needs); `own-person`: submitted, about a person of its
 * own (a consent withdrawn on it must not refuse other tests' referrals of the example person);
 * `consent-withdrawn`: that, with the victim's consent withdrawn by the sender.
 */
type Target = 'draft' | 'submitted' | 'closed' | 'own-person' | 'consent-withdrawn';

/** How to call one route: the request, and the referral it targets (if any). */
interface RouteCall {
  target: Target | null;
  /**
   * Status of a call the table allows. The console's sign-in routes answer 404 on this hub,
   * which has no identity provider: public means the call reaches the route, not that it succeeds.
   */
  allowed: 200 | 201 | 204 | 404;
  build: (referral: string | null) => { path: string; body?: unknown };
}

/**
 * One entry per route of the application. A route added to the code and not here fails the first
 * test below: no route escapes the matrix.
 */
const CALLS: Record<string, RouteCall> = {
  'GET /health/live': { target: null, allowed: 200, build: () => ({ path: '/health/live' }) },
  'GET /health/ready': { target: null, allowed: 200, build: () => ({ path: '/health/ready' }) },
  'GET /metrics': { target: null, allowed: 200, build: () => ({ path: '/metrics' }) },
  'GET /v1/me': { target: null, allowed: 200, build: () => ({ path: '/v1/me' }) },
  'POST /v1/referrals': {
    target: null,
    allowed: 201,
    build: () => ({ path: '/v1/referrals', body: victimReferral(PARTIES.receiver) }),
  },
  'GET /v1/referrals': { target: null, allowed: 200, build: () => ({ path: '/v1/referrals' }) },
  'GET /v1/referrals/:id': {
    target: 'submitted',
    allowed: 200,
    build: (id) => ({ path: `/v1/referrals/${id}` }),
  },
  'POST /v1/referrals/:id/submit': {
    target: 'draft',
    allowed: 200,
    build: (id) => ({ path: `/v1/referrals/${id}/submit`, body: {} }),
  },
  'POST /v1/referrals/:id/:action': {
    target: 'submitted',
    allowed: 200,
    build: (id) => ({
      path: `/v1/referrals/${id}/withdraw`,
      body: { reason: 'Opened in error by the authorisation test.' },
    }),
  },
  'POST /v1/referrals/:id/consent/withdrawal': {
    target: 'own-person',
    allowed: 200,
    build: (id) => ({
      path: `/v1/referrals/${id}/consent/withdrawal`,
      body: { withdrawnBy: 'VICTIM', withdrawnOn: '2026-11-25' },
    }),
  },
  'POST /v1/referrals/:id/consent/restoration': {
    target: 'consent-withdrawn',
    allowed: 200,
    build: (id) => ({
      path: `/v1/referrals/${id}/consent/restoration`,
      body: { restoredOn: '2026-11-26', note: 'Restored by the authorisation test.' },
    }),
  },
  'POST /v1/referrals/:id/erase': {
    target: 'closed',
    allowed: 200,
    build: (id) => ({
      path: `/v1/referrals/${id}/erase`,
      body: { reason: 'Erased by the authorisation test.' },
    }),
  },
  'GET /v1/referrals/:id/messages': {
    target: 'submitted',
    allowed: 200,
    build: (id) => ({ path: `/v1/referrals/${id}/messages` }),
  },
  'POST /v1/referrals/:id/messages': {
    target: 'submitted',
    allowed: 201,
    build: (id) => ({
      path: `/v1/referrals/${id}/messages`,
      body: { language: 'en', body: 'Is the escort confirmed for Thursday?' },
    }),
  },
  'GET /v1/referrals/:id/history': {
    target: 'submitted',
    allowed: 200,
    build: (id) => ({ path: `/v1/referrals/${id}/history` }),
  },
  'GET /v1/referrals/:id/history/bundle': {
    target: 'submitted',
    allowed: 200,
    build: (id) => ({ path: `/v1/referrals/${id}/history/bundle` }),
  },
  'GET /v1/audit/checkpoint': {
    target: null,
    allowed: 200,
    build: () => ({ path: '/v1/audit/checkpoint' }),
  },
  'POST /v1/audit/checkpoint': {
    target: null,
    allowed: 200,
    build: () => ({ path: '/v1/audit/checkpoint' }),
  },
  'GET /v1/audit/verify': {
    target: null,
    allowed: 200,
    build: () => ({ path: '/v1/audit/verify' }),
  },
  'GET /v1/audit/proofs/consistency': {
    target: null,
    allowed: 200,
    build: () => ({ path: '/v1/audit/proofs/consistency?from=0&to=0' }),
  },
  // Against the checkpoint signed in beforeAll, which covers at least one leaf.
  'GET /v1/audit/proofs/inclusion': {
    target: null,
    allowed: 200,
    build: () => ({ path: '/v1/audit/proofs/inclusion?index=0&size=1' }),
  },
  'GET /v1/audit/proofs/inclusion-by-hash': {
    target: null,
    allowed: 200,
    build: () => ({ path: `/v1/audit/proofs/inclusion-by-hash?hash=${firstLeafHash}&size=1` }),
  },
  'GET /v1/audit/entries': {
    target: null,
    allowed: 200,
    build: () => ({ path: '/v1/audit/entries?start=0&end=1' }),
  },
  'GET /v1/stats': { target: null, allowed: 200, build: () => ({ path: '/v1/stats' }) },
  'GET /v1/stats.csv': { target: null, allowed: 200, build: () => ({ path: '/v1/stats.csv' }) },
  'GET /v1/registry': { target: null, allowed: 200, build: () => ({ path: '/v1/registry' }) },
  // Server-sent events: `call` reads the first event of an allowed stream and hangs up.
  'GET /v1/stream': { target: null, allowed: 200, build: () => ({ path: '/v1/stream' }) },
  'GET /auth/options': { target: null, allowed: 200, build: () => ({ path: '/auth/options' }) },
  'POST /auth/dev-sign-in': {
    target: null,
    allowed: 200,
    build: () => ({
      path: '/auth/dev-sign-in',
      body: { party: 'LA-BOKEO-POLICE', roles: ['liaison_officer'] },
    }),
  },
  'GET /auth/sign-in': { target: null, allowed: 404, build: () => ({ path: '/auth/sign-in' }) },
  'GET /auth/callback': {
    target: null,
    allowed: 404,
    build: () => ({ path: '/auth/callback?code=c&state=s' }),
  },
  'GET /auth/session': { target: null, allowed: 200, build: () => ({ path: '/auth/session' }) },
  'POST /auth/sign-out': { target: null, allowed: 204, build: () => ({ path: '/auth/sign-out' }) },
};

/** Base64url hash of leaf 0 of the audit log, known once beforeAll has signed a checkpoint. */
let firstLeafHash = '';

const keyOf = (rule: Pick<RouteRule, 'method' | 'path'>): string => `${rule.method} ${rule.path}`;

describe('authorisation of every route', () => {
  let app: NestFastifyApplication;
  let routes: readonly RouteRule[];
  let config: AppConfig;
  let sender: Officer;

  beforeAll(async () => {
    app = await startTestApp();
    routes = app.get(RoutePermissions).routes;
    config = app.get(AppConfig);
    // Cleared for children too: the contract's example victim is 16.
    sender = await Officer.of(
      app,
      PARTIES.sender,
      ['liaison_officer', 'child_protection'],
      'sender-officer',
    );
    await signCheckpointOverALeaf();
  });

  /**
   * The proof routes answer only against a signed checkpoint: make sure the newest one covers at
   * least leaf 0, whatever ran before in this database.
   */
  async function signCheckpointOverALeaf(): Promise<void> {
    const db = app.get(Transactions);
    await sender.send(victimReferral(PARTIES.receiver));
    const deadline = Date.now() + 20_000;
    let leaf: { leaf_hash: Buffer } | undefined;
    while (!leaf) {
      [leaf] = await db.query<{ leaf_hash: Buffer }>(
        `SELECT leaf_hash FROM audit_leaves WHERE leaf_index = 0`,
      );
      if (Date.now() > deadline) throw new Error('the audit sequencer gave no leaf');
      if (!leaf) await new Promise((r) => setTimeout(r, 50));
    }
    firstLeafHash = leaf.leaf_hash.toString('base64url');
    const auditor = await Officer.of(app, 'LA-PDPCHT', ['auditor'], 'checkpoint-signer');
    const signed = await auditor.post('/v1/audit/checkpoint');
    if (signed.status !== 200 || signed.body.size < 1) {
      throw new Error(`no checkpoint over leaf 0: ${JSON.stringify(signed.body)}`);
    }
  }

  afterAll(async () => {
    await app?.close();
  });

  async function call(
    method: string,
    path: string,
    body: unknown,
    token: string | null,
  ): Promise<request.Response> {
    const agent = request(app.getHttpServer());
    const pending = method === 'POST' ? agent.post(path) : agent.get(path);
    if (token !== null) pending.auth(token, { type: 'bearer' });
    // An event stream never ends: keep its first chunk and hang up; read anything else whole.
    pending.buffer(true).parse((response, done) => {
      // At run time the parser gets Node's response, which supertest's types do not say.
      const res = response as unknown as IncomingMessage;
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
        if (String(res.headers['content-type']).startsWith('text/event-stream')) {
          res.destroy();
          done(null, { stream: text });
        }
      });
      res.on('end', () => {
        try {
          done(null, text === '' ? {} : JSON.parse(text));
        } catch {
          done(null, { text });
        }
      });
    });
    return body === undefined ? pending : pending.send(body as object);
  }

  async function referral(target: Target): Promise<string> {
    if (target === 'draft') return sender.createDraft(victimReferral(PARTIES.receiver));
    if (target === 'own-person' || target === 'consent-withdrawn') {
      const own = await sender.send(victimReferral(PARTIES.receiver, somePerson().edit));
      if (target === 'consent-withdrawn') {
        await sender.post(`/v1/referrals/${own}/consent/withdrawal`, {
          withdrawnBy: 'VICTIM',
          withdrawnOn: '2026-11-25',
        });
      }
      return own;
    }
    const id = await sender.send(victimReferral(PARTIES.receiver));
    if (target === 'closed') {
      await sender.act(id, 'withdraw', { reason: 'Closed for the authorisation test.' });
      await outboxDelivered(id);
    }
    return id;
  }

  /** Waits (bounded) until the relay has published every event about `id`. */
  async function outboxDelivered(id: string): Promise<void> {
    const db = app.get(Transactions);
    const deadline = Date.now() + 20_000;
    for (;;) {
      const [row] = await db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM outbox WHERE referral_id = $1 AND published_at IS NULL`,
        [id],
      );
      if (row?.n === 0) return;
      if (Date.now() > deadline) throw new Error(`the events of ${id} were not delivered`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Whether a grant of `scope` held by `relation`'s officers reaches a `target` referral. */
  function reaches(scope: Scope, relation: Relation, target: Target): boolean {
    if (scope === 'all' || relation === 'sender') return true;
    return relation === 'receiver' && target !== 'draft';
  }

  /** What the table says a call must get. */
  function expected(
    rule: RouteRule,
    role: Role,
    relation: Relation,
  ): 'allowed' | 'forbidden' | 'hidden' {
    if (rule.access === 'public') return 'allowed';
    const party = config.registry.party(PARTIES[relation]);
    if (!party) throw new Error(`${PARTIES[relation]} is not registered`);
    const scope = grantOf({ roles: [role], channel: party.channel }, rule.access);
    if (scope === null) return 'forbidden';
    const target = CALLS[keyOf(rule)]?.target ?? null;
    return target !== null && !reaches(scope, relation, target) ? 'hidden' : 'allowed';
  }

  it('has a call for every route the application serves, and only for those', () => {
    expect(routes.map(keyOf).sort()).toEqual(Object.keys(CALLS).sort());
  });

  it('lists routes exactly as Fastify serves them', () => {
    const fastify = app.getHttpAdapter().getInstance();

    for (const rule of routes) {
      expect({
        route: keyOf(rule),
        served: fastify.hasRoute({ method: rule.method, url: rule.path }),
      }).toEqual({ route: keyOf(rule), served: true });
    }
  });

  it("guards every /v1 route with an action, and leaves only the probes, metrics and the console's sign-in public", () => {
    expect(routes.filter((r) => r.access === 'public').map(keyOf)).toEqual([
      'GET /auth/callback',
      'POST /auth/dev-sign-in',
      'GET /auth/options',
      'GET /auth/sign-in',
      'GET /health/live',
      'GET /health/ready',
      'GET /metrics',
    ]);
  });

  it('agrees with the route list in the README', () => {
    const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
    const section = readme.slice(
      readme.indexOf('<!-- routes:begin -->'),
      readme.indexOf('<!-- routes:end -->'),
    );
    const documented = [...section.matchAll(/^\| `([A-Z]+ \S+)`\s*\| (?:`([a-z.-]+)`|public)/gm)]
      .map((m) => `${m[1]} → ${m[2] ?? 'public'}`)
      .sort();
    const actual = routes.map((r) => `${keyOf(r)} → ${r.access}`).sort();

    expect({ documented, markdown: documented.length === 0 ? routesMarkdown(routes) : '' }).toEqual(
      {
        documented: actual,
        markdown: '',
      },
    );
  });

  describe.each(ROLES)('as %s', (role) => {
    describe.each(RELATIONS)('of the %s party', (relation) => {
      it('is allowed, refused (403) or kept in the dark (404) as the table says', async () => {
        const token = await tokenFor({
          party: PARTIES[relation],
          roles: [role],
          sub: `${role}-of-${relation}`,
        });
        const outcomes: string[] = [];
        const wanted: string[] = [];
        for (const rule of routes) {
          const spec = CALLS[keyOf(rule)];
          if (!spec) throw new Error(`no call for ${keyOf(rule)}`);
          const id = spec.target === null ? null : await referral(spec.target);
          const { path, body } = spec.build(id);
          const res = await call(rule.method, path, body, rule.access === 'public' ? null : token);
          const want = expected(rule, role, relation);
          wanted.push(`${keyOf(rule)}: ${want}`);
          outcomes.push(`${keyOf(rule)}: ${await outcomeOf(res, want, spec, rule)}`);
        }

        expect(outcomes).toEqual(wanted);
      });
    });
  });

  /**
   * Names what the response was, in the terms of {@link expected}; a response that is neither a
   * clean refusal nor the success the call should have is reported with its status and code.
   */
  async function outcomeOf(
    res: request.Response,
    want: string,
    spec: RouteCall,
    rule: RouteRule,
  ): Promise<string> {
    const problem = /^application\/problem\+json/.test(String(res.headers['content-type']));
    if (res.status === 403 && problem && res.body.code === 'forbidden') return 'forbidden';
    if (res.status === 404 && problem && res.body.code === 'referral-not-found') {
      // Hidden must look exactly like absent: the same answer for an id that does not exist.
      const unknown = randomUUID();
      const { path, body } = spec.build(unknown);
      const token = res.request.getHeader('authorization');
      const absent = await call(
        rule.method,
        path,
        body,
        typeof token === 'string' ? token.replace(/^Bearer /, '') : null,
      );
      const strip = (b: Record<string, unknown>, id: string): unknown => ({
        ...b,
        detail: String(b['detail']).replace(id, '<id>'),
        instance: undefined,
        correlationId: undefined,
      });
      const hiddenId = /\/referrals\/([0-9a-f-]{36})/.exec(res.body.instance)?.[1] ?? '';
      return absent.status === 404 &&
        JSON.stringify(strip(absent.body, unknown)) === JSON.stringify(strip(res.body, hiddenId))
        ? 'hidden'
        : `404 unlike an absent referral: ${JSON.stringify(res.body)}`;
    }
    if (res.status === spec.allowed) return 'allowed';
    return `${res.status} ${res.body?.code ?? ''} (wanted ${want})`;
  }

  describe('what each may see', () => {
    let shared: string;

    beforeAll(async () => {
      shared = await sender.send(victimReferral(PARTIES.receiver));
    });

    it("shows the referral's parties its content, and records the read", async () => {
      const res = await sender.get(`/v1/referrals/${shared}`);

      expect(res.status).toBe(200);
      expect(res.body.content.person.names).toEqual(expect.any(Array));
      expect(res.body).not.toHaveProperty('personalData');
      expect(res.body.direction).toBe('outbound');
    });

    it('shows an auditor of any agency the metadata, and says the personal data is withheld', async () => {
      const auditor = await Officer.of(app, 'LA-PDPCHT', ['auditor'], 'inspector-7');
      const before = await auditorHistory(shared);

      const res = await auditor.get(`/v1/referrals/${shared}`);

      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        id: shared,
        from: PARTIES.sender,
        to: PARTIES.receiver,
        status: 'SUBMITTED',
        personalData: 'withheld',
        direction: null,
        availableActions: [],
      });
      expect(res.body).not.toHaveProperty('content');
      expect(JSON.stringify(res.body)).not.toContain('Latn');
      // Nothing personal was read, so no read is recorded.
      expect((await auditorHistory(shared)).filter((a) => a === 'referral.read')).toEqual(
        before.filter((a) => a === 'referral.read'),
      );
    });

    it("lists every referral for an auditor, never with content, but only a party's own for others", async () => {
      const auditor = await Officer.of(app, 'LA-PDPCHT', ['auditor']);
      const dmc = await Officer.of(app, PARTIES.otherLao, ['supervisor']);
      const thai = await Officer.of(app, PARTIES.thai, ['liaison_officer']);

      const audited = await auditor.get(`/v1/referrals?limit=100`);
      const lao = await dmc.get('/v1/referrals?limit=100');
      const foreign = await thai.get('/v1/referrals?limit=100');

      expect(audited.body.items.map((r: { id: string }) => r.id)).toContain(shared);
      expect(audited.body.items.some((r: object) => 'content' in r)).toBe(false);
      expect(lao.body.items.map((r: { id: string }) => r.id)).not.toContain(shared);
      expect(foreign.body.items.map((r: { id: string }) => r.id)).not.toContain(shared);
      expect(
        foreign.body.items.every(
          (r: { from: string; to: string }) => r.from === PARTIES.thai || r.to === PARTIES.thai,
        ),
      ).toBe(true);
    });

    it("refuses an auditor's list a direction, which only a party's view has", async () => {
      const auditor = await Officer.of(app, 'LA-PDPCHT', ['auditor']);

      const res = await auditor.get('/v1/referrals?direction=outbound');

      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual([{ path: 'direction', message: expect.any(String) }]);
    });

    it("counts a referral in its own country's figures and in no other country's", async () => {
      const figures = async (party: string): Promise<{ cases: unknown; referrals: unknown }> => {
        const { body } = await (await Officer.of(app, party, ['supervisor'])).get('/v1/stats');
        return { cases: body.cases.cases, referrals: body.cases.referrals };
      };
      const thaiBefore = await figures(PARTIES.thai);
      const laoBefore = await figures(PARTIES.sender);

      await sender.send(victimReferral(PARTIES.receiver));

      // Laos has submitted plenty this year, so its counts are exact (5 or more) and the same for
      // every Lao agency; the Thai party's may show "<5", compared as shown.
      const lao = await figures(PARTIES.sender);
      expect(lao).toEqual({
        cases: Number(laoBefore.cases) + 1,
        referrals: Number(laoBefore.referrals) + 1,
      });
      expect(await figures(PARTIES.otherLao)).toEqual(lao);
      expect(await figures(PARTIES.thai)).toEqual(thaiBefore);
    });
  });

  describe('a consent override', () => {
    it("is a supervisor's, and its reason lands in the audit trail", async () => {
      const id = await sender.createDraft(
        victimReferral(PARTIES.receiver, (r) => {
          r['victim'].consent.dataSharing = false;
        }),
      );
      const supervisor = await Officer.of(app, PARTIES.sender, ['supervisor'], 'chief-bokeo');
      const reason =
        'Victim is in intensive care; the protection centre must prepare her return now.';

      const refused = await sender.post(`/v1/referrals/${id}/submit`, {
        consentOverride: { reason },
      });
      const allowed = await supervisor.post(`/v1/referrals/${id}/submit`, {
        consentOverride: { reason },
      });
      const auditor = await Officer.of(app, 'LA-PDPCHT', ['auditor']);
      const history = await auditor.get(`/v1/referrals/${id}/history`);

      expect(refused.status).toBe(403);
      expect(refused.body).toMatchObject({
        code: 'forbidden',
        permission: 'referral.consent-override',
      });
      expect(allowed.status).toBe(200);
      const entries = history.body.items.map((i: { entry: unknown }) => i.entry);
      expect(entries).toContainEqual(
        expect.objectContaining({
          action: 'referral.consent-override',
          actor: 'chief-bokeo',
          actorParty: PARTIES.sender,
          actorRoles: ['supervisor'],
          stateBefore: 'DRAFT',
          stateAfter: 'SUBMITTED',
          outcome: reason,
        }),
      );
      expect(entries).toContainEqual(
        expect.objectContaining({ action: 'referral.submit', actor: 'chief-bokeo' }),
      );
    });
  });

  async function auditorHistory(id: string): Promise<string[]> {
    const auditor = await Officer.of(app, 'LA-PDPCHT', ['auditor']);
    const res = await auditor.get(`/v1/referrals/${id}/history`);
    return res.body.items.map((i: { entry: { action: string } }) => i.entry.action);
  }
});

/** The README's route list as it should read (printed when the README lacks it). */
function routesMarkdown(routes: readonly RouteRule[]): string {
  return [
    '| route | action |',
    '| --- | --- |',
    ...routes.map(
      (r) =>
        `| \`${r.method} ${r.path}\` | ${r.access === 'public' ? 'public' : `\`${r.access}\``} |`,
    ),
  ].join('\n');
}
