import type { AuditAction } from '../../src/audit-trail/audit-actions';
import { createHash } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import {
  hashLeaf,
  MerkleTree,
  openCheckpoint,
  parseVerifierKey,
  verifyInclusion,
} from '@hub/transparency-log';
import { AuditLog } from '../../src/audit/audit-log.service';
import { leafBytes } from '../../src/audit-trail/audit-entry';
import { AuditWriter } from '../../src/audit-trail/audit-writer';
import { Transactions } from '../../src/database/transactions';
import { dropDatabase } from '../../src/database/ensure-database';
import { migrateDatabase } from '../../src/database/migrate';
import { appRoleUrl, scratchDatabaseUrl } from '../support/databases';
import { Officer, type HubResponse } from '../support/hub-client';
import { victimReferral } from '../support/referral-fixtures';
import { startTestApp } from '../support/test-app';

/** A signed tree head as a client holds it, once it has checked the hub's signature. */
interface TreeHead {
  size: number;
  root: Buffer;
}

interface Leaf {
  leafIndex: number;
  leafHash: string;
  entry?: { referralId: string | null; action: string } & Record<string, unknown>;
}

const b64 = (text: string): Buffer => Buffer.from(text, 'base64');
const base64url = (text: string): string => b64(text).toString('base64url');

/**
 * The sequencer is off in this hub: the test gives leaves their positions itself (what the
 * sequencer's round does), so that tree sizes are known and the log can be seen before its first
 * checkpoint. Own database, so no other suite's entries or checkpoints interleave.
 */
