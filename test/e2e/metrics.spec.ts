import { randomUUID } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { TestPartner } from '../support/test-partner';
import { startTestApp } from '../support/test-app';
import { tokenFor } from '../support/tokens';

/** The value of one series in a Prometheus text exposition (undefined when absent). */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('GET /metrics', () => {
  let app: NestFastifyApplication;
  let partner: TestPartner;

  beforeAll(async () => {
    app = await startTestApp();
    partner = await TestPartner.start('KH');
  });

  afterAll(async () => {
    await partner?.stop();
    await app?.close();
  });

  const scrape = async (): Promise<string> => {
    const res = await request(app.getHttpServer()).get('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    return res.text;
  };

  it('is public, outside /v1, with process metrics', async () => {
    const text = await scrape();

    expect(text).toContain('# TYPE process_cpu_user_seconds_total counter');
    expect(text).toContain('# TYPE nodejs_eventloop_lag_seconds gauge');
  });

  it('counts HTTP requests by route pattern and status, never by raw URL', async () => {
    const token = await tokenFor({ sub: 'metrics-1' });
    const id = randomUUID();
    await request(app.getHttpServer()).get(`/v1/referrals/${id}`).auth(token, { type: 'bearer' });
    await request(app.getHttpServer()).get('/no/such/page');

    const text = await scrape();

    expect(
      sample(text, 'mrh_http_requests_total{method="GET",route="/v1/referrals/:id",status="404"}'),
    ).toBeGreaterThanOrEqual(1);
    expect(
      sample(text, 'mrh_http_requests_total{method="GET",route="unmatched",status="404"}'),
    ).toBeGreaterThanOrEqual(1);
    expect(text).not.toContain(id);
    expect(text).not.toContain('/no/such/page');
    expect(text).toMatch(
      /mrh_http_request_duration_seconds_bucket\{le="0\.005",method="GET",route="\/v1\/referrals\/:id",status="404"\} \d+/,
    );
  });

  it('reports the outbox, the audit log and the relay', async () => {
    const text = await scrape();

    expect(sample(text, 'mrh_outbox_backlog')).toBeGreaterThanOrEqual(0);
    expect(sample(text, 'mrh_audit_log_size')).toBeGreaterThanOrEqual(0);
    expect(sample(text, 'mrh_audit_pending_entries')).toBeGreaterThanOrEqual(0);
    expect(sample(text, 'mrh_outbox_published_total')).toBeGreaterThanOrEqual(0);
    expect(sample(text, 'mrh_outbox_publish_failures_total')).toBeGreaterThanOrEqual(0);
    expect([0, 1]).toContain(sample(text, 'mrh_outbox_relay_leader'));
  });

  it('counts what the inbound consumer dead-lettered', async () => {
    const before = sample(await scrape(), 'mrh_inbound_dead_lettered_total') ?? 0;
    const key = randomUUID();

    await partner.sendRaw(key, 'not an event', { 'content-type': 'application/cloudevents+json' });
    await partner.waitFor('the dead letter', (received) =>
      received.some((r) => r.topic.endsWith('.dlq') && r.key === key),
    );

    // The consumer counts a record once its handling returns, just after the DLQ write.
    let text = await scrape();
    for (let i = 0; i < 50 && !(sample(text, 'mrh_inbound_dead_lettered_total')! > before); i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      text = await scrape();
    }
    expect(sample(text, 'mrh_inbound_dead_lettered_total')).toBeGreaterThan(before);
    expect(sample(text, 'mrh_inbound_events_total{outcome="rejected"}')).toBeGreaterThan(0);
  });
});
