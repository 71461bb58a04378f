import { randomUUID } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import fc from 'fast-check';
import { SignJWT, importJWK, type CryptoKey } from 'jose';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { LIFECYCLE_ACTION_NAMES } from '@hub/contracts';
import { startTestApp } from '../support/test-app';
import { example, victimReferral } from '../support/referral-fixtures';
import { tokenFor } from '../support/tokens';
import {
  BAD_DATES,
  CONTROL_TEXTS,
  INJECTIONS,
  LEGITIMATE_ODD_TEXTS,
  anyJson,
  hugeString,
} from './support/hostile-values';
import { freeTextPaths, invalidBodiesFrom, setAt } from './support/json-mutations';
import { Tally, check, revealsNothing, rowCounts } from './support/tally';

/** One request of the suite, as Fastify's `inject` takes it. */
interface HostileRequest {
  what: string;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS';
  url: string;
  headers: Record<string, string>;
  payload?: Buffer | string;
}

const SENDER = 'LA-BOKEO-POLICE';
const OTHER_LAO_AGENCY = 'LA-PDPCHT';
const SANE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** How many generated inputs each property sends (the suite prints the total). */
const RUNS = {
  createBodies: 900,
  actionBodies: 600,
  messageBodies: 300,
  ids: 400,
  queries: 400,
  headers: 300,
  foreignParty: 60,
};

