import { generateKeyPairSync } from 'node:crypto';
import {
  cosignCheckpoint,
  formatCheckpoint,
  formatCosignerVerifierKey,
  formatVerifierKey,
  MerkleTree,
  signNote,
  addSignatureLines,
} from '@hub/transparency-log';
import type { AuditEntry } from '../audit-trail/audit-entry';
import { leafBytes } from '../audit-trail/audit-entry';
import { AUDIT_BUNDLE_FORMAT, verifyBundle, type AuditBundle } from './audit-bundle';

const ORIGIN = 'test-hub/audit';
const hubKey = generateKeyPairSync('ed25519').privateKey;
const witnesses = ['TH', 'VN', 'CN', 'KH'].map((country) => ({
  country,
  name: `mekong-referral-hub/witness/${country}`,
  privateKey: generateKeyPairSync('ed25519').privateKey,
}));
const witnessKeys = witnesses.map((w) => formatCosignerVerifierKey(w.name, w.privateKey));

function entry(i: number): AuditEntry {
  return {
    id: String(i + 1),
    recordedAt: new Date(Date.UTC(2026, 11, 7, 10, 0, i)).toISOString(),
    actorKind: 'officer',
    actor: 'khamla',
    actorParty: 'LA-BOKEO-POLICE',
    actorRoles: ['liaison_officer'],
    action: i === 0 ? 'referral.create' : 'referral.submit',
    referralId: '0b6f3f0e-6c55-4d8e-9a43-3f1f7f1e2a10',
    stateBefore: null,
    stateAfter: null,
    eventId: null,
    payloadSha256: null,
    outcome: null,
  };
}

/** A bundle of three entries against a hub-signed checkpoint cosigned by `cosigners`. */
function bundle(cosigners: readonly number[], extra: Partial<AuditBundle> = {}): AuditBundle {
  const entries = [0, 1, 2].map(entry);
  const tree = new MerkleTree();
  entries.forEach((e, i) => tree.append(leafBytes(e, i)));
  const text = formatCheckpoint({ origin: ORIGIN, size: tree.size, root: tree.root(tree.size) });
  const note = signNote(text, { name: ORIGIN, privateKey: hubKey });
  const lines = cosigners.map((i) => {
    const w = witnesses[i];
    if (w === undefined) throw new Error(`no witness ${i}`);
    return cosignCheckpoint(text, w, 1_796_000_000 + i);
  });
  return {
    format: AUDIT_BUNDLE_FORMAT,
    referralId: entries[0]?.referralId ?? '',
    origin: ORIGIN,
    verifierKey: formatVerifierKey(ORIGIN, hubKey),
    checkpoint: lines.length === 0 ? note : addSignatureLines(note, lines),
    witnessKeys,
    witnessQuorum: 2,
    entries: entries.map((e, i) => ({
      leafIndex: i,
      entry: e,
      inclusionProof: tree.inclusionProof(i, tree.size).map((h) => h.toString('base64')),
    })),
    ...extra,
  };
}

const failures = (findings: { ok: boolean; message: string }[]): string[] =>
  findings.filter((f) => !f.ok).map((f) => f.message);

describe('verifyBundle: the witnesses', () => {
  it('accepts a checkpoint with the quorum of cosignatures and names the cosigners', () => {
    const findings = verifyBundle(bundle([0, 2]));

    expect(failures(findings)).toEqual([]);
    const messages = findings.map((f) => f.message).join('\n');
    expect(messages).toContain('cosigned by witness mekong-referral-hub/witness/TH');
    expect(messages).toContain('cosigned by witness mekong-referral-hub/witness/CN');
    expect(messages).toContain('2 of 4 witnesses cosigned; 2 needed');
  });

  it('refuses a checkpoint short of the quorum, naming the witnesses missing', () => {
    const findings = verifyBundle(bundle([1]));

    expect(failures(findings)).toEqual([
      'only 1 of 4 witnesses cosigned; 2 needed (missing: mekong-referral-hub/witness/TH, ' +
        'mekong-referral-hub/witness/CN, mekong-referral-hub/witness/KH)',
    ]);
  });

  it("takes the auditor's quorum and keys over the bundle's", () => {
    expect(failures(verifyBundle(bundle([0, 1]), { quorum: 3 }))).toHaveLength(1);
    // Keys the auditor holds that did not cosign: the bundle's witnesses do not count.
    const other = generateKeyPairSync('ed25519').privateKey;
    const findings = verifyBundle(bundle([0, 1, 2, 3]), {
      witnessKeys: [formatCosignerVerifierKey('mekong-referral-hub/witness/TH', other)],
      quorum: 1,
    });
    expect(failures(findings)).toEqual([
      'only 0 of 1 witnesses cosigned; 1 needed (missing: mekong-referral-hub/witness/TH)',
    ]);
  });

  it('names a cosignature that does not verify', () => {
    const good = bundle([0, 1]);
    const thLine = good.checkpoint.split('\n').find((l) => l.includes('/witness/TH'));
    if (thLine === undefined) throw new Error('no TH line');
    // The last bytes of TH's signature changed: its line no longer verifies.
    const tampered = {
      ...good,
      checkpoint: good.checkpoint.replace(thLine, `${thLine.slice(0, -8)}AAAAAAA=`),
    };
    expect(failures(verifyBundle(tampered)).join('\n')).toMatch(
      /the cosignature of mekong-referral-hub\/witness\/TH does not verify/,
    );
  });

  it('fails on every fork a witness reported, naming it', () => {
    const findings = verifyBundle(
      bundle([0, 1, 2], {
        witnessRefusals: [
          {
            country: 'KH',
            heldSize: 3,
            offeredSize: 3,
            reason: 'same size, another root',
            receivedAt: '2026-12-07T10:00:00.000Z',
          },
        ],
      }),
    );

    expect(failures(findings)).toEqual([
      'FORK: witness KH refused the checkpoint of size 3 (it had cosigned size 3) on ' +
        '2026-12-07T10:00:00.000Z: same size, another root',
    ]);
  });

  it('with a quorum of 0 trusts the hub signature alone', () => {
    expect(failures(verifyBundle(bundle([]), { quorum: 0 }))).toEqual([]);
    expect(failures(verifyBundle(bundle([])))).toHaveLength(1);
  });
});
