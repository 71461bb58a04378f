import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  EVENT_TYPES,
  HUB_SOURCE,
  cloudEventHeaders,
  signEvent,
  toTopic,
  type CheckpointView,
  type VerificationReport,
} from '@hub/contracts';
import {
  MerkleTree,
  formatCheckpoint,
  hashLeaf,
  parseVerifierKey,
  signNote,
} from '@hub/transparency-log';
import {
  Ed25519EventSigner,
  Ed25519EventVerifier,
  HubProofSource,
  PartnerSystem,
  Witness,
  type PartnerCountryCode,
} from '../../libs/partner-simulator/src';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { leafBytes, toAuditEntry, type AuditEntryRow } from '../../src/audit-trail/audit-entry';
import { buildEvent } from '../../src/outbox/hub-events';
import { faultInfraFromEnv } from '../../scripts/lib/fault-infra';
import { dropDatabase } from '../../src/database/ensure-database';
import { migrateDatabase } from '../../src/database/migrate';
import { appRoleUrl, scratchDatabaseUrl } from '../support/databases';
import { HubProcess } from '../support/hub-process';
import { hubSigningKey, witnessKey } from '../support/test-partner';
import { victimReferral } from '../support/referral-fixtures';
import { tokenFor } from '../support/tokens';
import { checkInvariants, withDb } from './fault-checks';

/*
 * The compromised hub (issue 18): someone holds the hub's signing key and the database owner's
 * rights. Can they rewrite history behind the partners' backs? Four simulated partner systems
 * witness the log, exactly as `npm run start:local` runs them; the test plays the attacker.
 */

const infra = faultInfraFromEnv();
const BROKERS = [`${infra.broker.host}:${infra.broker.port}`];
const ROOT = join(__dirname, '..', '..');
const KEYS = join(ROOT, '.dev', 'keys');
const ORIGIN = 'mekong-referral-hub/audit';
const COUNTRIES: readonly PartnerCountryCode[] = ['CN', 'KH', 'TH', 'VN'];
const FIRST_PARTY: Record<PartnerCountryCode, string> = {
  CN: 'CN-MPS',
  KH: 'KH-MOI',
  TH: 'TH-POLICE',
  VN: 'VN-MPS',
};
/** The tables the attacker rewrites, their append-only triggers switched off while they do. */
const TAMPERED = ['audit_entries', 'audit_leaves', 'audit_checkpoints', 'audit_cosignatures'];
/**
 * A database of its own on the run's cluster: the other fault scenarios check every referral of
 * theirs, and must not meet these (the broker and the hub's consumer group are shared in turn).
 */
const ownerUrl = scratchDatabaseUrl('hub_witness_fork');
const HUB_ENV = {
  DATABASE_URL: appRoleUrl(ownerUrl),
  DATABASE_ADMIN_URL: ownerUrl,
  MIGRATION_DATABASE_URL: ownerUrl,
  AUDIT_CHECKPOINT_INTERVAL_SECONDS: '2',
  AUDIT_WITNESS_QUORUM: '2',
  LOG_LEVEL: 'warn',
};

/** The hub's key, which the attacker holds. */
const hubKey = hubSigningKey();

/** Polls `probe` until it gives a value (`timeoutMs` at most). */
async function until<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 90_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(250);
  }
}

