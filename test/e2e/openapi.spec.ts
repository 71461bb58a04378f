import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { LIFECYCLE_ACTION_NAMES } from '@hub/contracts';
import request from 'supertest';
import { routeParametersOf, type RouteParameters } from '../support/route-parameters';
import { startTestApp } from '../support/test-app';

/** The route that serves every lifecycle action but submit; the document has one path each. */
const GENERIC_ACTION = 'POST /v1/referrals/{id}/{action}';

/**
 * The operations of the document that a route of the code is published as, each with the
 * parameters it should declare: itself, except the generic action route, which the document
 * expands into one path per action (`action` then fixed in the path; submit has a route of its own).
 */
function documentedAs(route: RouteParameters): { operation: string; parameters: string[] }[] {
  const operation = `${route.method} ${route.path}`;
  if (operation !== GENERIC_ACTION) return [{ operation, parameters: route.parameters }];
  return LIFECYCLE_ACTION_NAMES.filter((action) => action !== 'submit').map((action) => ({
    operation: `POST /v1/referrals/{id}/${action}`,
    parameters: route.parameters.filter((p) => p !== 'path:action'),
  }));
}

/** Every operation of the document with its parameters (`query:limit`, `header:if-match`). */
function documentedParameters(document: any): Map<string, string[]> {
  const operations = new Map<string, string[]>();
  for (const [path, item] of Object.entries<any>(document.paths)) {
    for (const method of ['get', 'post', 'put', 'patch', 'delete']) {
      const operation = item[method];
      if (!operation) continue;
      const parameters = [...(item.parameters ?? []), ...(operation.parameters ?? [])].map(
        (p: { in: string; name: string }) =>
          `${p.in}:${p.in === 'header' ? p.name.toLowerCase() : p.name}`,
      );
      operations.set(`${method.toUpperCase()} ${path}`, parameters.sort());
    }
  }
  return operations;
}

