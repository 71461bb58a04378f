import {
  hashLeaf,
  openCheckpoint,
  parseVerifierKey,
  verifyInclusion,
  type NoteVerifier,
} from '@hub/transparency-log';
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
  /** The signed checkpoint note. */
  checkpoint: string;
  entries: { leafIndex: number; entry: AuditEntry; inclusionProof: string[] }[];
}

/** One line of a bundle verification. */
export interface BundleFinding {
  ok: boolean;
  message: string;
}

/**
 * Verifies a bundle with no database and no network: the checkpoint's signature (by the bundle's
 * key, or by `trustedKey` when the auditor has the hub's key from elsewhere, which is stronger),
 * then every entry's inclusion in the checkpointed tree.
 */
export function verifyBundle(bundle: unknown, trustedKey?: string): BundleFinding[] {
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
