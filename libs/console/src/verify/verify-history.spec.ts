import { generateKeyPairSync } from 'node:crypto';
import { canonicalJson } from '../../../contracts/src/canonical-json';
import {
  addSignatureLines,
  cosignCheckpoint,
  formatCheckpoint,
  formatCosignerVerifierKey,
  formatVerifierKey,
  hashLeaf as nodeHashLeaf,
  MerkleTree,
  signNote,
} from '../../../transparency-log/src';
import { decodeBase64Strict, encodeBase64 } from './bytes';
import { parseCheckpoint } from './checkpoint';
import { hashLeaf, verifyInclusion } from './merkle';
import { openNote, parseVerifierKey } from './signed-note';
import { auditLeafHash, leafText, verifyHistory, type HistoryItem } from './verify-history';

const ORIGIN = 'hub.test.la/audit';

function entry(i: number): Record<string, unknown> {
  return {
    id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    recordedAt: '2026-11-18T01:30:00.000Z',
    actorKind: 'officer',
    actor: `officer-${i}`,
    actorParty: 'LA-BOKEO-POLICE',
    actorRoles: ['liaison_officer'],
    action: i % 2 ? 'referral.submit' : 'referral.read',
    referralId: '11111111-1111-4111-8111-111111111111',
    stateBefore: null,
    stateAfter: 'SUBMITTED',
    eventId: null,
    payloadSha256: null,
    // Lao, and a string that must stay text: the canonical form escapes nothing of it.
    outcome: i === 3 ? 'ເຫດຜົນ <img src=x onerror=alert(1)>' : null,
  };
}

/** A log of `size` audit entries built and signed by the hub's own (Node) library. */
function signedLog(size: number) {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const tree = new MerkleTree();
  const entries = Array.from({ length: size }, (_, i) => entry(i));
  entries.forEach((e, i) =>
    tree.append(Buffer.from(canonicalJson({ leafIndex: i, ...e }), 'utf8')),
  );
  const note = signNote(formatCheckpoint({ origin: ORIGIN, size, root: tree.root() }), {
    name: ORIGIN,
    privateKey,
  });
  const verifierKey = formatVerifierKey(ORIGIN, publicKey);
  const items: HistoryItem[] = entries.map((e, i) => ({
    leafIndex: i,
    entry: e,
    inclusionProof: tree.inclusionProof(i, size).map((p) => p.toString('base64')),
  }));
  return { tree, note, verifierKey, items, privateKey };
}