describe('a compromised hub cannot rewrite history past its witnesses', () => {
  const hub = new HubProcess(infra.hubPorts[0], HUB_ENV);
  const stateDir = mkdtempSync(join(tmpdir(), 'witnesses-'));
  const witnesses = new Map<PartnerCountryCode, Witness>();
  const systems: PartnerSystem[] = [];
  const submitted: string[] = [];
  const logs: string[] = [];
  let officer: string;
  let auditor: string;
  let attacker: Producer;

  async function api<T>(path: string, token: string, init: RequestInit = {}): Promise<T> {
    const res = await fetch(`${hub.url}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    });
    const body = (await res.json()) as T;
    if (!res.ok) throw new Error(`${path}: ${res.status} ${JSON.stringify(body)}`);
    return body;
  }

  /**
   * Officers create and submit `n` referrals to Thailand (whose simulator accepts them): Viet Nam's
   * topic is the other fault scenarios' partner's.
   */
  async function submitReferrals(n: number): Promise<void> {
    for (let i = 0; i < n; i++) {
      const draft = await api<{ id: string }>('/v1/referrals', officer, {
        method: 'POST',
        body: JSON.stringify(
          victimReferral('TH-POLICE', (r) => (r['repatriation'].proposedCheckpoint = 'LA-TH-FB4')),
        ),
      });
      await api(`/v1/referrals/${draft.id}/submit`, officer, { method: 'POST', body: '{}' });
      submitted.push(draft.id);
    }
  }

  /** Every submitted referral accepted by the partner, and the hub idle. */
  async function drained(): Promise<void> {
    await until('the referrals to be accepted and the hub idle', () =>
      withDb(ownerUrl, async (db) => {
        const { rows } = await db.query<{ open: number; busy: number }>(
          `SELECT (SELECT count(*) FROM referrals WHERE id = ANY($1::uuid[]) AND status <> 'ACCEPTED')::int AS open,
                  ((SELECT count(*) FROM outbox WHERE published_at IS NULL) +
                   (SELECT count(*) FROM audit_pending))::int AS busy`,
          [submitted],
        );
        return rows[0]?.open === 0 && rows[0].busy === 0 ? true : undefined;
      }),
    );
  }

  /** Waits until every witness holds the hub's newest checkpoint, cosigned, and returns it. */
  async function allCosignedNewest(): Promise<CheckpointView> {
    return until('every witness to cosign the newest checkpoint', async () => {
      const latest = await api<CheckpointView>('/v1/audit/checkpoint', auditor);
      const log = await withDb(ownerUrl, (db) =>
        db.query<{ n: string }>('SELECT count(*) AS n FROM audit_leaves'),
      );
      if (latest.size !== Number(log.rows[0]?.n)) return undefined;
      const held = COUNTRIES.every((c) => witnesses.get(c)?.lastCosigned?.size === latest.size);
      return held && latest.cosignedBy.length === COUNTRIES.length ? latest : undefined;
    });
  }

  /** The attacker, holding the hub's key, sends a checkpoint note to some witnesses only. */
  async function publishCheckpoint(note: string, to: readonly PartnerCountryCode[]): Promise<void> {
    for (const country of to) {
      const event = signEvent(
        buildEvent({
          type: EVENT_TYPES.auditCheckpoint,
          source: { hub: HUB_SOURCE },
          data: { checkpoint: note },
        }),
        hubKey.privateKey,
        hubKey.kid,
      );
      await attacker.send({
        topic: toTopic(country),
        messages: [
          { key: 'audit', value: JSON.stringify(event), headers: cloudEventHeaders(event) },
        ],
      });
    }
  }

  async function verifyReport(): Promise<VerificationReport> {
    return api<VerificationReport>('/v1/audit/verify', auditor);
  }

  beforeAll(async () => {
    await migrateDatabase(ownerUrl);
    await hub.start();
    officer = await tokenFor({
      party: 'LA-BOKEO-POLICE',
      roles: ['liaison_officer'],
      expiresIn: '2h',
    });
    auditor = await tokenFor({ party: 'LA-PDPCHT', roles: ['auditor'], expiresIn: '2h' });
    const hubVerifier = Ed25519EventVerifier.fromJwkFile(join(KEYS, 'hub.public.jwk'));
    const logVerifier = parseVerifierKey(
      (await api<CheckpointView>('/v1/audit/checkpoint', auditor)).verifierKey,
    );
    for (const country of COUNTRIES) {
      const token = await tokenFor({
        party: FIRST_PARTY[country],
        roles: ['witness'],
        sub: `witness-${country}`,
        expiresIn: '2h',
      });
      const witness = new Witness({
        cosigner: witnessKey(country),
        logVerifier,
        origin: ORIGIN,
        stateFile: join(stateDir, `${country}.json`),
        proofs: new HubProofSource({ hubUrl: hub.url, token: () => Promise.resolve(token) }),
      });
      witnesses.set(country, witness);
      const system = new PartnerSystem({
        country,
        brokers: BROKERS,
        groupId: `partner-${country}-witness-fork`,
        policy: {
          decision: 'accept',
          rejectReason: 'INSUFFICIENT_INFORMATION',
          handover: false,
          complete: false,
          confirmDelivery: false,
        },
        delayMs: 0,
        signer: Ed25519EventSigner.fromJwkFile(join(KEYS, `partner-${country}.private.jwk`)),
        hubVerifier,
        witness,
        log: (line) => logs.push(line),
      });
      await system.start();
      systems.push(system);
    }
    const kafka = new Kafka({ clientId: 'attacker', brokers: BROKERS, logLevel: logLevel.NOTHING });
    attacker = kafka.producer();
    await attacker.connect();
  }, 180_000);

  afterAll(async () => {
    await attacker?.disconnect();
    await Promise.allSettled(systems.map((s) => s.stop()));
    await hub.stop();
    await dropDatabase(ownerUrl);
  });

  it('catches a hub that shows one witness another tree than the others', async () => {
    await submitReferrals(5);
    await drained();
    const agreed = await allCosignedNewest();
    await submitReferrals(2);
    await drained();
    const size = await withDb(ownerUrl, async (db) =>
      Number((await db.query<{ n: string }>('SELECT count(*) AS n FROM audit_leaves')).rows[0]?.n),
    );
    expect(size).toBeGreaterThan(agreed.size);
    // A tree of the same size as the real one but other contents, shown to Thailand alone.
    const forged = signNote(
      formatCheckpoint({ origin: ORIGIN, size, root: hashLeaf(Buffer.from('another history')) }),
      hubKey.noteSigner,
    );
    await publishCheckpoint(forged, ['TH']);

    const refusal = await until('Thailand to refuse', () =>
      Promise.resolve(witnesses.get('TH')?.refusals.find((r) => r.offered === forged)),
    );
    const report = await until('the hub to hold the fork report', async () => {
      const r = await verifyReport();
      return r.witnesses.refusals.length > 0 ? r : undefined;
    });
    // The others cosign the real tree, and went on doing so.
    const real = await allCosignedNewest();

    // Thailand kept what it held, and cosigned only what it could prove.
    expect(Number(refusal.held.split('\n')[1])).toBeLessThanOrEqual(size);
    expect(report.ok).toBe(false);
    expect(report.witnesses.refusals.map((r) => [r.country, r.offeredSize])).toEqual([
      ['TH', size],
    ]);
    for (const country of ['CN', 'KH', 'VN'] as const) {
      expect(witnesses.get(country)?.refusals).toEqual([]);
    }
    expect(real.size).toBeGreaterThanOrEqual(size);
    expect(real.cosignedBy.map((c) => c.country)).toEqual([...COUNTRIES]);
  });

  it('catches a rewritten entry signed again with the hub’s key: every witness refuses, nothing is lost', async () => {
    await submitReferrals(5);
    await drained();
    const cosigned = await allCosignedNewest();
    const before = new Map(COUNTRIES.map((c) => [c, witnesses.get(c)?.lastCosigned]));

    // The attacker, as the database owner: edit an entry well inside the cosigned tree, recompute
    // its leaf and the root, sign a new checkpoint of the same size with the hub's key, and put it
    // in place of the real one (the triggers that keep the trail append-only are switched off).
    await hub.stop();
    const edited = cosigned.size - 3;
    const forgedNote = await withDb(ownerUrl, async (db) => {
      await db.query('BEGIN');
      for (const table of TAMPERED) {
        await db.query(`ALTER TABLE ${table} DISABLE TRIGGER USER`);
      }
      const { rows } = await db.query<AuditEntryRow & { leaf_index: string }>(
        `UPDATE audit_entries e SET outcome = 'nothing happened here'
         FROM audit_leaves l WHERE l.entry_id = e.id AND l.leaf_index = $1
         RETURNING e.*, l.leaf_index`,
        [edited],
      );
      const row = rows[0];
      if (row === undefined) throw new Error(`no entry at leaf ${edited}`);
      await db.query('UPDATE audit_leaves SET leaf_hash = $1 WHERE leaf_index = $2', [
        hashLeaf(leafBytes(toAuditEntry(row), edited)),
        edited,
      ]);
      const leaves = await db.query<{ leaf_hash: Buffer }>(
        'SELECT leaf_hash FROM audit_leaves WHERE leaf_index < $1 ORDER BY leaf_index',
        [cosigned.size],
      );
      const tree = new MerkleTree();
      for (const leaf of leaves.rows) tree.appendLeafHash(leaf.leaf_hash);
      const root = tree.root(cosigned.size);
      const note = signNote(formatCheckpoint({ origin: ORIGIN, size: cosigned.size, root }), {
        name: ORIGIN,
        privateKey: hubKey.privateKey,
      });
      await db.query('DELETE FROM audit_cosignatures WHERE tree_size = $1', [cosigned.size]);
      await db.query(
        'UPDATE audit_checkpoints SET root_hash = $1, note = $2 WHERE tree_size = $3',
        [root, note, cosigned.size],
      );
      for (const table of TAMPERED) {
        await db.query(`ALTER TABLE ${table} ENABLE TRIGGER USER`);
      }
      await db.query('COMMIT');
      return note;
    });
    await hub.start();
    // The log alone now verifies: the entries match the leaves, the leaves the signed root.
    const alone = await verifyReport();
    expect(alone.firstBadEntry).toBeUndefined();
    expect(alone.failedCheckpoint).toBeUndefined();

    await publishCheckpoint(forgedNote, COUNTRIES);
    const report = await until('every witness to report the fork', async () => {
      const r = await verifyReport();
      // Each witness may refuse it more than once (the attacker's copy, the restarted hub's own).
      const refusing = new Set(
        r.witnesses.refusals.filter((f) => f.offeredSize === cosigned.size).map((f) => f.country),
      );
      return refusing.size === COUNTRIES.length ? r : undefined;
    });

    expect(report.ok).toBe(false);
    const forks = report.witnesses.refusals.filter((f) => f.offeredSize === cosigned.size);
    expect([...new Set(forks.map((f) => f.country))].sort()).toEqual([...COUNTRIES]);
    expect(forks.every((f) => f.heldSize === cosigned.size && f.reason.length > 0)).toBe(true);
    // Nothing the witnesses hold is lost: each still holds the real checkpoint it cosigned, and
    // the forged one beside it as evidence.
    for (const country of COUNTRIES) {
      const witness = witnesses.get(country);
      expect(witness?.lastCosigned).toEqual(before.get(country));
      expect(witness?.refusals.some((r) => r.offered === forgedNote)).toBe(true);
      const onDisk = JSON.parse(readFileSync(join(stateDir, `${country}.json`), 'utf8'));
      expect(onDisk.cosigned.note).toBe(before.get(country)?.note);
    }

    // The offline verifier names the fork and the witnesses, given a referral's bundle.
    const bundle = await api<Record<string, unknown>>(
      `/v1/referrals/${submitted[0]}/history/bundle`,
      auditor,
    );
    const file = join(mkdtempSync(join(tmpdir(), 'fork-bundle-')), 'bundle.json');
    writeFileSync(file, JSON.stringify(bundle));
    const offline = spawnSync('npx', ['tsx', 'scripts/audit-verify.ts', file], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(offline.status).toBe(1);
    for (const country of COUNTRIES) {
      expect(offline.stdout).toMatch(
        new RegExp(`FORK: witness ${country} refused the checkpoint of size ${cosigned.size}`),
      );
    }

    // And the referrals: every one the officers submitted reached the partner and was accepted.
    const figures = await withDb(ownerUrl, async (db) => {
      const { rows } = await db.query<{ accepted: number }>(
        `SELECT count(*)::int AS accepted FROM referrals WHERE id = ANY($1::uuid[]) AND status = 'ACCEPTED'`,
        [submitted],
      );
      return { submitted: submitted.length, accepted: rows[0]?.accepted ?? 0 };
    });
    process.stdout.write(
      `\ncompromised hub: ${figures.submitted} referrals submitted, ${figures.accepted} accepted, ` +
        `lost ${figures.submitted - figures.accepted}; forks named: ${report.witnesses.refusals
          .map((r) => `${r.country}@${r.offeredSize}`)
          .join(', ')}\n`,
    );
    expect(figures.accepted).toBe(figures.submitted);
    expect((await checkInvariants(ownerUrl)).filter((i) => i.violations > 0)).toEqual([]);
  });
});
