import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createEd25519Verifier,
  formatCheckpoint,
  formatCosignerVerifierKey,
  MerkleTree,
  parseCosignerVerifierKey,
  signNote,
  verifyCosignature,
} from '@hub/transparency-log';
import { Witness, WitnessStateError, type ProofSource, type WitnessOutcome } from './witness';

/*
 * The witness against real Merkle trees and real Ed25519 keys: `honest` is the hub's log, `forked`
 * shares its first leaves and then differs (a split view). Nothing here is mocked but the proof
 * source's transport.
 */

const ORIGIN = 'mekong-referral-hub/audit';
const NAME = 'mekong-referral-hub/witness/TH';
const hubKey = generateKeyPairSync('ed25519');
const strangerKey = generateKeyPairSync('ed25519');
const witnessKey = generateKeyPairSync('ed25519');
const hubVerifier = createEd25519Verifier(ORIGIN, hubKey.publicKey);
const cosignerVerifier = parseCosignerVerifierKey(
  formatCosignerVerifierKey(NAME, witnessKey.publicKey),
);
const NOW = new Date('2026-03-02T02:00:00.000Z');

function tree(leaves: readonly string[]): MerkleTree {
  const t = new MerkleTree();
  for (const leaf of leaves) t.append(Buffer.from(leaf));
  return t;
}

const LEAVES = Array.from({ length: 12 }, (_, i) => `entry ${i}`);
const honest = tree(LEAVES);
const forked = tree([...LEAVES.slice(0, 5), ...LEAVES.slice(5).map((l) => `${l} (rewritten)`)]);

/** The hub's signed checkpoint of `t` at `size`. */
function note(t: MerkleTree, size: number, key = hubKey.privateKey, origin = ORIGIN): string {
  return signNote(formatCheckpoint({ origin, size, root: t.root(size) }), {
    name: ORIGIN,
    privateKey: key,
  });
}

/** A proof source that serves `t`'s proofs and records what was asked. */
function proofsOf(t: MerkleTree): ProofSource & { asked: [number, number][] } {
  const asked: [number, number][] = [];
  return {
    asked,
    consistencyProof: (from, to) => {
      asked.push([from, to]);
      return Promise.resolve(t.consistencyProof(from, to).map((h) => h.toString('base64')));
    },
  };
}

let dir: string;
let stateFile: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'witness-'));
  stateFile = join(dir, 'state', 'TH.json');
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function witness(proofs: ProofSource = proofsOf(honest)): Witness {
  return new Witness({
    cosigner: { name: NAME, privateKey: witnessKey.privateKey },
    logVerifier: hubVerifier,
    origin: ORIGIN,
    stateFile,
    proofs,
    now: () => NOW,
  });
}

/** The text of a note (what was signed). */
function textOf(signed: string): string {
  return signed.slice(0, signed.lastIndexOf('\n\n') + 1);
}

function expectCosigned(outcome: WitnessOutcome, signed: string): void {
  expect(outcome).toMatchObject({ kind: 'cosigned' });
  if (outcome.kind !== 'cosigned') return;
  expect(verifyCosignature(textOf(signed), outcome.cosignature, cosignerVerifier)).toEqual({
    ok: true,
    time: NOW.getTime() / 1000,
  });
}

