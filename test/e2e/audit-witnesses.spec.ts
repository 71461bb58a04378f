import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { EVENT_TYPES, type CheckpointView } from '@hub/contracts';
import {
  cosignCheckpoint,
  findCosignatures,
  formatCheckpoint,
  openCheckpoint,
  parseCosignerVerifierKey,
  parseVerifierKey,
  signNote,
} from '@hub/transparency-log';
import { dropDatabase } from '../../src/database/ensure-database';
import { migrateDatabase } from '../../src/database/migrate';
import { appRoleUrl, scratchDatabaseUrl } from '../support/databases';
import { Officer } from '../support/hub-client';
import { partnerEvent } from '../support/partner-events';
import { victimReferral } from '../support/referral-fixtures';
import { TestPartner, hubSigningKey, witnessKey } from '../support/test-partner';
import { startTestApp } from '../support/test-app';

const ROOT = join(__dirname, '..', '..');
/** The log's origin, AUDIT_LOG_ORIGIN's default. */
const ORIGIN = 'mekong-referral-hub/audit';

/** The hub's key (also what an attacker who took the hub would sign with), and the witnesses'. */
const hub = hubSigningKey();
const witness = witnessKey;

describe('partner countries as witnesses of the audit log: the hub side', () => {
  const adminUrl = scratchDatabaseUrl('hub_witnesses');
  let app: NestFastifyApplication;
  const partners: Record<'VN' | 'TH' | 'CN', TestPartner> = {} as never;
  let bokeo: Officer;
  let auditor: Officer;
  let referralId: string;

  beforeAll(async () => {
    await migrateDatabase(adminUrl);
    app = await startTestApp({
      DATABASE_URL: appRoleUrl(adminUrl),
      AUDIT_CHECKPOINT_INTERVAL_SECONDS: '3600',
      AUDIT_WITNESS_QUORUM: '2',
    });
    partners.VN = await TestPartner.start('VN');
    partners.TH = await TestPartner.start('TH');
    partners.CN = await TestPartner.start('CN');
    // Cleared for children: the example victim is 16, and only a cleared officer's read is a read.
    bokeo = await Officer.of(
      app,
      'LA-BOKEO-POLICE',
      ['liaison_officer', 'child_protection'],
      'khamla',
    );
    auditor = await Officer.of(app, 'LA-PDPCHT', ['auditor'], 'inspector-1');
    referralId = await bokeo.send(victimReferral('VN-MPS'));
    await partners.VN.waitForEvent(referralId, EVENT_TYPES.referralSubmitted);
  });

  afterAll(async () => {
    await Promise.all(Object.values(partners).map((p) => p.stop()));
    await app?.close();
    await dropDatabase(adminUrl);
  });

  /** Adds an entry (an audited read) and signs a checkpoint that covers it. */
  async function signCheckpoint(): Promise<CheckpointView> {
    const before = (await auditor.get('/v1/audit/checkpoint')).body as Partial<CheckpointView>;
    expect((await bokeo.get(`/v1/referrals/${referralId}`)).status).toBe(200);
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      // The sequencer gives the read its leaf after commit; until then the POST returns the last.
      const res = await auditor.post('/v1/audit/checkpoint');
      expect(res.status).toBe(200);
      if ((res.body as CheckpointView).size > (before.size ?? -1))
        return res.body as CheckpointView;
      await sleep(100);
    }
    throw new Error('no new checkpoint was signed');
  }

  /** The checkpoint event `country` received for `size`, as its `data`. */
  async function checkpointEvent(
    country: keyof typeof partners,
    size: number,
  ): Promise<{ checkpoint: string; cosigned?: string }> {
    const record = await partners[country].waitFor(`${country}'s checkpoint ${size}`, (received) =>
      received.find(
        (r) =>
          r.event.type === EVENT_TYPES.auditCheckpoint &&
          String(r.event.data['checkpoint']).split('\n')[1] === String(size),
      ),
    );
    return record.event.data as { checkpoint: string; cosigned?: string };
  }

  /** `country`'s partner system sends `data` as `type` and gets the hub's answer. */
  async function send(
    country: keyof typeof partners,
    party: string,
    type: string,
    data: Record<string, unknown>,
    key = 'audit',
  ): Promise<{ type: string; data: Record<string, unknown> }> {
    const event = partnerEvent(party, type, data);
    await partners[country].publish(event, key);
    return partners[country].waitForAnswer(event.id);
  }

  /** The text of a checkpoint note that opens with the hub's key (or the test fails). */
  function textOf(note: string): string {
    const opened = openCheckpoint(note, [parseVerifierKey(hub.verifierKey)], ORIGIN);
    if (!opened.ok) throw new Error(opened.error);
    return opened.value.text;
  }

  it('keeps cosignatures verified with each country’s witness key and trusts a quorum of them', async () => {
    const checkpoint = await signCheckpoint();
    expect(checkpoint.cosignedBy).toEqual([]);
    expect(checkpoint.quorum).toBe(2);
    expect((await auditor.get('/v1/audit/verify')).body.witnesses).toMatchObject({
      ok: false,
      trusted: null,
    });

    for (const country of ['VN', 'TH'] as const) {
      const { checkpoint: note } = await checkpointEvent(country, checkpoint.size);
      const w = witness(country);
      const line = cosignCheckpoint(textOf(note), w, Math.floor(Date.now() / 1000));
      const party = country === 'VN' ? 'VN-MPS' : 'TH-POLICE';
      const answer = await send(country, party, EVENT_TYPES.auditCosigned, {
        checkpoint: note,
        cosignature: line,
      });
      expect([answer.type, answer.data['status']]).toEqual([EVENT_TYPES.receipt, 'APPLIED']);
    }

    const served = (await auditor.get('/v1/audit/checkpoint')).body as CheckpointView;
    expect(served.size).toBe(checkpoint.size);
    expect(served.cosignedBy.map((c) => c.country)).toEqual(['TH', 'VN']);
    // The served note opens with the hub's key alone, and carries both cosignatures.
    expect(textOf(served.note)).toBe(textOf(checkpoint.note));
    const found = findCosignatures(
      served.note,
      ['VN', 'TH', 'CN'].map((c) => parseCosignerVerifierKey(witness(c).verifierKey)),
    );
    if (!found.ok) throw new Error(found.error);
    expect(found.value.valid.map((v) => v.verifier.name).sort()).toEqual([
      witness('TH').name,
      witness('VN').name,
    ]);
    const report = (await auditor.get('/v1/audit/verify')).body;
    expect(report.ok).toBe(true);
    expect(report.witnesses).toMatchObject({
      ok: true,
      quorum: 2,
      witnesses: ['CN', 'KH', 'TH', 'VN'],
      trusted: { size: checkpoint.size },
      refusals: [],
      invalidCosignatures: [],
    });

    // The next checkpoint tells every witness what the others attested.
    const next = await signCheckpoint();
    const data = await checkpointEvent('CN', next.size);
    expect(data.cosigned).toBe(served.note);
  });

  it('proves histories against the newest checkpoint a quorum cosigned, offline too', async () => {
    const served = (await auditor.get('/v1/audit/verify')).body.witnesses.trusted;
    const bundle = (await auditor.get(`/v1/referrals/${referralId}/history/bundle`)).body;
    const dir = mkdtempSync(join(tmpdir(), 'witness-bundle-'));
    const file = join(dir, 'bundle.json');
    writeFileSync(file, JSON.stringify(bundle));
    const verify = (...args: string[]) =>
      spawnSync('npx', ['tsx', 'scripts/audit-verify.ts', file, ...args], {
        cwd: ROOT,
        encoding: 'utf8',
      });

    expect(bundle.checkpoint.split('\n')[1]).toBe(String(served.size));
    expect(bundle.witnessQuorum).toBe(2);
    const held = ['VN', 'TH'].flatMap((c) => ['--witness', witness(c).verifierKey]);
    const ok = verify('--key', bundle.verifierKey, ...held);
    expect(ok.stdout).toContain('2 of 2 witnesses cosigned; 2 needed');
    expect(ok.status).toBe(0);
    const short = verify('--key', bundle.verifierKey, ...held, '--quorum', '3');
    expect(short.stdout).toContain('NOT VERIFIED');
    expect(short.status).toBe(1);
  });

  it('refuses a cosignature that does not verify, and a checkpoint it never stored', async () => {
    const checkpoint = (await auditor.get('/v1/audit/checkpoint')).body as CheckpointView;
    const { checkpoint: note } = await checkpointEvent('CN', checkpoint.size);
    // CN signs with Thailand's witness key under its own name: not CN's registered key.
    const impostor = { ...witness('TH'), name: witness('CN').name };
    const forged = cosignCheckpoint(textOf(note), impostor, Math.floor(Date.now() / 1000));
    const bad = await send('CN', 'CN-MPS', EVENT_TYPES.auditCosigned, {
      checkpoint: note,
      cosignature: forged,
    });
    expect([bad.type, bad.data['code']]).toEqual([EVENT_TYPES.eventRejected, 'bad-cosignature']);

    // A checkpoint signed with the hub's key that the hub does not hold (a stolen key at work).
    const foreign = signNote(
      formatCheckpoint({
        origin: ORIGIN,
        size: checkpoint.size,
        root: Buffer.alloc(32, 7),
      }),
      hub.noteSigner,
    );
    const unknown = await send('CN', 'CN-MPS', EVENT_TYPES.auditCosigned, {
      checkpoint: foreign,
      cosignature: cosignCheckpoint(textOf(foreign), witness('CN'), 1_796_000_000),
    });
    expect([unknown.type, unknown.data['code']]).toEqual([
      EVENT_TYPES.eventRejected,
      'unknown-checkpoint',
    ]);
    const served = (await auditor.get('/v1/audit/checkpoint')).body as CheckpointView;
    expect(served.cosignedBy.map((c) => c.country)).not.toContain('CN');
  });

  it('keeps a fork report as evidence and fails verification, naming the witness', async () => {
    const checkpoint = (await auditor.get('/v1/audit/checkpoint')).body as CheckpointView;
    const { checkpoint: held } = await checkpointEvent('TH', checkpoint.size);
    const offered = signNote(
      formatCheckpoint({
        origin: ORIGIN,
        size: checkpoint.size,
        root: Buffer.alloc(32, 9),
      }),
      hub.noteSigner,
    );

    // Evidence must carry the hub's signature: a witness keeps only what the hub signed.
    const unsigned = await send('TH', 'TH-POLICE', EVENT_TYPES.auditForkDetected, {
      held,
      offered: formatCheckpoint({
        origin: ORIGIN,
        size: checkpoint.size,
        root: Buffer.alloc(32, 9),
      }),
      reason: 'same size, another root',
    });
    expect([unsigned.type, unsigned.data['code']]).toEqual([
      EVENT_TYPES.eventRejected,
      'invalid-data',
    ]);

    const answer = await send('TH', 'TH-POLICE', EVENT_TYPES.auditForkDetected, {
      held,
      offered,
      reason: 'same size, another root',
    });
    expect([answer.type, answer.data['status']]).toEqual([EVENT_TYPES.receipt, 'APPLIED']);

    const report = (await auditor.get('/v1/audit/verify')).body;
    expect(report.ok).toBe(false);
    expect(report.witnesses.refusals).toEqual([
      expect.objectContaining({
        country: 'TH',
        heldSize: checkpoint.size,
        offeredSize: checkpoint.size,
        reason: 'same size, another root',
      }),
    ]);
    const bundle = (await auditor.get(`/v1/referrals/${referralId}/history/bundle`)).body;
    expect(bundle.witnessRefusals).toHaveLength(1);
  });
});
