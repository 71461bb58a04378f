import { Transactions } from '../../src/database/transactions';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { EVENT_TYPES } from '@hub/contracts';
import {
  hashLeaf,
  openCheckpoint,
  parseVerifierKey,
  verifyConsistency,
  verifyInclusion,
} from '@hub/transparency-log';
import { Client } from 'pg';
import { verifyBundle } from '../../src/audit/audit-bundle';
import { leafBytes } from '../../src/audit-trail/audit-entry';
import { dropDatabase } from '../../src/database/ensure-database';
import { migrateDatabase } from '../../src/database/migrate';
import { appRoleUrl, scratchDatabaseUrl } from '../support/databases';
import { Officer } from '../support/hub-client';
import { victimReferral } from '../support/referral-fixtures';
import { TestPartner } from '../support/test-partner';
import { startTestApp } from '../support/test-app';

const ROOT = join(__dirname, '..', '..');

describe('the audit trail (own database, so tampering harms no other suite)', () => {
  const adminUrl = scratchDatabaseUrl('hub_audit');
  let app: NestFastifyApplication;
  let vn: TestPartner;
  let bokeo: Officer;
  let auditor: Officer;
  let superuser: Client;
  let referralId: string;

  beforeAll(async () => {
    await migrateDatabase(adminUrl);
    app = await startTestApp({
      DATABASE_URL: appRoleUrl(adminUrl),
      AUDIT_CHECKPOINT_INTERVAL_SECONDS: '3600',
      // No witness runs here (test/e2e/audit-witnesses.spec.ts has them): the hub's signature alone.
      AUDIT_WITNESS_QUORUM: '0',
    });
    vn = await TestPartner.start('VN');
    // Cleared for children: the example victim is 16, and only a cleared officer's read is a read.
    bokeo = await Officer.of(
      app,
      'LA-BOKEO-POLICE',
      ['liaison_officer', 'child_protection'],
      'khamla',
    );
    auditor = await Officer.of(app, 'LA-PDPCHT', ['auditor'], 'inspector-1');
    superuser = new Client({ connectionString: adminUrl });
    await superuser.connect();

    referralId = await bokeo.send(victimReferral('VN-MPS'));
    await vn.waitForEvent(referralId, EVENT_TYPES.referralSubmitted);
    await vn.act('VN-MPS', EVENT_TYPES.referralAcknowledged, { referralId }, 1);
    await vn.act('VN-MPS', EVENT_TYPES.referralAccepted, { referralId }, 2);
    await bokeo.act(referralId, 'schedule-handover', {
      checkpoint: 'LA-VN-DENSAVANH',
      scheduledAt: '2026-12-10T09:00:00+07:00',
    });
    await vn.act(
      'VN-MPS',
      EVENT_TYPES.referralCompleted,
      { referralId, completedAt: '2026-12-10T10:00:00+07:00' },
      4,
    );
    await waitUntilSequenced();
  }, 120_000);

  afterAll(async () => {
    await superuser?.end();
    await vn?.stop();
    await app?.close();
    await dropDatabase(adminUrl);
  });

  /** Entries get their leaves after commit; wait until every one has one. */
  async function waitUntilSequenced(): Promise<void> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const pending = await superuser.query<{ n: string }>(
        'SELECT count(*) AS n FROM audit_pending',
      );
      if (Number(pending.rows[0]?.n) === 0) return;
      if (Date.now() > deadline) throw new Error('the sequencer did not catch up');
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async function checkpointCount(): Promise<number> {
    const rows = await app
      .get(Transactions)
      .query<{ n: string }>(`SELECT count(*) AS n FROM audit_checkpoints`);
    return Number(rows[0]?.n);
  }

  async function signCheckpoint(): Promise<any> {
    await waitUntilSequenced();
    const res = await auditor.post('/v1/audit/checkpoint');
    expect(res.status).toBe(200);
    return res.body;
  }

  it('answers GET /v1/audit/checkpoint with the latest signed checkpoint, signing nothing itself', async () => {
    const signed = await signCheckpoint();
    const before = await checkpointCount();

    const res = await auditor.get('/v1/audit/checkpoint');

    expect(res.status).toBe(200);
    expect(res.body.size).toBeGreaterThanOrEqual(signed.size);
    expect(await checkpointCount()).toBe(before);
  });

  it('lists every step of a lifecycle in order, with actors, each proven against the signed checkpoint', async () => {
    const checkpoint = await signCheckpoint();

    const res = await auditor.get(`/v1/referrals/${referralId}/history`);

    expect(res.status).toBe(200);
    const steps = res.body.items
      .map((i: any) => i.entry)
      .filter((e: any) => e.action !== 'referral.read');
    expect(
      steps.map((e: any) => [e.action, e.actorKind, e.actor, e.actorParty, e.stateAfter]),
    ).toEqual([
      ['referral.create', 'officer', 'khamla', 'LA-BOKEO-POLICE', 'DRAFT'],
      ['referral.submit', 'officer', 'khamla', 'LA-BOKEO-POLICE', 'SUBMITTED'],
      ['referral.acknowledge', 'partner-system', 'partner-system:VN', 'VN-MPS', 'ACKNOWLEDGED'],
      ['referral.accept', 'partner-system', 'partner-system:VN', 'VN-MPS', 'ACCEPTED'],
      ['referral.schedule-handover', 'officer', 'khamla', 'LA-BOKEO-POLICE', 'HANDOVER_SCHEDULED'],
      ['referral.complete', 'partner-system', 'partner-system:VN', 'VN-MPS', 'COMPLETED'],
    ]);
    expect(steps.every((e: any) => /^[0-9a-f]{64}$/.test(e.payloadSha256))).toBe(true);
    expect(JSON.stringify(res.body)).not.toContain('Nguyễn');

    const opened = openCheckpoint(
      checkpoint.note,
      [parseVerifierKey(checkpoint.verifierKey)],
      checkpoint.origin,
    );
    if (!opened.ok) throw new Error(opened.error);
    const { size, root } = opened.value.checkpoint;
    expect(size).toBe(checkpoint.size);
    for (const item of res.body.items) {
      const proof = item.inclusionProof.map((n: string) => Buffer.from(n, 'base64'));
      const leaf = hashLeaf(leafBytes(item.entry, item.leafIndex));
      expect(verifyInclusion(leaf, item.leafIndex, size, proof, root)).toBe(true);
    }
  });

  it('publishes each checkpoint to the partners as mrh.audit.checkpoint.v1', async () => {
    const checkpoint = await signCheckpoint();

    const record = await vn.waitFor('the checkpoint event', (received) =>
      received.find(
        (r) =>
          r.event.type === EVENT_TYPES.auditCheckpoint &&
          r.event.data['checkpoint'] === checkpoint.note,
      ),
    );

    expect(record.event.source).toBe('/hub');
  });

  it("records who read a referral's personal data", async () => {
    await bokeo.get(`/v1/referrals/${referralId}`);

    const res = await auditor.get(`/v1/referrals/${referralId}/history`);

    const reads = res.body.items.filter((i: any) => i.entry.action === 'referral.read');
    expect(reads.at(-1).entry).toMatchObject({
      actor: 'khamla',
      actorParty: 'LA-BOKEO-POLICE',
      actorRoles: ['liaison_officer', 'child_protection'],
    });
  });

  it('proves that a later checkpoint extends an earlier one', async () => {
    const first = await signCheckpoint();
    await bokeo.get(`/v1/referrals/${referralId}`);
    const second = await signCheckpoint();

    const res = await auditor.get(
      `/v1/audit/proofs/consistency?from=${first.size}&to=${second.size}`,
    );

    expect(res.status).toBe(200);
    const proof = res.body.proof.map((n: string) => Buffer.from(n, 'base64'));
    expect(
      verifyConsistency(
        first.size,
        second.size,
        Buffer.from(first.rootHash, 'base64'),
        Buffer.from(second.rootHash, 'base64'),
        proof,
      ),
    ).toBe(true);
  });

  it('verifies an untouched log', async () => {
    await signCheckpoint();

    const res = await auditor.get('/v1/audit/verify');

    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ok: true });
    expect(res.body.entriesChecked).toBeGreaterThan(5);
    expect(res.body.checkpointsChecked).toBeGreaterThan(0);
  });

  it('exports a bundle the offline verifier accepts, and refuses once an entry is edited', async () => {
    const signed = await signCheckpoint();
    const count = await checkpointCount();

    const res = await auditor.get(`/v1/referrals/${referralId}/history/bundle`);
    const dir = mkdtempSync(join(tmpdir(), 'bundle-'));
    const good = join(dir, 'good.json');
    writeFileSync(good, JSON.stringify(res.body));
    const edited = structuredClone(res.body);
    const acknowledged = edited.entries.findIndex(
      (e: any) => e.entry.action === 'referral.acknowledge',
    );
    edited.entries[acknowledged].entry.actorParty = 'TH-POLICE';
    const bad = join(dir, 'edited.json');
    writeFileSync(bad, JSON.stringify(edited));

    const ok = spawnSync(
      'npx',
      ['tsx', 'scripts/audit-verify.ts', good, '--key', res.body.verifierKey],
      { cwd: ROOT, encoding: 'utf8' },
    );
    const refused = spawnSync('npx', ['tsx', 'scripts/audit-verify.ts', bad], {
      cwd: ROOT,
      encoding: 'utf8',
    });

    expect(await checkpointCount()).toBe(count);
    expect(res.body.checkpoint).toBe(signed.note);
    expect(verifyBundle(res.body).every((f) => f.ok)).toBe(true);
    expect(ok.status).toBe(0);
    expect(ok.stdout).toContain('VERIFIED');
    expect(refused.status).toBe(1);
    expect(refused.stdout).toMatch(/✘ entry \d+ \(referral\.acknowledge .*NOT in the log/);
  });

  it("keeps auditors' routes from officers and histories from other parties", async () => {
    const thai = await Officer.of(app, 'TH-POLICE');

    expect((await bokeo.get('/v1/audit/verify')).status).toBe(403);
    expect((await thai.get(`/v1/referrals/${referralId}/history`)).status).toBe(404);
    expect((await bokeo.get(`/v1/referrals/${referralId}/history`)).status).toBe(200);
  });

  describe('tampering as the database superuser with triggers disabled', () => {
    /** Runs `sql` with triggers off (session_replication_role = replica needs superuser). */
    async function tamper(sql: string, params: unknown[] = []): Promise<void> {
      await superuser.query('SET session_replication_role = replica');
      try {
        await superuser.query(sql, params);
      } finally {
        await superuser.query('SET session_replication_role = origin');
      }
    }

    async function leaves(): Promise<{ leaf_index: string; entry_id: string }[]> {
      return (
        await superuser.query('SELECT leaf_index, entry_id FROM audit_leaves ORDER BY leaf_index')
      ).rows;
    }

    it('catches one changed entry and names it', async () => {
      await signCheckpoint();
      const [, victim] = await leaves();
      const entryId = victim!.entry_id;
      const before = await superuser.query('SELECT actor_party FROM audit_entries WHERE id = $1', [
        entryId,
      ]);

      await tamper(`UPDATE audit_entries SET actor_party = 'TH-POLICE' WHERE id = $1`, [entryId]);
      const report = (await auditor.get('/v1/audit/verify')).body;
      await tamper(`UPDATE audit_entries SET actor_party = $2 WHERE id = $1`, [
        entryId,
        before.rows[0].actor_party,
      ]);

      expect(report.ok).toBe(false);
      expect(report.firstBadEntry).toMatchObject({ leafIndex: 1, entryId });
      expect((await auditor.get('/v1/audit/verify')).body.ok).toBe(true);
    });

    it('catches two entries swapped and names the first', async () => {
      await signCheckpoint();
      const all = await leaves();
      const [a, b] = [all[2]!, all[3]!];

      const swap = async (): Promise<void> => {
        const parking = 999_999_999;
        await tamper(`UPDATE audit_leaves SET leaf_index = $1 WHERE leaf_index = $2`, [
          parking,
          a.leaf_index,
        ]);
        await tamper(`UPDATE audit_leaves SET leaf_index = $1 WHERE leaf_index = $2`, [
          a.leaf_index,
          b.leaf_index,
        ]);
        await tamper(`UPDATE audit_leaves SET leaf_index = $1 WHERE leaf_index = $2`, [
          b.leaf_index,
          parking,
        ]);
      };

      await swap();
      const report = (await auditor.get('/v1/audit/verify')).body;
      await swap();

      expect(report.ok).toBe(false);
      expect(report.firstBadEntry.leafIndex).toBe(2);
      expect((await auditor.get('/v1/audit/verify')).body.ok).toBe(true);
    });

    it('catches the newest entries deleted', async () => {
      const checkpoint = await signCheckpoint();

      await tamper(`DELETE FROM audit_leaves WHERE leaf_index >= $1`, [checkpoint.size - 2]);
      const report = (await auditor.get('/v1/audit/verify')).body;

      expect(report.ok).toBe(false);
      expect(report.failedCheckpoint.size).toBe(checkpoint.size);
      expect(report.firstBadEntry.leafIndex).toBe(checkpoint.size - 2);
    });
  });
});
