import canonicalize from 'canonicalize';
import { decodeBase64Strict, type Bytes } from './bytes';
import { parseCheckpoint, type BrowserCheckpoint } from './checkpoint';
import { hashLeafText, verifyInclusion } from './merkle';
import {
  openNote,
  parseCosignerVerifierKey,
  parseVerifierKey,
  refuse,
  verifiedCosigners,
  type BrowserNoteVerifier,
  type Checked,
} from './signed-note';

/** One item of `GET /v1/referrals/:id/history`. */
export interface HistoryItem {
  leafIndex: number | null;
  entry: Record<string, unknown>;
  inclusionProof: string[] | null;
}

/** What became of one entry: proven in the checkpoint, refuted, or not covered by it yet. */
export type EntryVerdict =
  { state: 'verified' } | { state: 'failed'; reason: string } | { state: 'pending' };

export interface HistoryVerification {
  /** The checkpoint, when its signature and origin check out. */
  checkpoint: Checked<BrowserCheckpoint>;
  /** The witnesses whose cosignature of the checkpoint verified here, by key name. */
  cosigners: string[];
  /** Whether they make the quorum (and the hub's signature held). */
  trusted: boolean;
  /** Verdicts in the order of the items. */
  entries: EntryVerdict[];
}

/**
 * Canonical JSON (RFC 8785) of leaf `leafIndex`: `{leafIndex, ...entry}`, as the hub's
 * `leafBytes` hashes it (src/audit-trail/audit-entry.ts).
 */
export function leafText(entry: Record<string, unknown>, leafIndex: number): string {
  const text = canonicalize({ leafIndex, ...entry });
  if (text === undefined) throw new TypeError('entry has no JSON form');
  return text;
}

/** Leaf hash of an audit entry at `leafIndex`. */
export function auditLeafHash(entry: Record<string, unknown>, leafIndex: number): Promise<Bytes> {
  return hashLeafText(leafText(entry, leafIndex));
}

/** Opens the signed checkpoint with the hub's verifier key and checks its origin. */
export async function openCheckpoint(
  note: string,
  verifierKey: string,
  origin: string,
): Promise<Checked<BrowserCheckpoint>> {
  try {
    const verifier = await parseVerifierKey(verifierKey);
    if (!verifier.ok) return verifier;
    const opened = await openNote(note, verifier.value);
    if (!opened.ok) return opened;
    const parsed = parseCheckpoint(opened.value.text);
    if (!parsed.ok) return parsed;
    if (parsed.value.origin !== origin) {
      return refuse(`checkpoint is for ${parsed.value.origin}, not ${origin}`);
    }
    return parsed;
  } catch (error) {
    // Web Crypto without Ed25519 (old browsers) or a key it refuses.
    return refuse(error instanceof Error ? error.message : 'verification failed');
  }
}

/** Checks one entry's inclusion proof against an opened checkpoint. */
export async function verifyEntry(
  item: HistoryItem,
  checkpoint: BrowserCheckpoint,
): Promise<EntryVerdict> {
  if (item.leafIndex === null || item.inclusionProof === null) return { state: 'pending' };
  if (item.leafIndex >= checkpoint.size) return { state: 'pending' };
  const proof: Bytes[] = [];
  for (const node of item.inclusionProof) {
    const bytes = decodeBase64Strict(node);
    if (!bytes) return { state: 'failed', reason: 'proof node is not base64' };
    proof.push(bytes);
  }
  const leafHash = await auditLeafHash(item.entry, item.leafIndex);
  const ok = await verifyInclusion(
    leafHash,
    item.leafIndex,
    checkpoint.size,
    proof,
    checkpoint.root,
  );
  return ok ? { state: 'verified' } : { state: 'failed', reason: 'proof does not match the root' };
}

/**
 * Verifies a referral's history in the browser: the checkpoint's signature by the hub key, then
 * every entry's inclusion proof against that checkpoint's root. Without a valid checkpoint no
 * entry counts as verified.
 */
export async function verifyHistory(input: {
  note: string;
  verifierKey: string;
  origin: string;
  /** The partner witnesses' cosigner verifier keys, and how many must have cosigned (0: none). */
  witnessKeys?: readonly string[];
  quorum?: number;
  items: readonly HistoryItem[];
}): Promise<HistoryVerification> {
  const checkpoint = await openCheckpoint(input.note, input.verifierKey, input.origin);
  if (!checkpoint.ok) {
    return {
      checkpoint,
      cosigners: [],
      trusted: false,
      entries: input.items.map(() => ({ state: 'failed', reason: checkpoint.error })),
    };
  }
  const witnesses: BrowserNoteVerifier[] = [];
  for (const key of input.witnessKeys ?? []) {
    const parsed = await parseCosignerVerifierKey(key);
    if (parsed.ok) witnesses.push(parsed.value);
  }
  const cosigners = (await verifiedCosigners(input.note, witnesses)).map((c) => c.name);
  const entries = await Promise.all(input.items.map((i) => verifyEntry(i, checkpoint.value)));
  return { checkpoint, cosigners, trusted: cosigners.length >= (input.quorum ?? 0), entries };
}