describe('the published OpenAPI document', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    app = await startTestApp();
  });

  afterAll(async () => {
    await app?.close();
  });

  it('is served at /docs/openapi.json without a token, generated from the routes', async () => {
    const res = await request(app.getHttpServer()).get('/docs/openapi.json');

    expect(res.status).toBe(200);
    expect(res.body.openapi).toMatch(/^3\./);
    expect(Object.keys(res.body.paths).sort()).toEqual(
      [
        '/health/live',
        '/health/ready',
        '/metrics',
        '/v1/me',
        '/v1/referrals',
        '/v1/referrals/{id}',
        '/v1/referrals/{id}/history',
        '/v1/referrals/{id}/erase',
        '/v1/referrals/{id}/consent/withdrawal',
        '/v1/referrals/{id}/consent/restoration',
        '/v1/referrals/{id}/history/bundle',
        '/v1/audit/checkpoint',
        '/v1/audit/verify',
        '/v1/audit/proofs/consistency',
        '/v1/audit/proofs/inclusion',
        '/v1/audit/proofs/inclusion-by-hash',
        '/v1/audit/entries',
        '/v1/referrals/{id}/messages',
        '/v1/stats',
        '/v1/stats.csv',
        '/v1/registry',
        '/v1/stream',
        '/auth/options',
        '/auth/dev-sign-in',
        '/auth/sign-in',
        '/auth/callback',
        '/auth/session',
        '/auth/sign-out',
        ...LIFECYCLE_ACTION_NAMES.map((a) => `/v1/referrals/{id}/${a}`),
      ].sort(),
    );
  });

  it('declares, for every route, exactly the path, query and header parameters its code reads', async () => {
    const { body } = await request(app.getHttpServer()).get('/docs/openapi.json');
    const documented = documentedParameters(body);
    const routes = routeParametersOf(app);

    const drift: string[] = [];
    const covered = new Set<string>();
    for (const route of routes) {
      for (const { operation, parameters } of documentedAs(route)) {
        const where = `${operation} (${route.handler})`;
        const declared = documented.get(operation);
        covered.add(operation);
        if (declared === undefined) {
          drift.push(`${where}: not in the document`);
          continue;
        }
        for (const p of parameters.filter((p) => !declared.includes(p))) {
          drift.push(`${where}: ${p} is read by the code but not declared in the document`);
        }
        for (const p of declared.filter((p) => !parameters.includes(p))) {
          drift.push(`${where}: ${p} is declared in the document but the code never reads it`);
        }
        for (const p of new Set(declared.filter((p, i) => declared.indexOf(p) !== i))) {
          drift.push(`${where}: ${p} is declared more than once`);
        }
      }
    }
    for (const operation of documented.keys()) {
      if (!covered.has(operation))
        drift.push(`${operation}: in the document, but no route serves it`);
    }

    expect(routes.length).toBeGreaterThan(20);
    expect(drift).toEqual([]);
  });

  it('describes each action body from the contract classes and every error as problem+json', async () => {
    const { body } = await request(app.getHttpServer()).get('/docs/openapi.json');

    const reject = body.paths['/v1/referrals/{id}/reject'].post;
    expect(reject.requestBody.content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/RejectBody',
    });
    expect(body.components.schemas.RejectBody.properties.reasonCode.enum).toContain(
      'NOT_OUR_NATIONAL',
    );
    expect(body.components.schemas.ReferralContent.required).toEqual(
      expect.arrayContaining(['to', 'type', 'person']),
    );
    expect(reject.responses['409'].content).toHaveProperty('application/problem+json');
    const create = body.paths['/v1/referrals'].post;
    expect(create.parameters.map((p: any) => p.name)).toContain('Idempotency-Key');
  });

  it('names the action of the role × action table each operation needs', async () => {
    const { body } = await request(app.getHttpServer()).get('/docs/openapi.json');

    expect(body.paths['/v1/referrals'].post['x-mrh-permission']).toBe('referral.create');
    expect(body.paths['/v1/referrals/{id}/submit'].post['x-mrh-permission']).toBe(
      'referral.submit',
    );
    expect(body.paths['/v1/referrals/{id}/withdraw'].post['x-mrh-permission']).toBe('referral.act');
    expect(body.paths['/v1/audit/verify'].get.description).toContain('`audit.verify`');
    expect(body.paths['/health/live'].get).not.toHaveProperty('x-mrh-permission');
  });

  it("documents the log's proof routes: each parameter, the answer, and the refusals", async () => {
    const { body } = await request(app.getHttpServer()).get('/docs/openapi.json');
    const parameters = (path: string): Record<string, unknown> =>
      Object.fromEntries(
        body.paths[path].get.parameters.map((p: any) => [
          p.name,
          { in: p.in, required: p.required, ...p.schema },
        ]),
      );

    expect(parameters('/v1/audit/proofs/inclusion')).toEqual({
      index: { in: 'query', required: true, type: 'integer', minimum: 0 },
      size: { in: 'query', required: true, type: 'integer', minimum: 1 },
    });
    expect(parameters('/v1/audit/proofs/inclusion-by-hash')).toMatchObject({
      hash: { in: 'query', required: true, type: 'string' },
      size: { in: 'query', required: true, type: 'integer', minimum: 1 },
    });
    expect(parameters('/v1/audit/entries')).toEqual({
      start: { in: 'query', required: true, type: 'integer', minimum: 0 },
      end: { in: 'query', required: true, type: 'integer', minimum: 1 },
    });
    const entries = body.paths['/v1/audit/entries'].get;
    expect(entries.parameters.find((p: any) => p.name === 'end').description).toContain('1000');
    expect(entries.responses['200'].content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/LeafRangeView',
    });
    expect(body.components.schemas.LeafView.required).toEqual(['leafIndex', 'leafHash']);
    for (const path of [
      '/v1/audit/proofs/inclusion',
      '/v1/audit/proofs/inclusion-by-hash',
      '/v1/audit/entries',
    ]) {
      const operation = body.paths[path].get;
      expect(operation['x-mrh-permission']).toBe('audit.proof.read');
      expect(operation.responses['400'].content).toHaveProperty('application/problem+json');
      expect(operation.responses['404'].content).toHaveProperty('application/problem+json');
    }
  });

  it('serves the interactive UI at /docs', async () => {
    const res = await request(app.getHttpServer()).get('/docs');

    expect(res.status).toBe(200);
    expect(res.text).toContain('swagger');
  });
});