describe('the HTTP door under hostile input', () => {
  let app: NestFastifyApplication;
  let db: DataSource;
  const tally = new Tally();
  let tried = 0;
  const bearer: Record<'officer' | 'supervisor' | 'auditor' | 'foreign', string> = {
    officer: '',
    supervisor: '',
    auditor: '',
    foreign: '',
  };
  /** A submitted referral nobody in the suite may change. */
  let bystander: { id: string; row: Record<string, unknown> };
  /** A withdrawn referral of the officer's: every action on it is refused, valid body or not. */
  let closed: string;
  let before: Record<string, number>;

  beforeAll(async () => {
    app = await startTestApp({
      // The limiter runs (hostile requests pass through it) but never refuses here.
      RATE_LIMIT_PER_OFFICER: '1000000',
      RATE_LIMIT_PER_ADDRESS: '1000000',
    });
    db = app.get(DataSource);
    bearer.officer = `Bearer ${await tokenFor({ party: SENDER, roles: ['liaison_officer', 'child_protection'], sub: 'hostile-officer' })}`;
    bearer.supervisor = `Bearer ${await tokenFor({ party: SENDER, roles: ['supervisor'], sub: 'hostile-supervisor' })}`;
    bearer.auditor = `Bearer ${await tokenFor({ party: 'LA-PDPCHT', roles: ['auditor'], sub: 'hostile-auditor' })}`;
    bearer.foreign = `Bearer ${await tokenFor({ party: OTHER_LAO_AGENCY, sub: 'hostile-foreigner' })}`;

    bystander = { id: await createAndSubmit(victimReferral('VN-MPS')), row: {} };
    bystander.row = await referralRow(bystander.id);
    closed = await createAndSubmit(victimReferral('VN-MPS'));
    const withdrawn = await inject({
      method: 'POST',
      url: `/v1/referrals/${closed}/withdraw`,
      headers: json(bearer.officer),
      payload: JSON.stringify({ reason: 'Closed for the hostile-input suite.' }),
    });
    expect(withdrawn.statusCode).toBe(200);
    before = await rowCounts(db);
  });

  afterAll(async () => {
    tally.add('5xx', 0);
    tally.print('HTTP door', tried);
    await app?.close();
  });

  function inject(request: Omit<HostileRequest, 'what'>) {
    return app.getHttpAdapter().getInstance().inject(request);
  }

  const json = (authorization: string, extra: Record<string, string> = {}) => ({
    authorization,
    'content-type': 'application/json',
    ...extra,
  });

  async function createAndSubmit(body: unknown): Promise<string> {
    const created = await inject({
      method: 'POST',
      url: '/v1/referrals',
      headers: json(bearer.officer),
      payload: JSON.stringify(body),
    });
    expect(created.statusCode).toBe(201);
    const id = created.json<{ id: string }>().id;
    const submitted = await inject({
      method: 'POST',
      url: `/v1/referrals/${id}/submit`,
      headers: json(bearer.officer),
      payload: '{}',
    });
    expect(submitted.statusCode).toBe(200);
    return id;
  }

  async function referralRow(id: string): Promise<Record<string, unknown>> {
    const rows = await db.query<Record<string, unknown>[]>(
      `SELECT status, version, seq, sealed_content, updated_at FROM referrals WHERE id = $1`,
      [id],
    );
    return rows[0]!;
  }

  /** Sends one hostile request and checks the answer is a clean refusal. */
  async function refused(request: HostileRequest): Promise<void> {
    const { what, ...call } = request;
    const hostileId = '../<script>\u202e';
    const res = await inject({ ...call, headers: { 'x-request-id': hostileId, ...call.headers } });
    tried++;
    const status = res.statusCode;
    tally.add(status >= 500 ? '5xx' : String(status));
    const describe = () =>
      `${what}: ${call.method} ${call.url.slice(0, 120)} answered ${status} ${res.body.slice(0, 400)}`;
    check(status >= 400 && status < 500, describe);
    check(/^application\/problem\+json/.test(String(res.headers['content-type'])), describe);
    const body = res.json<{ code?: unknown; status?: unknown }>();
    check(typeof body.code === 'string' && /^[a-z]+(-[a-z]+)*$/.test(body.code), describe);
    check(body.status === status, describe);
    check(revealsNothing(res.body), describe);
    const correlation = res.headers['x-request-id'];
    check(typeof correlation === 'string' && SANE_ID.test(correlation), describe);
    check(correlation !== hostileId, describe);
    check(res.headers['x-content-type-options'] === 'nosniff', describe);
  }

  const property = (arbitrary: fc.Arbitrary<HostileRequest>, numRuns: number) =>
    fc.assert(
      fc.asyncProperty(arbitrary, (request) => refused(request)),
      { numRuns, endOnFailure: true },
    );

  const victim = example('victim-repatriation');
  const suspect = example('suspect-handoff');

  it('refuses every broken referral body with a 4xx problem', async () => {
    // The victim again with an estimated age instead of a birth date, for a numeric field.
    const { birthDate: _birthDate, ...person } = victim['person'] as Record<string, unknown>;
    const victimByAge = { ...victim, person: { ...person, estimatedAge: 16 } };
    const bodies = fc.oneof(
      invalidBodiesFrom(victim),
      invalidBodiesFrom(victimByAge),
      invalidBodiesFrom(suspect),
    );
    await property(
      fc.tuple(bodies, fc.boolean()).map(([body, withKey]) => ({
        what: body.what,
        method: 'POST',
        url: '/v1/referrals',
        headers: json(bearer.officer, withKey ? { 'idempotency-key': randomUUID() } : {}),
        payload: body.payload,
      })),
      RUNS.createBodies,
    );
  });

  it('refuses every body of every action on a closed referral', async () => {
    const valid: Record<string, unknown> = {
      submit: { consentOverride: { reason: 'Supervisor decision recorded by hand.' } },
      acknowledge: { receiverReference: 'VN-2026-1' },
      'request-info': { question: 'Which village?' },
      'provide-info': { answer: 'Ky Tan.' },
      accept: { note: 'Accepted.' },
      reject: { reasonCode: 'DUPLICATE', note: 'Seen before.' },
      'schedule-handover': {
        checkpoint: 'LA-VN-DENSAVANH',
        scheduledAt: '2026-12-10T09:00:00+07:00',
      },
      complete: { completedAt: '2026-12-10T11:00:00+07:00' },
      withdraw: { reason: 'Withdrawn again.' },
    };
    const action = fc.constantFrom(...LIFECYCLE_ACTION_NAMES);
    const body = action.chain((a) =>
      fc
        .oneof(
          // Valid bodies too: the referral is withdrawn, so nothing may apply.
          fc.constant({ what: `valid ${a}`, payload: Buffer.from(JSON.stringify(valid[a])) }),
          invalidBodiesFrom(valid[a]),
          anyJson.map((v) => ({
            what: `arbitrary JSON`,
            payload: Buffer.from(JSON.stringify(v) ?? 'null'),
          })),
        )
        .map((b) => ({ ...b, action: a })),
    );
    const ifMatch = fc.option(
      fc.oneof(
        fc.constantFrom('"1"', 'W/"2"', '*', '"99999999999"', '-1', '"abc"'),
        fc.string({ maxLength: 40 }),
      ),
    );
    await property(
      fc.tuple(body, ifMatch).map(([b, match]) => ({
        what: `${b.action}: ${b.what}`,
        method: 'POST',
        url: `/v1/referrals/${closed}/${b.action}`,
        headers: json(
          bearer.officer,
          match === null ? {} : { 'if-match': match.replace(/[\r\n]/g, '') },
        ),
        payload: b.payload,
      })),
      RUNS.actionBodies,
    );
  });

  it('refuses every broken case message', async () => {
    const valid = {
      language: 'lo',
      body: 'ສະບາຍດີ',
      attachments: [
        {
          name: 'statement.pdf',
          mediaType: 'application/pdf',
          size: 1024,
          sha256: 'a'.repeat(64),
        },
      ],
    };
    await property(
      invalidBodiesFrom(valid).map((b) => ({
        what: b.what,
        method: 'POST',
        url: `/v1/referrals/${bystander.id}/messages`,
        headers: json(bearer.officer),
        payload: b.payload,
      })),
      RUNS.messageBodies,
    );
  });

  it('answers 4xx for hostile ids and action names in every path', async () => {
    const id = fc.oneof(
      fc.string({ unit: 'grapheme', minLength: 1, maxLength: 60 }),
      fc.constantFrom(...INJECTIONS, ...CONTROL_TEXTS),
      fc.uuid().map((u) => u.toUpperCase().replace(/-/g, '')),
      fc.uuid(), // well-formed but nobody's
      hugeString.map((s) => s.slice(0, 3000)),
    );
    const route = fc.constantFrom(
      (i: string) => ['GET', `/v1/referrals/${i}`] as const,
      (i: string) => ['GET', `/v1/referrals/${i}/history`] as const,
      (i: string) => ['GET', `/v1/referrals/${i}/history/bundle`] as const,
      (i: string) => ['GET', `/v1/referrals/${i}/messages`] as const,
      (i: string) => ['POST', `/v1/referrals/${i}/messages`] as const,
      (i: string) => ['POST', `/v1/referrals/${i}/withdraw`] as const,
      (i: string) => ['POST', `/v1/referrals/${bystander.id}/${i}`] as const,
      (i: string) => ['POST', `/v1/referrals/${i}/submit`] as const,
      (i: string) => ['POST', `/v1/referrals/${i}/erase`] as const,
    );
    const raw = fc.constantFrom('%', '%zz', '%E0%A4%A', '%C0%AF', '%00', '%2e%2e%2f', '..%2f..%2f');
    await property(
      fc.tuple(fc.oneof(id.map(encodeURIComponent), raw), route).map(([i, r]) => {
        const [method, url] = r(i);
        return {
          what: `id ${i.slice(0, 60)}`,
          method,
          url,
          headers: json(bearer.officer),
          ...(method === 'POST' && {
            payload: JSON.stringify({ reason: 'not applied', language: 'lo', body: 'x' }),
          }),
        };
      }),
      RUNS.ids,
    );
  });

  it('answers 4xx for hostile query strings', async () => {
    const badValue = fc.oneof(
      fc.constantFrom(
        ...INJECTIONS,
        ...BAD_DATES,
        '1e400',
        '1e1',
        '0x10',
        ' 5',
        '',
        '-1',
        '0',
        '101',
        'NaN',
        'Infinity',
        '9'.repeat(400),
      ),
      fc.string({ maxLength: 30 }),
    );
    const listKey = fc.constantFrom(
      'limit',
      'status',
      'direction',
      'counterpart',
      'type',
      'overdue',
      'cursor',
    );
    const queries = fc.oneof(
      // One known parameter with a value it refuses, possibly repeated, among unknown ones.
      fc
        .tuple(
          listKey,
          badValue,
          fc.boolean(),
          fc.constantFrom(
            '',
            '&__proto__[x]=1',
            '&constructor[prototype][x]=1',
            '&limit[]=1',
            '&x=1',
          ),
        )
        .map(([k, v, twice, extra]) => ({
          what: `list ?${k}=${v}`,
          url: `/v1/referrals?${k}=${encodeURIComponent(v)}${twice ? `&${k}=${encodeURIComponent(v)}` : ''}${extra}`,
          auth: bearer.officer,
        })),
      fc
        .tuple(
          fc.constantFrom('from', 'to'),
          fc.constantFrom(...BAD_DATES, ...INJECTIONS, '1899-12-31', '3000-01-01'),
        )
        .map(([k, v]) => ({
          what: `stats ?${k}=${v}`,
          url: `/v1/stats?${k}=${encodeURIComponent(v)}`,
          auth: bearer.supervisor,
        })),
      fc
        .tuple(
          fc.constantFrom('format'),
          badValue.filter((v) => v !== 'json' && v !== 'csv' && v !== ''),
        )
        .map(([k, v]) => ({
          what: `stats ?${k}=${v}`,
          url: `/v1/stats?${k}=${encodeURIComponent(v)}`,
          auth: bearer.auditor,
        })),
      fc
        .tuple(badValue, fc.constantFrom('1e400', '-5', 'abc', '99999999999999999999', '1.5', ''))
        .map(([a, b]) => ({
          what: `consistency ?from=${a}&to=${b}`,
          url: `/v1/audit/proofs/consistency?from=${encodeURIComponent(a)}&to=${encodeURIComponent(b)}`,
          auth: bearer.officer,
        })),
      fc
        .tuple(
          fc.constantFrom('limit', 'cursor'),
          badValue.filter((v) => !/^\d{1,9}$/.test(v) || v === '0'),
        )
        .filter(([k, v]) => k === 'limit' || v !== '0')
        .map(([k, v]) => ({
          what: `messages ?${k}=${v}`,
          url: `/v1/referrals/${bystander.id}/messages?${k}=${encodeURIComponent(v)}`,
          auth: bearer.officer,
        })),
    );
    await property(
      queries.map((q) => ({
        what: q.what,
        method: 'GET',
        url: q.url,
        headers: { authorization: q.auth },
      })),
      RUNS.queries,
    );
  });

  it('answers 4xx for hostile headers', async () => {
    const issuer = await devIssuerKey();
    const forged: string[] = [];
    for (const party of [
      '__proto__',
      'LA-NOBODY',
      'la-bokeo-police',
      `${SENDER}\u0000`,
      ...INJECTIONS.slice(0, 6),
      42,
    ]) {
      for (const roles of [[], [{}], ['root'], 'liaison_officer', null, ['liaison_officer', 7]]) {
        forged.push(await signToken(issuer, { party, roles }));
      }
    }
    for (const sub of ['', 'x'.repeat(300), 12]) {
      forged.push(await signToken(issuer, { party: SENDER, roles: ['liaison_officer'], sub }));
    }
    const authorization = fc.oneof(
      fc.string({ maxLength: 200 }).map((s) => s.replace(/[\r\n]/g, '')),
      fc.constantFrom(...forged).map((t) => `Bearer ${t}`),
      fc.constantFrom(
        'Bearer',
        'Bearer ',
        'Bearer a.b.c',
        'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.',
        'Basic YWRtaW46YWRtaW4=',
        `Bearer ${'A'.repeat(8000)}.${'B'.repeat(8000)}.C`,
        'bearer x.y.z',
      ),
    );
    const idempotencyKey = fc.oneof(
      fc.constantFrom('a'.repeat(256), 'two words', 'ключ', 'é', '\t', ''),
      fc
        .string({ unit: 'grapheme', minLength: 1, maxLength: 20 })
        .map((k) => k.replace(/[\r\n]/g, ' '))
        .filter((k) => !/^[\x21-\x7e]{1,255}$/.test(k)),
    );
    const requests = fc.oneof(
      authorization.map((a) => ({
        what: `authorization ${a.slice(0, 60)}`,
        method: 'GET' as const,
        url: '/v1/me',
        headers: { authorization: a },
      })),
      idempotencyKey.map((key) => ({
        what: `idempotency key ${JSON.stringify(key.slice(0, 30))}`,
        method: 'POST' as const,
        url: '/v1/referrals',
        headers: json(bearer.officer, { 'idempotency-key': key }),
        payload: JSON.stringify(victimReferral('VN-MPS')),
      })),
      fc
        .constantFrom(
          'text/plain',
          'application/x-www-form-urlencoded',
          'multipart/form-data; boundary=x',
          'application/json; charset=utf-16',
          'application/xml',
          'image/png',
          '*/*',
        )
        .map((type) => ({
          what: `content type ${type}`,
          method: 'POST' as const,
          url: '/v1/referrals',
          headers: { authorization: bearer.officer, 'content-type': type },
          payload: JSON.stringify(victimReferral('VN-MPS')),
        })),
      fc.constantFrom('PUT', 'PATCH', 'DELETE', 'OPTIONS').map((method) => ({
        what: `${method} on a referral`,
        method: method,
        url: `/v1/referrals/${bystander.id}`,
        headers: json(bearer.officer),
        payload: JSON.stringify({ status: 'COMPLETED' }),
      })),
    );
    await property(requests, RUNS.headers);
  });

  it('never lets another Lao agency see or touch a referral that is not its own', async () => {
    const targets: [HostileRequest['method'], string, unknown][] = [
      ['GET', `/v1/referrals/${bystander.id}`, undefined],
      ['GET', `/v1/referrals/${bystander.id}/history`, undefined],
      ['GET', `/v1/referrals/${bystander.id}/messages`, undefined],
      ['POST', `/v1/referrals/${bystander.id}/messages`, { language: 'lo', body: 'Hello' }],
      ['POST', `/v1/referrals/${bystander.id}/withdraw`, { reason: 'Not mine to withdraw.' }],
      ['POST', `/v1/referrals/${bystander.id}/acknowledge`, {}],
    ];
    const attempts = fc.constantFrom(...targets);
    await property(
      attempts.map(([method, url, body]) => ({
        what: 'foreign party',
        method,
        url,
        headers: json(bearer.foreign),
        ...(body !== undefined && { payload: JSON.stringify(body) }),
      })),
      RUNS.foreignParty,
    );
    // The answer is the same 404 as for a referral that does not exist.
    const res = await inject({
      method: 'GET',
      url: `/v1/referrals/${bystander.id}`,
      headers: { authorization: bearer.foreign },
    });
    expect(res.statusCode).toBe(404);
  });

  it('stored nothing and changed no referral', async () => {
    expect(await rowCounts(db)).toEqual(before);
    expect(await referralRow(bystander.id)).toEqual(bystander.row);
    const ready = await inject({ method: 'GET', url: '/health/ready', headers: {} });
    expect(ready.statusCode).toBe(200);
  });

  it('stores injection strings and odd Unicode in free text verbatim (NFC)', async () => {
    const texts = [...INJECTIONS, ...LEGITIMATE_ODD_TEXTS];
    const base = victimReferral('VN-MPS');
    let body: unknown = base;
    freeTextPaths(base).forEach((path, i) => {
      const t = texts[i % texts.length]!;
      body = setAt(body, path, path.includes('senderReference') ? t.slice(0, 100) : t);
    });
    const created = await inject({
      method: 'POST',
      url: '/v1/referrals',
      headers: json(bearer.officer),
      payload: JSON.stringify(body),
    });
    expect(created.statusCode).toBe(201);
    const read = await inject({
      method: 'GET',
      url: `/v1/referrals/${created.json<{ id: string }>().id}`,
      headers: { authorization: bearer.officer },
    });
    const expected = JSON.parse(JSON.stringify(body).normalize('NFC')) as Record<string, unknown>;
    expect(read.json<{ content: unknown }>().content).toEqual(expect.objectContaining(expected));

    for (const text of texts) {
      const posted = await inject({
        method: 'POST',
        url: `/v1/referrals/${bystander.id}/messages`,
        headers: json(bearer.officer),
        payload: JSON.stringify({ language: 'en', body: text }),
      });
      expect(posted.statusCode).toBe(201);
      expect(posted.json<{ body: string }>().body).toBe(text.normalize('NFC'));
    }
    const messages = await inject({
      method: 'GET',
      url: `/v1/referrals/${bystander.id}/messages?limit=200`,
      headers: { authorization: bearer.officer },
    });
    expect(messages.json<{ items: { body: string }[] }>().items.map((m) => m.body)).toEqual(
      texts.map((t) => t.normalize('NFC')),
    );
  });
});

async function devIssuerKey(): Promise<CryptoKey> {
  await tokenFor(); // makes sure the development keys exist
  const file = join(__dirname, '..', '..', '.dev', 'keys', 'dev-issuer.private.jwk');
  return (await importJWK(JSON.parse(readFileSync(file, 'utf8')), 'EdDSA')) as CryptoKey;
}

/** A token the development issuer really signed, with whatever claims it is given. */
function signToken(key: CryptoKey, claims: Record<string, unknown>): Promise<string> {
  return new SignJWT({ sub: 'hostile', ...claims })
    .setProtectedHeader({ alg: 'EdDSA' })
    .setIssuer('urn:mrh:dev-issuer')
    .setAudience('referral-hub')
    .setIssuedAt()
    .setExpirationTime('10m')
    .sign(key);
}