describe(Witness.name, () => {
  it('trusts the first checkpoint it sees, cosigns it and stores it', async () => {
    const w = witness();
    const first = note(honest, 3);

    const outcome = await w.witness(first);

    expectCosigned(outcome, first);
    expect(outcome).toMatchObject({ size: 3 });
    expect(w.lastCosigned).toMatchObject({
      note: first,
      size: 3,
      root: honest.root(3).toString('base64'),
    });
    expect(JSON.parse(readFileSync(stateFile, 'utf8'))).toMatchObject({
      version: 1,
      cosigned: { note: first, size: 3, cosignedAt: NOW.toISOString() },
      refusals: [],
    });
  });

  it('cosigns an append whose consistency proof verifies, asking for the proof from the last cosigned size', async () => {
    const proofs = proofsOf(honest);
    const w = witness(proofs);
    await w.witness(note(honest, 3));
    const next = note(honest, 8);

    const outcome = await w.witness(next);

    expectCosigned(outcome, next);
    expect(proofs.asked).toEqual([[3, 8]]);
    expect(w.lastCosigned?.size).toBe(8);
  });

  it('cosigns the same checkpoint again when it is delivered again', async () => {
    const w = witness();
    const same = note(honest, 5);
    await w.witness(same);

    const again = await w.witness(same);

    expectCosigned(again, same);
    expect(w.lastCosigned?.note).toBe(same);
    expect(w.refusals).toEqual([]);
  });

  it('refuses another root at the same size, keeps both notes as evidence and the held checkpoint', async () => {
    const w = witness();
    const held = note(honest, 8);
    await w.witness(held);
    const fork = note(forked, 8);

    const outcome = await w.witness(fork);

    expect(outcome).toEqual({
      kind: 'refused',
      size: 8,
      held,
      offered: fork,
      reason: 'same size 8, another root',
    });
    expect(w.lastCosigned?.note).toBe(held);
    expect(w.refusals).toEqual([
      { time: NOW.toISOString(), held, offered: fork, reason: 'same size 8, another root' },
    ]);
  });

  it('refuses again, but records the evidence once, when a fork is delivered again', async () => {
    const w = witness();
    await w.witness(note(honest, 8));
    const fork = note(forked, 8);

    await w.witness(fork);
    const again = await w.witness(fork);

    expect(again.kind).toBe('refused');
    expect(w.refusals).toHaveLength(1);
  });

  it('refuses a larger checkpoint whose served proof does not verify, with the proof, and cosigns the honest one next', async () => {
    const w = witness(proofsOf(forked));
    const held = note(honest, 6);
    await w.witness(held);
    const fork = note(forked, 10);
    const served = forked.consistencyProof(6, 10).map((h) => h.toString('base64'));

    const outcome = await w.witness(fork);

    expect(outcome).toEqual({
      kind: 'refused',
      size: 10,
      held,
      offered: fork,
      reason: 'the consistency proof from 6 to 10 does not verify',
      consistencyProof: served,
    });
    expect(w.lastCosigned?.note).toBe(held);
    expect(w.refusals).toEqual([
      {
        time: NOW.toISOString(),
        held,
        offered: fork,
        reason: 'the consistency proof from 6 to 10 does not verify',
        consistencyProof: served,
      },
    ]);

    const honestNext = note(honest, 11);
    const recovered = await witness(proofsOf(honest)).witness(honestNext);
    expectCosigned(recovered, honestNext);
  });

  it('refuses a larger checkpoint when the hub serves a proof of the honest tree for a forked root', async () => {
    const w = witness(proofsOf(honest));
    await w.witness(note(honest, 6));

    const outcome = await w.witness(note(forked, 10));

    expect(outcome).toMatchObject({
      kind: 'refused',
      reason: 'the consistency proof from 6 to 10 does not verify',
    });
  });

  it('refuses a malformed proof, keeps it as served, and leaves it out of the outcome', async () => {
    const w = witness({ consistencyProof: () => Promise.resolve(['not base64!']) });
    await w.witness(note(honest, 4));

    const outcome = await w.witness(note(honest, 9));

    expect(outcome).toMatchObject({
      kind: 'refused',
      reason: 'the consistency proof from 4 to 9 is malformed',
    });
    expect(outcome).not.toHaveProperty('consistencyProof');
    expect(w.refusals[0]?.consistencyProof).toEqual(['not base64!']);
    expect(w.lastCosigned?.size).toBe(4);
  });

  it('ignores a stale checkpoint and writes nothing', async () => {
    const w = witness();
    await w.witness(note(honest, 7));
    const before = readFileSync(stateFile, 'utf8');

    const outcome = await w.witness(note(honest, 5));

    expect(outcome).toEqual({ kind: 'ignored', reason: 'stale: size 5 is below the cosigned 7' });
    expect(readFileSync(stateFile, 'utf8')).toBe(before);
  });

  it('ignores a checkpoint whose proof cannot be fetched, stores nothing, and cosigns once it can', async () => {
    let failing = true;
    const honestProofs = proofsOf(honest);
    const w = witness({
      consistencyProof: (from, to) =>
        failing
          ? Promise.reject(new Error('connect ECONNREFUSED'))
          : honestProofs.consistencyProof(from, to),
    });
    await w.witness(note(honest, 2));
    const before = readFileSync(stateFile, 'utf8');

    const outcome = await w.witness(note(honest, 9));

    expect(outcome).toEqual({
      kind: 'ignored',
      reason:
        'no consistency proof from 2 to 9 (connect ECONNREFUSED); waiting for the next checkpoint',
    });
    expect(readFileSync(stateFile, 'utf8')).toBe(before);

    failing = false;
    expect((await w.witness(note(honest, 10))).kind).toBe('cosigned');
    expect(honestProofs.asked).toEqual([[2, 10]]);
  });

  it('extends a held empty tree without asking for a proof', async () => {
    const proofs = proofsOf(honest);
    const w = witness(proofs);
    await w.witness(note(honest, 0));

    expect((await w.witness(note(honest, 4))).kind).toBe('cosigned');
    expect(proofs.asked).toEqual([]);
  });

  it.each([
    [
      'signed by another key',
      () => note(honest, 3, strangerKey.privateKey),
      'no verifiable signatures',
    ],
    [
      'of another log',
      () => note(honest, 3, hubKey.privateKey, 'another-log'),
      'not mekong-referral-hub/audit',
    ],
    ['not a note at all', () => 'hello\n', 'no blank line'],
  ])('ignores a checkpoint %s, and stores nothing', async (_what, offered, reason) => {
    const w = witness();

    const outcome = await w.witness(offered());

    expect(outcome).toEqual({ kind: 'ignored', reason: expect.stringContaining(reason) });
    expect(w.lastCosigned).toBeUndefined();
    expect(() => readFileSync(stateFile)).toThrow('ENOENT');
  });

  it('handles one call at a time: the second checkpoint is checked against the first', async () => {
    const proofs = proofsOf(honest);
    const w = witness(proofs);

    const [first, second] = await Promise.all([
      w.witness(note(honest, 3)),
      w.witness(note(honest, 7)),
    ]);

    expect([first.kind, second.kind]).toEqual(['cosigned', 'cosigned']);
    expect(proofs.asked).toEqual([[3, 7]]);
    expect(w.lastCosigned?.size).toBe(7);
  });

  it('rejects when the state cannot be written, and has cosigned nothing', async () => {
    const w = witness();
    writeFileSync(join(dir, 'state'), 'a file where the folder should be');

    await expect(w.witness(note(honest, 3))).rejects.toThrow();
    expect(w.lastCosigned).toBeUndefined();
  });

  describe('after a restart', () => {
    it('keeps the last cosigned checkpoint and the refusals, and still refuses the fork', async () => {
      const before = witness();
      const held = note(honest, 8);
      await before.witness(held);
      await before.witness(note(forked, 8));

      const after = witness();

      expect(after.lastCosigned?.note).toBe(held);
      expect(after.refusals).toHaveLength(1);
      expect(await after.witness(note(forked, 8))).toMatchObject({ kind: 'refused', held });
      expect(after.refusals).toHaveLength(1);
    });

    it.each<[string, (state: Record<string, any>) => string]>([
      ['not JSON', () => '{"version": 1, "refusals": ['],
      ['of another version', (s) => JSON.stringify({ ...s, version: 2 })],
      ['without its refusals', (s) => JSON.stringify({ ...s, refusals: undefined })],
      [
        'whose held root was edited',
        (s) =>
          JSON.stringify({
            ...s,
            cosigned: { ...s.cosigned, root: forked.root(8).toString('base64') },
          }),
      ],
      [
        'whose held note is not the hub’s',
        (s) =>
          JSON.stringify({
            ...s,
            cosigned: { ...s.cosigned, note: note(forked, 8, strangerKey.privateKey) },
          }),
      ],
    ])('refuses a state file %s, and leaves it as it is', async (_what, corrupt) => {
      await witness().witness(note(honest, 8));
      const content = corrupt(JSON.parse(readFileSync(stateFile, 'utf8')));
      writeFileSync(stateFile, content);

      expect(() => witness()).toThrow(WitnessStateError);
      expect(() => witness()).toThrow(/is corrupt .*never reset/);
      expect(readFileSync(stateFile, 'utf8')).toBe(content);
    });
  });
});
