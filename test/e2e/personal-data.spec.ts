import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { EVENT_TYPES } from '@hub/contracts';
import { Client } from 'pg';
import { Clock } from '../../src/common/clock';
import { dropDatabase } from '../../src/database/ensure-database';
import { migrateDatabase } from '../../src/database/migrate';
import { RetentionScanner } from '../../src/privacy/retention-scanner';
import { appRoleUrl, scratchDatabaseUrl } from '../support/databases';
import { Officer } from '../support/hub-client';
import { partnerEvent } from '../support/partner-events';
import { example, victimReferral } from '../support/referral-fixtures';
import { TestPartner } from '../support/test-partner';
import { startTestApp } from '../support/test-app';

const DAY_MS = 24 * 60 * 60 * 1000;
const RETENTION_DAYS = 30;

/** What the two contract examples and a case message say about people, none of which may show. */
const PERSONAL = [
  'Thị Hoa',
  'Nguyễn',
  'ທິ ຮວາ',
  'ງຸຍເອັນ',
  'Hoa Nguyen',
  '2010-05-21',
  'Trần Thị Lan',
  '+84 912 345 678',
  'Ky Tan',
  'karaoke',
  'Wang',
  'Ah Wei',
  'ອາເຫວີຍ',
  '1986-02-03',
  'E12345678',
  'Mengla',
  'her mother waits at Lao Bao',
];

