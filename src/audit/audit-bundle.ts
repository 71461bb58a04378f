import {
  hashLeaf,
  openCheckpoint,
  parseCosignerVerifierKey,
  parseVerifierKey,
  findCosignatures,
  verifyInclusion,
  type CosignatureVerifier,
  type NoteVerifier,
} from '@hub/transparency-log';
import type { WitnessRefusal } from '@hub/contracts';
import { leafBytes, type AuditEntry } from '../audit-trail/audit-entry';

/** Format tag of a history bundle. */
export const AUDIT_BUNDLE_FORMAT = 'mrh-audit-bundle/1';

/**
 * A referral's audit history made self-contained: the entries, each with its inclusion proof, the
 * signed checkpoint they are proven against, and the key that signed it. Verifiable offline.
 */
export interface AuditBundle {
  format: typeof AUDIT_BUNDLE_FORMAT;
  referralId: string;
  /** Origin of the log (first line of its checkpoints). */
  origin: string;
  /** Signed-note verifier key of the hub (`name+keyid+base64`). */
  verifierKey: string;
  /** The signed checkpoint note, with the cosignature lines of the witnesses that cosigned it. */
  checkpoint: string;
  /** The partner witnesses' cosigner verifier keys the hub has registered (C2SP, type 0x04). */
  witnessKeys?: string[];
  /** How many of them must have cosigned for the hub's own policy to trust the checkpoint. */
  witnessQuorum?: number;
  /** Forks the witnesses reported to the hub: any one means the log cannot be trusted. */
  witnessRefusals?: WitnessRefusal[];
  entries: { leafIndex: number; entry: AuditEntry; inclusionProof: string[] }[];
}

/** One line of a bundle verification. */
export interface BundleFinding {
  ok: boolean;
  message: string;
}

/** The trust policy of a verification: keys and quorum the auditor holds from elsewhere. */
export interface TrustPolicy {
  /** The hub's signed-note verifier key; default: the bundle's. */
  hubKey?: string;
  /** Witness cosigner verifier keys; default: the bundle's. */
  witnessKeys?: readonly string[];
  /** Cosignatures needed; default: the bundle's `witnessQuorum`, else 2. */
  quorum?: number;
}

/** The quorum of witnesses a checkpoint needs when neither the auditor nor the bundle says. */
export const DEFAULT_WITNESS_QUORUM = 2;

/**
 * Verifies a bundle with no database and no network: the checkpoint's signature (by the bundle's
 * key, or by the policy's when the auditor has the hub's key from elsewhere, which is stronger),
 * the witnesses' cosignatures against the quorum, then every entry's inclusion in the
 * checkpointed tree.
 */
export function verifyBundle(bundle: unknown, policy: TrustPolicy = {}): BundleFinding[] {
  const trustedKey = policy.hubKey;
  const findings: BundleFinding[] = [];
  if (!isBundle(bundle)) {
    return [{ ok: false, message: `not a ${AUDIT_BUNDLE_FORMAT} document` }];
  }
  let verifier: NoteVerifier;
  try {
    verifier = parseVerifierKey(trustedKey ?? bundle.verifierKey);
  } catch (error) {
    return [{ ok: false, message: `the verifier key is unusable: ${(error as Error).message}` }];
  }
  if (trustedKey === undefined) {
    findings.push({
      ok: true,
      message: `trusting the key inside the bundle (${bundle.verifierKey.split('+')[0] ?? '?'}); pass --key to check against a key you hold`,
    });
  }
  const opened = openCheckpoint(bundle.checkpoint, [verifier], bundle.origin);
  if (!opened.ok) {
    findings.push({ ok: false, message: `the checkpoint is not validly signed: ${opened.error}` });
    return findings;
  }
  const { size, root } = opened.value.checkpoint;
  findings.push({
    ok: true,
    message: `checkpoint of ${bundle.origin} signed by ${verifier.name}: ${size} entries, root ${root.toString('base64')}`,
  });
  findings.push(...witnessFindings(bundle, policy));
  for (const item of bundle.entries) {
    const label = `entry ${item.leafIndex} (${item.entry.action} by ${item.entry.actorParty ?? item.entry.actor} at ${item.entry.recordedAt})`;
    const proof = item.inclusionProof.map((node) => Buffer.from(node, 'base64'));
    const leaf = hashLeaf(leafBytes(item.entry, item.leafIndex));
    const included = verifyInclusion(leaf, item.leafIndex, size, proof, root);
    findings.push({
      ok: included,
      message: included
        ? `${label} is in the log`
        : `${label} is NOT in the log as signed: it was altered, or its proof is wrong`,
    });
  }
  if (bundle.entries.length === 0)
    findings.push({ ok: false, message: 'the bundle has no entries' });
  return findings;
}