describe('the transparency-log client routes of the audit log', () => {
  const adminUrl = scratchDatabaseUrl('hub_proofs');
  let app: NestFastifyApplication;
  let auditor: Officer;
  let admin: Officer;
  let bokeo: Officer;
  let vietnam: Officer;
  let dmc: Officer;
  let thai: Officer;
  /** Bokeo police → VN-MPS, submitted. */
  let toVietnam: string;
  /** Bokeo DMC → TH-POLICE, submitted. */
  let toThailand: string;
  /** Bokeo police's draft to VN-MPS, read by its sender: not VN-MPS's to see yet. */
  let draft: string;

  beforeAll(async () => {
    await migrateDatabase(adminUrl);
    app = await startTestApp({
      DATABASE_URL: appRoleUrl(adminUrl),
      AUDIT_SEQUENCER_ENABLED: 'false',
    });
    auditor = await Officer.of(app, 'LA-PDPCHT', ['auditor'], 'inspector-2');
    admin = await Officer.of(app, 'LA-PDPCHT', ['admin'], 'operator-1');
    bokeo = await Officer.of(app, 'LA-BOKEO-POLICE', ['liaison_officer'], 'khamla');
    vietnam = await Officer.of(app, 'VN-MPS', ['liaison_officer'], 'nguyen');
    dmc = await Officer.of(app, 'LA-BOKEO-DMC', ['supervisor'], 'chief-dmc');
    thai = await Officer.of(app, 'TH-POLICE', ['liaison_officer'], 'somchai');
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await dropDatabase(adminUrl);
  });

  /** Gives every pending entry its leaf, as the sequencer's round does. */
  async function sequenceAll(): Promise<void> {
    while ((await app.get(AuditLog).sequence(5_000)) > 0);
  }

  /** Sequences, signs a checkpoint as an auditor, and opens it with the hub's key. */
  async function signCheckpoint(): Promise<TreeHead> {
    await sequenceAll();
    const res = await auditor.post('/v1/audit/checkpoint');
    expect(res.status).toBe(200);
    const opened = openCheckpoint(
      res.body.note,
      [parseVerifierKey(res.body.verifierKey)],
      res.body.origin,
    );
    if (!opened.ok) throw new Error(opened.error);
    return opened.value.checkpoint;
  }

  /** An entry about no referral, as the hub writes for e.g. a partner event naming none. */
  async function recordHubEntry(action: AuditAction): Promise<void> {
    await app.get(Transactions).run((tx) =>
      app.get(AuditWriter).record(tx, {
        actorKind: 'hub',
        actor: 'hub',
        actorParty: null,
        action,
        outcome: 'written by the proofs test',
      }),
    );
  }

  /** Every leaf of the tree of `size`, page by page, as `officer` sees them. */
  async function allLeaves(officer: Officer, size: number): Promise<Leaf[]> {
    const leaves: Leaf[] = [];
    while (leaves.length < size) {
      const res = await officer.get(`/v1/audit/entries?start=${leaves.length}&end=${size}`);
      expect(res.status).toBe(200);
      leaves.push(...(res.body.entries as Leaf[]));
    }
    return leaves;
  }

  /** The root a client computes from the leaf hashes alone. */
  function rebuiltRoot(leaves: readonly Leaf[], size: number): Buffer {
    const tree = new MerkleTree();
    for (const leaf of leaves) tree.appendLeafHash(b64(leaf.leafHash));
    return tree.root(size);
  }

  function expectProblem(res: HubResponse, status: number, path?: string): void {
    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    if (path !== undefined) {
      expect(res.body.errors).toEqual(
        expect.arrayContaining([{ path, message: expect.any(String) }]),
      );
    }
  }

  it('answers 404 before the first checkpoint, as GET /v1/audit/checkpoint does', async () => {
    toVietnam = await bokeo.send(victimReferral('VN-MPS'));
    await sequenceAll();
    const someHash = createHash('sha256').update('x').digest('base64url');

    const answers = await Promise.all([
      auditor.get('/v1/audit/proofs/inclusion?index=0&size=1'),
      auditor.get(`/v1/audit/proofs/inclusion-by-hash?hash=${someHash}&size=1`),
      auditor.get('/v1/audit/entries?start=0&end=1'),
      auditor.get('/v1/audit/checkpoint'),
    ]);

    for (const res of answers) {
      expectProblem(res, 404);
      expect(res.body.code).toBe('not-found');
    }
  });

  describe('once a checkpoint is signed', () => {
    let head: TreeHead;
    let auditorsLeaves: Leaf[];

    beforeAll(async () => {
      toThailand = await dmc.send(
        victimReferral('TH-POLICE', (r) => (r['repatriation'].proposedCheckpoint = 'LA-TH-FB4')),
      );
      draft = await bokeo.createDraft(victimReferral('VN-MPS'));
      expect((await bokeo.get(`/v1/referrals/${draft}`)).status).toBe(200);
      await recordHubEntry('partner-event.refused');
      expect((await vietnam.get(`/v1/referrals/${toVietnam}`)).status).toBe(200);
      head = await signCheckpoint();
      auditorsLeaves = await allLeaves(auditor, head.size);
    });

    it('gives an auditor every entry of a range, each hashing to its leaf, rebuilding the signed root', () => {
      expect(head.size).toBeGreaterThanOrEqual(5);
      expect(auditorsLeaves.map((l) => l.leafIndex)).toEqual([...Array(head.size).keys()]);
      for (const leaf of auditorsLeaves) {
        if (!leaf.entry) throw new Error(`leaf ${leaf.leafIndex} has no entry for an auditor`);
        expect(hashLeaf(leafBytes(leaf.entry as never, leaf.leafIndex)).toString('base64')).toBe(
          leaf.leafHash,
        );
      }
      const referrals = new Set(auditorsLeaves.map((l) => l.entry?.referralId));
      expect([...referrals]).toEqual(expect.arrayContaining([toVietnam, toThailand, draft, null]));
      expect(rebuiltRoot(auditorsLeaves, head.size)).toEqual(head.root);
    });

    it('proves every leaf by its index, each proof checking against the signed root', async () => {
      for (const leaf of auditorsLeaves) {
        const res = await vietnam.get(
          `/v1/audit/proofs/inclusion?index=${leaf.leafIndex}&size=${head.size}`,
        );

        expect(res.status).toBe(200);
        expect(res.body).toMatchObject({
          leafIndex: leaf.leafIndex,
          treeSize: head.size,
          leafHash: leaf.leafHash,
        });
        const proof = (res.body.inclusionProof as string[]).map(b64);
        expect(
          verifyInclusion(b64(leaf.leafHash), leaf.leafIndex, head.size, proof, head.root),
        ).toBe(true);
      }
    });

    it('proves a leaf in an earlier tree size too, against the root of that size', async () => {
      const size = head.size - 2;
      const index = size - 1;

      const res = await auditor.get(`/v1/audit/proofs/inclusion?index=${index}&size=${size}`);

      expect(res.status).toBe(200);
      const proof = (res.body.inclusionProof as string[]).map(b64);
      const root = rebuiltRoot(auditorsLeaves.slice(0, size), size);
      expect(verifyInclusion(b64(res.body.leafHash), index, size, proof, root)).toBe(true);
      expect(verifyInclusion(b64(res.body.leafHash), index, size, proof, head.root)).toBe(false);
    });

    it('finds every leaf by its hash, in base64url or in percent-encoded base64', async () => {
      for (const leaf of auditorsLeaves) {
        for (const hash of [base64url(leaf.leafHash), encodeURIComponent(leaf.leafHash)]) {
          const res = await thai.get(
            `/v1/audit/proofs/inclusion-by-hash?hash=${hash}&size=${head.size}`,
          );

          expect(res.status).toBe(200);
          expect(res.body.leafIndex).toBe(leaf.leafIndex);
          expect(res.body.treeSize).toBe(head.size);
          const proof = (res.body.inclusionProof as string[]).map(b64);
          expect(
            verifyInclusion(b64(leaf.leafHash), leaf.leafIndex, head.size, proof, head.root),
          ).toBe(true);
        }
      }
    });

    it("shows an officer only the entries of its own party's referrals, and every leaf hash", async () => {
      const seen = async (officer: Officer): Promise<(string | null)[]> => {
        const leaves = await allLeaves(officer, head.size);
        // Hidden entries keep their place and hash: the tree still rebuilds to the signed root.
        expect(leaves.map((l) => l.leafHash)).toEqual(auditorsLeaves.map((l) => l.leafHash));
        expect(rebuiltRoot(leaves, head.size)).toEqual(head.root);
        return [...new Set(leaves.flatMap((l) => (l.entry ? [l.entry.referralId] : [])))];
      };

      // A partner country's officer is a party too; a draft is its sender's alone.
      expect(await seen(vietnam)).toEqual([toVietnam]);
      expect((await seen(bokeo)).sort()).toEqual([toVietnam, draft].sort());
      expect(await seen(dmc)).toEqual([toThailand]);
      expect(await seen(thai)).toEqual([toThailand]);
      // Admins see no history: hashes only. Entries about no referral are for auditors only.
      expect(await seen(admin)).toEqual([]);
    });

    it('shows exactly the entries the per-referral history shows the same officer', async () => {
      const history = await vietnam.get(`/v1/referrals/${toVietnam}/history`);
      const range = await allLeaves(vietnam, head.size);

      const fromHistory = (history.body.items as Leaf[])
        .filter((i) => i.leafIndex !== null && i.leafIndex < head.size)
        .map((i) => ({ leafIndex: i.leafIndex, entry: i.entry }));
      const fromRange = range.flatMap((l) =>
        l.entry ? [{ leafIndex: l.leafIndex, entry: l.entry }] : [],
      );
      expect(fromRange).toEqual(fromHistory);
    });

    it('refuses each bad parameter with problem+json naming it', async () => {
      const size = head.size;
      const known = auditorsLeaves[0]!.leafHash;
      const unknown = createHash('sha256').update('no such leaf').digest('base64url');
      // 43 characters of base64 whose last one carries bits beyond the 32 bytes.
      const sloppy = `${base64url(known).slice(0, 42)}B`;

      expectProblem(
        await auditor.get(`/v1/audit/proofs/inclusion?index=${size}&size=${size}`),
        400,
        'index',
      );
      expectProblem(
        await auditor.get(`/v1/audit/proofs/inclusion?index=0&size=${size + 1}`),
        400,
        'size',
      );
      expectProblem(await auditor.get('/v1/audit/proofs/inclusion?index=0&size=0'), 400, 'size');
      expectProblem(await auditor.get('/v1/audit/proofs/inclusion?index=-1&size=1'), 400, 'index');
      expectProblem(await auditor.get('/v1/audit/proofs/inclusion?size=1'), 400, 'index');
      expectProblem(
        await auditor.get(
          `/v1/audit/proofs/inclusion-by-hash?hash=${base64url(known)}&size=${size + 1}`,
        ),
        400,
        'size',
      );
      for (const bad of ['abc', `${base64url(known)}A`, sloppy, '%25%25']) {
        expectProblem(
          await auditor.get(`/v1/audit/proofs/inclusion-by-hash?hash=${bad}&size=${size}`),
          400,
          'hash',
        );
      }
      expectProblem(
        await auditor.get(`/v1/audit/proofs/inclusion-by-hash?hash=${unknown}&size=${size}`),
        404,
        'hash',
      );
      expectProblem(await auditor.get(`/v1/audit/entries?start=3&end=3`), 400, 'end');
      expectProblem(await auditor.get(`/v1/audit/entries?start=4&end=3`), 400, 'end');
      expectProblem(await auditor.get(`/v1/audit/entries?start=0&end=${size + 1}`), 400, 'end');
      expectProblem(await auditor.get(`/v1/audit/entries?start=x&end=1`), 400, 'start');
    });

    it('does not find a leaf in a tree too small to hold it', async () => {
      const last = auditorsLeaves.at(-1)!;

      const res = await auditor.get(
        `/v1/audit/proofs/inclusion-by-hash?hash=${base64url(last.leafHash)}&size=${last.leafIndex}`,
      );

      expectProblem(res, 404, 'hash');
    });

    it('bounds sizes by the newest signed checkpoint, not by the leaves sequenced since', async () => {
      await recordHubEntry('partner-event.refused');
      await sequenceAll();

      const beyond = await auditor.get(
        `/v1/audit/proofs/inclusion?index=${head.size}&size=${head.size + 1}`,
      );
      const range = await auditor.get(`/v1/audit/entries?start=0&end=${head.size + 1}`);

      expectProblem(beyond, 400, 'size');
      expectProblem(range, 400, 'end');
    });
  });

  it('answers at most 1,000 leaves at once and says where it stopped', async () => {
    await app.get(Transactions).run(async (tx) => {
      const writer = app.get(AuditWriter);
      for (let i = 0; i < 1_000; i++) {
        await writer.record(tx, {
          actorKind: 'hub',
          actor: 'hub',
          actorParty: null,
          action: 'partner-event.refused',
        });
      }
    });
    const head = await signCheckpoint();

    const first = await auditor.get(`/v1/audit/entries?start=0&end=${head.size}`);
    const rest = await auditor.get(`/v1/audit/entries?start=${first.body.end}&end=${head.size}`);

    expect(head.size).toBeGreaterThan(1_000);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ start: 0, end: 1_000, treeSize: head.size });
    expect(first.body.entries).toHaveLength(1_000);
    expect(rest.body).toMatchObject({ start: 1_000, end: head.size });
    const leaves = [...first.body.entries, ...rest.body.entries] as Leaf[];
    expect(leaves.map((l) => l.leafIndex)).toEqual([...Array(head.size).keys()]);
    expect(rebuiltRoot(leaves, head.size)).toEqual(head.root);
  });
});