describe('personal data at rest (own database)', () => {
  const adminUrl = scratchDatabaseUrl('hub_privacy');
  let app: NestFastifyApplication;
  let vn: TestPartner;
  let cn: TestPartner;
  let bokeo: Officer;
  let pdpcht: Officer;
  let supervisor: Officer;
  let auditor: Officer;
  let superuser: Client;

  beforeAll(async () => {
    await migrateDatabase(adminUrl);
    app = await startTestApp({
      DATABASE_URL: appRoleUrl(adminUrl),
      AUDIT_CHECKPOINT_INTERVAL_SECONDS: '3600',
      // No witness runs here (test/e2e/audit-witnesses.spec.ts has them): the hub's signature alone.
      AUDIT_WITNESS_QUORUM: '0',
      PERSONAL_DATA_RETENTION_DAYS: String(RETENTION_DAYS),
    });
    vn = await TestPartner.start('VN');
    cn = await TestPartner.start('CN');
    // Cleared for children too: the contract's example victim is 16.
    bokeo = await Officer.of(
      app,
      'LA-BOKEO-POLICE',
      ['liaison_officer', 'child_protection'],
      'khamla',
    );
    pdpcht = await Officer.of(
      app,
      'LA-PDPCHT',
      ['liaison_officer', 'child_protection'],
      'somphone',
    );
    supervisor = await Officer.of(
      app,
      'LA-BOKEO-POLICE',
      ['supervisor', 'child_protection'],
      'chief-vilay',
    );
    auditor = await Officer.of(app, 'LA-PDPCHT', ['auditor'], 'inspector-1');
    superuser = new Client({ connectionString: adminUrl });
    await superuser.connect();
  }, 120_000);

  afterAll(async () => {
    await superuser?.end();
    await Promise.all([vn?.stop(), cn?.stop()]);
    await app?.close();
    await dropDatabase(adminUrl);
  });

  async function withdrawn(officer: Officer, body: unknown): Promise<string> {
    const id = await officer.send(body);
    const res = await officer.act(id, 'withdraw', { reason: 'The person was found in Laos' });
    expect(res.status).toBe(200);
    await vn.waitForEvent(id, EVENT_TYPES.referralWithdrawn);
    return id;
  }

  async function verifyLog(): Promise<{ ok: boolean }> {
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      const pending = await superuser.query<{ n: string }>(
        'SELECT count(*) AS n FROM audit_pending',
      );
      if (Number(pending.rows[0]?.n) === 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect((await auditor.post('/v1/audit/checkpoint')).status).toBe(200);
    const res = await auditor.get('/v1/audit/verify');
    expect(res.status).toBe(200);
    return res.body as { ok: boolean };
  }

  it('keeps the example referrals readable to their parties, and a dump of the database shows none of their personal data', async () => {
    const victim = example('victim-repatriation');
    const suspect = example('suspect-handoff');
    const victimId = await bokeo.send(victim);
    const suspectId = await pdpcht.send(suspect);
    const posted = await bokeo.post(`/v1/referrals/${victimId}/messages`, {
      language: 'en',
      body: 'Trần Thị Lan, her mother waits at Lao Bao.',
    });
    expect(posted.status).toBe(201);
    const submitted = await vn.waitForEvent(victimId, EVENT_TYPES.referralSubmitted);
    await cn.waitForEvent(suspectId, EVENT_TYPES.referralSubmitted);
    await vn.waitForEvent(victimId, EVENT_TYPES.messagePosted);

    // The partner and the parties see the content exactly as sent.
    expect(submitted.data).toMatchObject({ person: victim['person'], victim: victim['victim'] });
    const read = await bokeo.get(`/v1/referrals/${victimId}`);
    expect(read.body.content).toEqual(victim);
    expect((await pdpcht.get(`/v1/referrals/${suspectId}`)).body.content).toEqual(suspect);
    const messages = await bokeo.get(`/v1/referrals/${victimId}/messages`);
    expect(messages.body.items[0].body).toBe('Trần Thị Lan, her mother waits at Lao Bao.');

    const dump = execFileSync('pg_dump', ['--data-only', '--dbname', adminUrl], {
      maxBuffer: 256 * 1024 * 1024,
    }).toString('utf8');
    // The dump holds the referrals (ids, national case numbers, facts for the figures) …
    expect(dump).toContain(victimId);
    expect(dump).toContain('BK-2026-0417');
    expect(dump).toContain('PDPCHT-2026-0093');
    // … and nothing that says who the people are.
    const found = PERSONAL.filter((secret) => dump.includes(secret));
    expect(found).toEqual([]);
  });

  it('binds each sealed value to its row: content moved onto another referral does not open', async () => {
    const a = await bokeo.send(victimReferral('VN-MPS'));
    const b = await bokeo.send(victimReferral('VN-MPS'));
    await superuser.query(
      `UPDATE referrals SET sealed_content = (SELECT sealed_content FROM referrals WHERE id = $1)
       WHERE id = $2`,
      [a, b],
    );

    const res = await bokeo.get(`/v1/referrals/${b}`);

    // An internal error, but no content of another referral and no detail of why.
    expect(res.status).toBe(500);
    expect(JSON.stringify(res.body)).not.toContain('Thị Hoa');
    expect((await bokeo.get(`/v1/referrals/${a}`)).status).toBe(200);
  });

  describe('erasure by a supervisor', () => {
    it('is refused while the referral is in progress, and to a liaison officer', async () => {
      const id = await bokeo.send(victimReferral('VN-MPS'));
      const reason = { reason: 'The family asked us to erase it' };

      const early = await supervisor.post(`/v1/referrals/${id}/erase`, reason);
      const officer = await bokeo.post(`/v1/referrals/${id}/erase`, reason);
      const noReason = await supervisor.post(`/v1/referrals/${id}/erase`, {});

      expect(early.status).toBe(409);
      expect(early.body.code).toBe('erasure-not-allowed');
      expect(officer.status).toBe(403);
      expect(noReason.status).toBe(400);
      expect(noReason.body.errors.map((e: any) => e.path)).toContain('reason');
      expect(noReason.body.errors.every((e: any) => e.path === 'reason')).toBe(true);
      expect((await bokeo.get(`/v1/referrals/${id}`)).body.content).not.toBeNull();
    });

    it('destroys the data key of a closed referral: nobody reads its personal data again, the history still verifies', async () => {
      const id = await withdrawn(
        bokeo,
        victimReferral('VN-MPS', (r) => (r['priority'] = 'ROUTINE')),
      );
      const key = 'erase-me-' + id;
      const draft = victimReferral('VN-MPS');
      const created = await bokeo.post('/v1/referrals', draft, {
        'Idempotency-Key': key,
      });
      await bokeo.act(created.body.id, 'withdraw', { reason: 'Entered twice by mistake' });

      const erased = await supervisor.post(`/v1/referrals/${id}/erase`, {
        reason: 'Agreed with the victim: no further need to keep her data',
      });
      await supervisor.post(`/v1/referrals/${created.body.id}/erase`, {
        reason: 'A duplicate draft with the same data',
      });

      expect(erased.status).toBe(200);
      expect(erased.body).toMatchObject({ id, content: null, status: 'WITHDRAWN' });
      expect(erased.body.personalDataErasedAt).toEqual(expect.any(String));
      const after = await bokeo.get(`/v1/referrals/${id}`);
      expect(after.status).toBe(200);
      expect(after.body).toMatchObject({ content: null, senderReference: expect.any(String) });
      const again = await supervisor.post(`/v1/referrals/${id}/erase`, {
        reason: 'once more, please',
      });
      expect(again.status).toBe(409);
      // A replay of the create answers with what is left, not with the erased first response.
      const replay = await bokeo.post('/v1/referrals', draft, {
        'Idempotency-Key': key,
      });
      expect(replay.body).toMatchObject({ id: created.body.id, content: null });
      const keys = await superuser.query(
        `SELECT wrapped_key, destroyed_at FROM referral_keys WHERE referral_id = $1`,
        [id],
      );
      expect(keys.rows).toEqual([{ wrapped_key: null, destroyed_at: expect.any(Date) }]);

      const history = await auditor.get(`/v1/referrals/${id}/history`);
      const erasure = history.body.items
        .map((i: any) => i.entry)
        .find((e: any) => e.action === 'referral.personal-data-erased');
      expect(erasure).toMatchObject({ actor: 'chief-vilay', actorParty: 'LA-BOKEO-POLICE' });
      expect(await verifyLog()).toMatchObject({ ok: true });
    });

    it('leaves case messages listed but without their bodies', async () => {
      const id = await bokeo.send(victimReferral('VN-MPS'));
      await bokeo.post(`/v1/referrals/${id}/messages`, { language: 'lo', body: 'ສະບາຍດີ' });
      await vn.waitForEvent(id, EVENT_TYPES.messagePosted);
      await bokeo.act(id, 'withdraw', { reason: 'Returned home by herself' });
      await vn.waitForEvent(id, EVENT_TYPES.referralWithdrawn);

      expect(
        (await supervisor.post(`/v1/referrals/${id}/erase`, { reason: 'Closed case, data erased' }))
          .status,
      ).toBe(200);
      const messages = await bokeo.get(`/v1/referrals/${id}/messages`);
      const posting = await bokeo.post(`/v1/referrals/${id}/messages`, {
        language: 'lo',
        body: 'ສະບາຍດີ',
      });

      expect(messages.body.items).toEqual([
        expect.objectContaining({ body: null, attachments: [], language: 'lo' }),
      ]);
      expect(posting.status).toBe(409);
      expect(posting.body.code).toBe('personal-data-erased');
      // A partner's message is refused the same way, with a rejection it can act on.
      const partnerMessage = partnerEvent('VN-MPS', EVENT_TYPES.messagePosted, {
        referralId: id,
        messageId: randomUUID(),
        author: 'vn-officer-1',
        language: 'vi',
        body: 'Xin chào',
      });
      await vn.publish(partnerMessage);
      const answer = await vn.waitForAnswer(partnerMessage.id);
      expect(answer).toMatchObject({
        type: EVENT_TYPES.eventRejected,
        data: { code: 'personal-data-erased' },
      });
    });
  });

  it('erases by itself what passed its retention period after closing, and nothing else', async () => {
    const closed = await withdrawn(bokeo, victimReferral('VN-MPS'));
    const open = await bokeo.send(victimReferral('VN-MPS'));
    const scanner = app.get(RetentionScanner);

    const early = await scanner.scanOnce();
    app.get(Clock).advance((RETENTION_DAYS + 1) * DAY_MS);
    const due = await scanner.scanOnce();

    expect(early).toBe(0);
    expect(due).toBeGreaterThanOrEqual(1);
    expect((await bokeo.get(`/v1/referrals/${closed}`)).body.content).toBeNull();
    expect((await bokeo.get(`/v1/referrals/${open}`)).body.content).not.toBeNull();
    const history = await auditor.get(`/v1/referrals/${closed}/history`);
    expect(history.body.items.map((i: any) => i.entry)).toContainEqual(
      expect.objectContaining({
        action: 'referral.personal-data-erased',
        actorKind: 'hub',
        actor: 'hub:retention',
      }),
    );
    expect(await verifyLog()).toMatchObject({ ok: true });
  });
});

describe('erasure while events wait in the outbox (relay off, own database)', () => {
  const adminUrl = scratchDatabaseUrl('hub_privacy_pending');
  let app: NestFastifyApplication;

  beforeAll(async () => {
    await migrateDatabase(adminUrl);
    app = await startTestApp({
      DATABASE_URL: appRoleUrl(adminUrl),
      OUTBOX_RELAY_ENABLED: 'false',
      INBOUND_CONSUMER_ENABLED: 'false',
    });
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await dropDatabase(adminUrl);
  });

  it('is refused: an event sealed with a destroyed key could never be delivered', async () => {
    const bokeo = await Officer.of(app, 'LA-BOKEO-POLICE', ['liaison_officer', 'child_protection']);
    const supervisor = await Officer.of(app, 'LA-BOKEO-POLICE', ['supervisor']);
    const id = await bokeo.send(victimReferral('VN-MPS'));
    await bokeo.act(id, 'withdraw', { reason: 'The person was found in Laos' });

    const res = await supervisor.post(`/v1/referrals/${id}/erase`, {
      reason: 'Closed before anything was delivered',
    });

    expect(res.status).toBe(409);
    expect(res.body.code).toBe('erasure-not-allowed');
    expect(res.body.detail).toMatch(/waiting to be delivered/);
    expect((await bokeo.get(`/v1/referrals/${id}`)).body.content).not.toBeNull();
  });
});