/** Which witnesses cosigned the checkpoint, and whether that makes the quorum. */
function witnessFindings(bundle: AuditBundle, policy: TrustPolicy): BundleFinding[] {
  const keys = policy.witnessKeys ?? bundle.witnessKeys ?? [];
  const quorum = policy.quorum ?? bundle.witnessQuorum ?? DEFAULT_WITNESS_QUORUM;
  const findings: BundleFinding[] = [];
  const witnesses: CosignatureVerifier[] = [];
  for (const key of keys) {
    try {
      witnesses.push(parseCosignerVerifierKey(key));
    } catch (error) {
      findings.push({
        ok: false,
        message: `a witness key is unusable: ${(error as Error).message}`,
      });
    }
  }
  if (policy.witnessKeys === undefined && keys.length > 0) {
    findings.push({
      ok: true,
      message:
        'trusting the witness keys inside the bundle; pass --witness to check against keys you hold',
    });
  }
  for (const r of bundle.witnessRefusals ?? []) {
    findings.push({
      ok: false,
      message: `FORK: witness ${r.country} refused the checkpoint of size ${r.offeredSize} (it had cosigned size ${r.heldSize}) on ${r.receivedAt}: ${r.reason}`,
    });
  }
  const found = findCosignatures(bundle.checkpoint, witnesses);
  const cosigned = new Set<string>();
  if (!found.ok) {
    findings.push({ ok: false, message: `the cosignatures cannot be read: ${found.error}` });
  } else {
    for (const c of found.value.valid) {
      cosigned.add(c.verifier.name);
      findings.push({
        ok: true,
        message: `cosigned by witness ${c.verifier.name} at ${new Date(c.time * 1000).toISOString()}`,
      });
    }
    for (const c of found.value.invalid) {
      findings.push({
        ok: false,
        message: `the cosignature of ${c.verifier.name} does not verify: ${c.error}`,
      });
    }
  }
  findings.push(
    cosigned.size >= quorum
      ? {
          ok: true,
          message: `${cosigned.size} of ${witnesses.length} witnesses cosigned; ${quorum} needed`,
        }
      : {
          ok: false,
          message: `only ${cosigned.size} of ${witnesses.length} witnesses cosigned; ${quorum} needed (missing: ${
            witnesses
              .filter((w) => !cosigned.has(w.name))
              .map((w) => w.name)
              .join(', ') || 'none'
          })`,
        },
  );
  return findings;
}

function isBundle(value: unknown): value is AuditBundle {
  if (typeof value !== 'object' || value === null) return false;
  const b = value as Partial<AuditBundle>;
  return (
    b.format === AUDIT_BUNDLE_FORMAT &&
    typeof b.origin === 'string' &&
    typeof b.verifierKey === 'string' &&
    typeof b.checkpoint === 'string' &&
    Array.isArray(b.entries) &&
    b.entries.every(
      (e) =>
        typeof e === 'object' &&
        Number.isSafeInteger(e.leafIndex) &&
        typeof e.entry === 'object' &&
        Array.isArray(e.inclusionProof),
    )
  );
}