describe('browser audit verifier', () => {
  it('computes the same leaf bytes and leaf hash as the hub', async () => {
    const e = entry(3);
    expect(leafText(e, 3)).toBe(canonicalJson({ leafIndex: 3, ...e }));
    const expected = nodeHashLeaf(Buffer.from(canonicalJson({ leafIndex: 3, ...e }), 'utf8'));
    expect(Buffer.from(await auditLeafHash(e, 3)).equals(expected)).toBe(true);
  });

  it('accepts every entry of a log signed by the Node library', async () => {
    for (const size of [1, 2, 5, 8, 13]) {
      const { note, verifierKey, items } = signedLog(size);
      const result = await verifyHistory({ note, verifierKey, origin: ORIGIN, items });
      expect(result.checkpoint.ok).toBe(true);
      expect(result.entries.every((v) => v.state === 'verified')).toBe(true);
    }
  });

  it('reads a verifier key and a checkpoint as the Node library writes them', async () => {
    const { note, verifierKey, tree } = signedLog(6);
    const verifier = await parseVerifierKey(verifierKey);
    if (!verifier.ok) throw new Error(verifier.error);
    const opened = await openNote(note, verifier.value);
    if (!opened.ok) throw new Error(opened.error);
    const parsed = parseCheckpoint(opened.value.text);
    expect(parsed.ok && parsed.value.size).toBe(6);
    expect(parsed.ok && Buffer.from(parsed.value.root).equals(tree.root())).toBe(true);
  });

  it('refuses a tampered entry', async () => {
    const { note, verifierKey, items } = signedLog(7);
    const tampered = items.map((it, i) =>
      i === 4 ? { ...it, entry: { ...it.entry, actor: 'someone-else' } } : it,
    );
    const result = await verifyHistory({ note, verifierKey, origin: ORIGIN, items: tampered });
    expect(result.entries.map((v) => v.state)).toEqual([
      'verified',
      'verified',
      'verified',
      'verified',
      'failed',
      'verified',
      'verified',
    ]);
  });

  it('refuses an entry moved to another leaf index', async () => {
    const { note, verifierKey, items } = signedLog(4);
    const moved = [{ ...items[1]!, entry: items[2]!.entry }];
    const result = await verifyHistory({ note, verifierKey, origin: ORIGIN, items: moved });
    expect(result.entries[0]?.state).toBe('failed');
  });

  it('refuses a tampered proof, and proofs too short or too long', async () => {
    const { note, verifierKey, items, tree } = signedLog(9);
    const item = items[5]!;
    const flipped = decodeBase64Strict(item.inclusionProof![0]!)!;
    flipped[0] = flipped[0]! ^ 1;
    const variants: HistoryItem[] = [
      { ...item, inclusionProof: [encodeBase64(flipped), ...item.inclusionProof!.slice(1)] },
      { ...item, inclusionProof: item.inclusionProof!.slice(1) },
      { ...item, inclusionProof: [...item.inclusionProof!, tree.root().toString('base64')] },
      { ...item, inclusionProof: ['not base64!'] },
    ];
    const result = await verifyHistory({ note, verifierKey, origin: ORIGIN, items: variants });
    expect(result.entries.every((v) => v.state === 'failed')).toBe(true);
  });

  it('refuses a checkpoint whose root or size was altered after signing', async () => {
    const { note, verifierKey, items } = signedLog(5);
    const [origin, size, root, ...rest] = note.split('\n');
    const otherRoot = Buffer.alloc(32, 7).toString('base64');
    for (const altered of [
      [origin, size, otherRoot, ...rest].join('\n'),
      [origin, '4', root, ...rest].join('\n'),
    ]) {
      const result = await verifyHistory({ note: altered, verifierKey, origin: ORIGIN, items });
      expect(result.checkpoint.ok).toBe(false);
      expect(result.entries.some((v) => v.state === 'verified')).toBe(false);
    }
  });

  it('refuses a forged signature and a checkpoint signed by another key', async () => {
    const { note, verifierKey, items } = signedLog(5);
    const lines = note.split('\n');
    const sigLine = lines[lines.length - 2]!;
    const [dash, name, b64] = sigLine.split(' ');
    const sig = decodeBase64Strict(b64!)!;
    sig[10] = sig[10]! ^ 0xff;
    lines[lines.length - 2] = [dash, name, encodeBase64(sig)].join(' ');
    const forged = await verifyHistory({
      note: lines.join('\n'),
      verifierKey,
      origin: ORIGIN,
      items,
    });
    expect(forged.checkpoint.ok).toBe(false);

    const other = signedLog(5);
    const foreign = await verifyHistory({
      note: other.note,
      verifierKey,
      origin: ORIGIN,
      items: other.items,
    });
    expect(foreign.checkpoint.ok).toBe(false);
  });

  it('refuses a checkpoint of another log origin', async () => {
    const { note, verifierKey, items } = signedLog(3);
    const result = await verifyHistory({ note, verifierKey, origin: 'other/log', items });
    expect(result.checkpoint.ok).toBe(false);
  });

  it('refuses a verifier key whose key ID does not match', async () => {
    const { verifierKey } = signedLog(1);
    const [name, id, key] = [
      verifierKey.slice(0, verifierKey.indexOf('+')),
      verifierKey.split('+')[1]!,
      verifierKey.slice(verifierKey.indexOf('+', verifierKey.indexOf('+') + 1) + 1),
    ];
    const wrongId = (Number.parseInt(id, 16) ^ 1).toString(16).padStart(8, '0');
    expect((await parseVerifierKey(`${name}+${wrongId}+${key}`)).ok).toBe(false);
  });

  it('leaves entries the checkpoint does not cover yet as pending', async () => {
    const { note, verifierKey, items } = signedLog(3);
    const later: HistoryItem = { leafIndex: null, entry: entry(3), inclusionProof: null };
    const result = await verifyHistory({
      note,
      verifierKey,
      origin: ORIGIN,
      items: [...items, later],
    });
    expect(result.entries.map((v) => v.state)).toEqual([
      'verified',
      'verified',
      'verified',
      'pending',
    ]);
  });

  it('matches the Node library on inclusion proofs of every leaf of odd-sized trees', async () => {
    const tree = new MerkleTree();
    for (let i = 0; i < 11; i++) tree.append(Buffer.from([i]));
    for (let size = 1; size <= 11; size++) {
      for (let i = 0; i < size; i++) {
        const ok = await verifyInclusion(
          await hashLeaf(new Uint8Array([i])),
          i,
          size,
          tree.inclusionProof(i, size),
          tree.root(size),
        );
        expect(ok).toBe(true);
      }
    }
    expect(
      await verifyInclusion(
        await hashLeaf(new Uint8Array([1])),
        0,
        2,
        tree.inclusionProof(0, 2),
        tree.root(2),
      ),
    ).toBe(false);
  });

  it('counts the witnesses whose cosignature verifies, as the Node library makes them', async () => {
    const { note, verifierKey, items } = signedLog(5);
    const witnesses = ['TH', 'VN', 'CN'].map((country) => ({
      name: `mekong-referral-hub/witness/${country}`,
      privateKey: generateKeyPairSync('ed25519').privateKey,
    }));
    const witnessKeys = witnesses.map((w) => formatCosignerVerifierKey(w.name, w.privateKey));
    const text = note.slice(0, note.lastIndexOf('\n\n') + 1);
    const [th, vn] = witnesses.map((w) => cosignCheckpoint(text, w, 1_796_000_000));
    if (th === undefined || vn === undefined) throw new Error('no cosignatures');
    // Viet Nam's line with its last signature byte changed: it must not count.
    const broken = `${vn.slice(0, -4)}${vn.slice(-4, -3) === 'A' ? 'B' : 'A'}${vn.slice(-3)}`;
    const cosigned = addSignatureLines(note, [th, vn]);
    const input = { verifierKey, origin: ORIGIN, witnessKeys, items };

    const two = await verifyHistory({ ...input, note: cosigned, quorum: 2 });
    const three = await verifyHistory({ ...input, note: cosigned, quorum: 3 });
    const tampered = await verifyHistory({
      ...input,
      note: addSignatureLines(note, [th, broken]),
      quorum: 2,
    });

    expect([two.checkpoint.ok, two.cosigners, two.trusted]).toEqual([
      true,
      ['mekong-referral-hub/witness/TH', 'mekong-referral-hub/witness/VN'],
      true,
    ]);
    expect(three.trusted).toBe(false);
    expect([tampered.cosigners, tampered.trusted]).toEqual([
      ['mekong-referral-hub/witness/TH'],
      false,
    ]);
  });
});
