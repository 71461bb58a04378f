import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { EVENT_TYPES } from '@hub/contracts';
import { Client } from 'pg';
import { readmeAuditActions } from '../../scripts/audit-actions-table';
import { repoRoot } from '../../scripts/lib/repo-root';
import { AUDIT_ACTION_NAMES, type AuditAction } from '../../src/audit-trail/audit-actions';
import { Clock } from '../../src/common/clock';
import { dropDatabase } from '../../src/database/ensure-database';
import { migrateDatabase } from '../../src/database/migrate';
import { OverdueScanner } from '../../src/deadlines/overdue-scanner';
import { appRoleUrl, scratchDatabaseUrl } from '../support/databases';
import { Officer, type HubResponse } from '../support/hub-client';
import { partnerEvent } from '../support/partner-events';
import { victimReferral } from '../support/referral-fixtures';
import { TestPartner } from '../support/test-partner';
import { startTestApp } from '../support/test-app';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Performs every action the README's audit table lists, through the hub's own doors (HTTP, the
 * partner topics, and the overdue scanner, run at once with the clock moved on), and finds the
 * entry each wrote. The last test holds the three lists together: what was performed here, what
 * the code may write (AUDITED_ACTIONS), and what the README says.
 */
describe('every audited action, performed, leaves its entry (own database)', () => {
  const adminUrl = scratchDatabaseUrl('hub_audited');
  let app: NestFastifyApplication;
  let vn: TestPartner;
  let bokeo: Officer;
  let supervisor: Officer;
  let auditor: Officer;
  let superuser: Client;
  /** Each action performed, with the referral whose history must show it. */
  const performed: { action: AuditAction; referralId: string }[] = [];

  beforeAll(async () => {
    await migrateDatabase(adminUrl);
    app = await startTestApp({
      DATABASE_URL: appRoleUrl(adminUrl),
      AUDIT_CHECKPOINT_INTERVAL_SECONDS: '3600',
    });
    vn = await TestPartner.start('VN');
    bokeo = await Officer.of(
      app,
      'LA-BOKEO-POLICE',
      ['liaison_officer', 'child_protection'],
      'khamla',
    );
    supervisor = await Officer.of(app, 'LA-BOKEO-POLICE', ['supervisor'], 'chief-vilay');
    auditor = await Officer.of(app, 'LA-PDPCHT', ['auditor'], 'inspector-1');
    superuser = new Client({ connectionString: adminUrl });
    await superuser.connect();
  }, 120_000);

  afterAll(async () => {
    await superuser?.end();
    await vn?.stop();
    await app?.close();
    await dropDatabase(adminUrl);
  });

  /** The actions of a referral's audit history, as an auditor reads it. */
  async function actionsOf(referralId: string): Promise<string[]> {
    const res = await auditor.get(`/v1/referrals/${referralId}/history`);
    expect(res.status).toBe(200);
    return res.body.items.map((i: { entry: { action: string } }) => i.entry.action);
  }

  /** Notes that `action` was performed on `referralId`, once the hub answered `status`. */
  function did(action: AuditAction, referralId: string, res?: HubResponse, status = 200): void {
    if (res) expect({ action, status: res.status }).toEqual({ action, status });
    performed.push({ action, referralId });
  }

  /** The partner system acts on `referralId` having seen `seen`; the hub must apply it. */
  async function partnerDoes(
    action: AuditAction,
    type: string,
    data: Record<string, unknown> & { referralId: string },
    seen: number,
  ): Promise<void> {
    const event = await vn.act('VN-MPS', type, data, seen);
    const answer = await vn.waitForAnswer(event.id);
    expect([type, answer.type, answer.data['status']]).toEqual([
      type,
      EVENT_TYPES.receipt,
      'APPLIED',
    ]);
    did(action, data.referralId);
  }

  /** Every action performed on these referrals is in their histories. */
  async function expectRecorded(referralIds: string[]): Promise<void> {
    for (const id of referralIds) {
      const recorded = await actionsOf(id);
      const expected = performed.filter((p) => p.referralId === id).map((p) => p.action);
      expect(expected.length).toBeGreaterThan(0);
      expect(recorded).toEqual(expect.arrayContaining(expected));
    }
  }

  it("records a draft's creation once, however often an officer's request is retried", async () => {
    const draft = victimReferral('VN-MPS');
    const key = randomUUID();

    const first = await bokeo.post('/v1/referrals', draft, { 'Idempotency-Key': key });
    const retry = await bokeo.post('/v1/referrals', draft, { 'Idempotency-Key': key });

    did('referral.create', first.body.id, first, 201);
    expect(retry.headers['idempotency-replayed']).toBe('true');
    expect(retry.body.id).toBe(first.body.id);
    const actions = await actionsOf(first.body.id);
    expect(actions.filter((a) => a === 'referral.create')).toHaveLength(1);
    await expectRecorded([first.body.id]);
  });

  it('records every lifecycle step, whether an officer or the partner system took it', async () => {
    const completed = await bokeo.createDraft(
      victimReferral('VN-MPS', (r) => {
        r['victim'].consent.dataSharing = false;
      }),
    );
    did('referral.create', completed);
    const submitted = await supervisor.post(`/v1/referrals/${completed}/submit`, {
      consentOverride: { reason: 'The guardian consented in writing; the form follows by post.' },
    });
    did('referral.submit', completed, submitted);
    did('referral.consent-override', completed);
    await vn.waitForEvent(completed, EVENT_TYPES.referralSubmitted);
    const ref = { referralId: completed };
    await partnerDoes('referral.acknowledge', EVENT_TYPES.referralAcknowledged, ref, 1);
    await partnerDoes(
      'referral.request-info',
      EVENT_TYPES.referralInfoRequested,
      { ...ref, question: 'Who is her guardian now?' },
      2,
    );
    const answered = await bokeo.act(completed, 'provide-info', { answer: 'Her aunt in Pakse.' });
    did('referral.provide-info', completed, answered);
    await vn.waitForEvent(completed, EVENT_TYPES.referralInfoProvided);
    await partnerDoes('referral.accept', EVENT_TYPES.referralAccepted, ref, 4);
    const scheduled = await bokeo.act(completed, 'schedule-handover', {
      checkpoint: 'LA-VN-DENSAVANH',
      scheduledAt: '2026-12-10T09:00:00+07:00',
    });
    did('referral.schedule-handover', completed, scheduled);
    await vn.waitForEvent(completed, EVENT_TYPES.referralHandoverScheduled);
    await partnerDoes(
      'referral.complete',
      EVENT_TYPES.referralCompleted,
      { ...ref, completedAt: '2026-12-10T10:00:00+07:00' },
      6,
    );

    const rejected = await bokeo.send(victimReferral('VN-MPS'));
    did('referral.create', rejected);
    did('referral.submit', rejected);
    await vn.waitForEvent(rejected, EVENT_TYPES.referralSubmitted);
    await partnerDoes(
      'referral.acknowledge',
      EVENT_TYPES.referralAcknowledged,
      { referralId: rejected },
      1,
    );
    await partnerDoes(
      'referral.reject',
      EVENT_TYPES.referralRejected,
      { referralId: rejected, reasonCode: 'DUPLICATE' },
      2,
    );

    // A draft withdrawn before submission: in the audit trail, though it takes no number.
    const withdrawn = await bokeo.createDraft(victimReferral('VN-MPS'));
    did('referral.create', withdrawn);
    const withdrawal = await bokeo.act(withdrawn, 'withdraw', { reason: 'Entered twice.' });
    did('referral.withdraw', withdrawn, withdrawal);
    const erased = await supervisor.post(`/v1/referrals/${withdrawn}/erase`, {
      reason: 'A duplicate draft with the same data',
    });
    did('referral.personal-data-erased', withdrawn, erased);

    await expectRecorded([completed, rejected, withdrawn]);
  });

  it("records reads of personal data, case messages both ways, a partner's delivery receipt and its refused event", async () => {
    const id = await bokeo.send(victimReferral('VN-MPS'));
    did('referral.create', id);
    did('referral.submit', id);
    await vn.waitForEvent(id, EVENT_TYPES.referralSubmitted);

    did('referral.read', id, await bokeo.get(`/v1/referrals/${id}`));
    const posted = await bokeo.post(`/v1/referrals/${id}/messages`, {
      language: 'lo',
      body: 'ສະບາຍດີ',
    });
    did('message.posted', id, posted, 201);
    did('messages.read', id, await bokeo.get(`/v1/referrals/${id}/messages`));
    const told = await vn.waitForEvent(id, EVENT_TYPES.messagePosted);
    await partnerDoes(
      'message.posted',
      EVENT_TYPES.messagePosted,
      {
        referralId: id,
        messageId: randomUUID(),
        author: 'vn-officer-1',
        language: 'vi',
        body: 'Xin chào',
      },
      2,
    );
    // Receipts are never answered: wait until the hub has recorded it.
    await vn.publish(
      partnerEvent(
        'VN-MPS',
        EVENT_TYPES.receipt,
        { eventId: told.id, status: 'DELIVERED' },
        { subject: id },
      ),
    );
    await waitUntil('the delivery receipt applied', async () =>
      (await actionsOf(id)).includes('referral.delivery-confirmed'),
    );
    did('referral.delivery-confirmed', id);
    // Accepting a referral nobody acknowledged: refused (invalid-transition), and recorded.
    const refused = partnerEvent(
      'VN-MPS',
      EVENT_TYPES.referralAccepted,
      { referralId: id },
      { referralseq: 3 },
    );
    await vn.publish(refused);
    const rejection = await vn.waitForAnswer(refused.id);
    expect(rejection).toMatchObject({
      type: EVENT_TYPES.eventRejected,
      data: { code: 'invalid-transition' },
    });
    did('partner-event.refused', id);

    await expectRecorded([id]);
  });

  it("records a victim's consent withdrawn by an officer and restored by a supervisor", async () => {
    const id = await bokeo.send(victimReferral('VN-MPS'));
    did('referral.create', id);
    did('referral.submit', id);
    const today = new Date().toISOString().slice(0, 10);

    const withdrawn = await bokeo.post(`/v1/referrals/${id}/consent/withdrawal`, {
      withdrawnBy: 'VICTIM',
      withdrawnOn: today,
    });
    did('referral.withdraw-consent', id, withdrawn);
    const restored = await supervisor.post(`/v1/referrals/${id}/consent/restoration`, {
      restoredOn: today,
      note: 'She agreed again after counselling, in writing.',
    });
    did('referral.restore-consent', id, restored);

    await expectRecorded([id]);
  });

  it('records a step that missed its deadline (the scanner run at once, the clock a week on)', async () => {
    const id = await bokeo.send(victimReferral('VN-MPS'));
    did('referral.create', id);
    did('referral.submit', id);

    app.get(Clock).advance(8 * DAY_MS);
    await app.get(OverdueScanner).scanOnce();
    did('referral.overdue', id);

    await expectRecorded([id]);
  });

  it('has performed every action the code may record, and the README lists exactly those', async () => {
    const readme = readFileSync(join(repoRoot(), 'README.md'), 'utf8');
    const names = [...new Set(performed.map((p) => p.action))].sort();
    const written = await superuser.query<{ action: string }>(
      'SELECT DISTINCT action FROM audit_entries ORDER BY action',
    );

    expect(names).toEqual([...AUDIT_ACTION_NAMES].sort());
    expect([...readmeAuditActions(readme)].sort()).toEqual(names);
    expect(written.rows.map((r) => r.action)).toEqual(names);
  });
});

/** Polls `probe` until it holds (30 s at most): for what the hub does without answering. */
async function waitUntil(what: string, probe: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
