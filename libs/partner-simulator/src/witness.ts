import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, open, rename, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import {
  cosignCheckpoint,
  HASH_SIZE,
  openCheckpoint,
  verifyConsistency,
  type NoteSigner,
  type NoteVerifier,
} from '@hub/transparency-log';

/*
 * A witness of the hub's audit log (C2SP tlog-witness semantics, fed by Kafka instead of HTTP):
 * it cosigns a checkpoint only when it is an append-only extension of the last one it cosigned,
 * and keeps evidence when it is not. This is the reference a partner's engineers copy: the rules
 * are in `decide`, the evidence is one JSON file.
 */

/** Where the witness gets RFC 9162 consistency proofs of the hub's log. */
export interface ProofSource {
  /**
   * The consistency proof from tree size `from` to `to` (base64 hashes, as the hub serves them).
   * Throws when it cannot be had (network, HTTP error): the witness then waits for the next
   * checkpoint rather than accuse the hub.
   */
  consistencyProof(from: number, to: number): Promise<string[]>;
}

/** How to run a {@link Witness}. */
export interface WitnessOptions {
  /** The witness's cosigning key: its key name (e.g. `mekong-referral-hub/witness/TH`) and key. */
  readonly cosigner: NoteSigner;
  /** The hub's checkpoint-signing key: only checkpoints it signed are looked at. */
  readonly logVerifier: NoteVerifier;
  /** The origin line of the hub's audit log (e.g. `mekong-referral-hub/audit`). */
  readonly origin: string;
  /** The JSON file holding what the witness cosigned and the refusals; created on first use. */
  readonly stateFile: string;
  readonly proofs: ProofSource;
  /** The clock of cosignature timestamps and refusal times; defaults to the system clock. */
  readonly now?: () => Date;
}

/** What the witness made of one checkpoint. */
export type WitnessOutcome =
  /** Consistent with what it cosigned before (or the first it saw): its cosignature line. */
  | { kind: 'cosigned'; cosignature: string; size: number }
  /**
   * Not an append-only extension of `held`, the checkpoint it cosigned last: evidence of a fork,
   * kept in the state file and to be reported.
   */
  | {
      kind: 'refused';
      size: number;
      held: string;
      offered: string;
      reason: string;
      /** The proof the hub served, when there was a well-formed one. */
      consistencyProof?: string[];
    }
  /** Nothing cosigned, nothing stored: not the hub's checkpoint, stale, or no proof to be had. */
  | { kind: 'ignored'; reason: string };

/** The checkpoint the witness cosigned last. */
export interface CosignedCheckpoint {
  /** The hub's signed note, byte for byte as received. */
  readonly note: string;
  readonly size: number;
  /** Root hash, base64. */
  readonly root: string;
  /** Our cosignature line over it. */
  readonly cosignature: string;
  /** When we cosigned it (ISO 8601). */
  readonly cosignedAt: string;
}

/** Evidence of one refusal; never deleted. */
export interface WitnessRefusal {
  /** When (ISO 8601). */
  readonly time: string;
  /** The checkpoint we held (cosigned last) at the time. */
  readonly held: string;
  /** The checkpoint we refused. */
  readonly offered: string;
  readonly reason: string;
  /** What the hub served as the consistency proof, as served, when it served one. */
  readonly consistencyProof?: readonly unknown[];
}

/** The state file's content. */
interface WitnessState {
  readonly version: 1;
  readonly cosigned?: CosignedCheckpoint;
  readonly refusals: readonly WitnessRefusal[];
}

/** The state file cannot be read as a witness's state; it is never reset silently. */
export class WitnessStateError extends Error {
  override readonly name = 'WitnessStateError';
}

/** Most nodes a consistency proof of a tree of up to 2^63 leaves has (as the contract bounds). */
const MAX_PROOF_NODES = 126;

/**
 * A witness of the hub's audit log. Per checkpoint note ({@link witness}):
 *
 * 1. it must open with the hub's key and be of the hub's log (origin), else it is ignored;
 * 2. the first checkpoint ever seen is trusted (trust on first use) and cosigned;
 * 3. smaller than the last cosigned: ignored (stale; a redelivery, or out of order);
 * 4. the same size: cosigned again if the root is the same, refused (a fork) if not;
 * 5. larger: cosigned if the hub's consistency proof from the last cosigned size verifies,
 *    refused if the served proof does not verify, ignored if no proof could be fetched.
 *
 * The state is written (atomically) before an outcome is returned, so a cosignature is never
 * given for a checkpoint the witness could forget; a refusal is appended as evidence and never
 * replaces the last cosigned checkpoint. Calls are handled one at a time, in call order.
 */
export class Witness {
  private state: WitnessState;
  /** The chain that serialises {@link witness} calls. */
  private queue: Promise<unknown> = Promise.resolve();
  private readonly now: () => Date;

  /**
   * Loads the state file (a missing file is a witness that saw nothing yet).
   *
   * @throws WitnessStateError when the file is unreadable, not a witness state, or holds a
   *   checkpoint that does not open with the configured hub key and origin.
   */
  constructor(private readonly options: WitnessOptions) {
    this.now = options.now ?? (() => new Date());
    this.state = loadState(options);
  }

  /** The checkpoint cosigned last, if any. */
  get lastCosigned(): CosignedCheckpoint | undefined {
    return this.state.cosigned;
  }

  /** Every refusal so far, oldest first. */
  get refusals(): readonly WitnessRefusal[] {
    return this.state.refusals;
  }

  /**
   * Decides on one checkpoint note (see the class). Idempotent under redelivery: the same note
   * again is cosigned again (a fresh timestamp) or refused again (the evidence recorded once).
   *
   * @throws when the state cannot be written; nothing was cosigned then, and the caller retries.
   */
  witness(note: string): Promise<WitnessOutcome> {
    const run = this.queue.then(() => this.decide(note));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async decide(note: string): Promise<WitnessOutcome> {
    const { logVerifier, origin, proofs } = this.options;
    const opened = openCheckpoint(note, [logVerifier], origin);
    if (!opened.ok) {
      return {
        kind: 'ignored',
        reason: `not a checkpoint of ${origin} signed by the hub: ${opened.error}`,
      };
    }
    const { checkpoint, text } = opened.value;
    const { size, root } = checkpoint;
    const held = this.state.cosigned;
    if (held === undefined) return this.cosign(note, text, size, root);
    const heldRoot = Buffer.from(held.root, 'base64');
    if (size < held.size) {
      return { kind: 'ignored', reason: `stale: size ${size} is below the cosigned ${held.size}` };
    }
    if (size === held.size) {
      return heldRoot.equals(root)
        ? this.cosign(note, text, size, root)
        : this.refuse(held, note, size, `same size ${size}, another root`);
    }
    let served: string[];
    try {
      // Every tree extends the empty one: there is no proof to fetch (verifyConsistency checks
      // that the held root is the empty tree's).
      served = held.size === 0 ? [] : await proofs.consistencyProof(held.size, size);
    } catch (error) {
      return {
        kind: 'ignored',
        reason: `no consistency proof from ${held.size} to ${size} (${messageOf(error)}); waiting for the next checkpoint`,
      };
    }
    const proof = decodeProof(served);
    if (proof === undefined) {
      return this.refuse(
        held,
        note,
        size,
        `the consistency proof from ${held.size} to ${size} is malformed`,
        served,
      );
    }
    if (!verifyConsistency(held.size, size, heldRoot, root, proof)) {
      return this.refuse(
        held,
        note,
        size,
        `the consistency proof from ${held.size} to ${size} does not verify`,
        served,
      );
    }
    return this.cosign(note, text, size, root);
  }

  private async cosign(
    note: string,
    text: string,
    size: number,
    root: Buffer,
  ): Promise<WitnessOutcome> {
    const now = this.now();
    const cosignature = cosignCheckpoint(
      text,
      this.options.cosigner,
      Math.floor(now.getTime() / 1000),
    );
    await this.save({
      ...this.state,
      cosigned: {
        note,
        size,
        root: root.toString('base64'),
        cosignature,
        cosignedAt: now.toISOString(),
      },
    });
    return { kind: 'cosigned', cosignature, size };
  }

  private async refuse(
    held: CosignedCheckpoint,
    offered: string,
    size: number,
    reason: string,
    served?: readonly unknown[],
  ): Promise<WitnessOutcome> {
    const known = this.state.refusals.some(
      (r) => r.held === held.note && r.offered === offered && r.reason === reason,
    );
    if (!known) {
      const refusal: WitnessRefusal = {
        time: this.now().toISOString(),
        held: held.note,
        offered,
        reason,
        ...(served !== undefined && { consistencyProof: served }),
      };
      await this.save({ ...this.state, refusals: [...this.state.refusals, refusal] });
    }
    const wellFormed = served !== undefined && decodeProof(served) !== undefined;
    return {
      kind: 'refused',
      size,
      held: held.note,
      offered,
      reason,
      ...(wellFormed && { consistencyProof: served as string[] }),
    };
  }

  /** Writes the state atomically, then adopts it: memory never runs ahead of the disk. */
  private async save(next: WitnessState): Promise<void> {
    await writeAtomically(this.options.stateFile, `${JSON.stringify(next, null, 2)}\n`);
    this.state = next;
  }
}

/** Decodes base64 hashes of 32 bytes (canonical encoding only), or undefined. */
function decodeProof(served: readonly unknown[]): Buffer[] | undefined {
  if (!Array.isArray(served) || served.length > MAX_PROOF_NODES) return undefined;
  const nodes: Buffer[] = [];
  for (const node of served) {
    if (typeof node !== 'string') return undefined;
    const bytes = Buffer.from(node, 'base64');
    if (bytes.length !== HASH_SIZE || bytes.toString('base64') !== node) return undefined;
    nodes.push(bytes);
  }
  return nodes;
}

function loadState(options: WitnessOptions): WitnessState {
  const { stateFile: path } = options;
  let raw: string;
  try {
    raw = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, refusals: [] };
    throw new WitnessStateError(`cannot read the witness state ${path}: ${messageOf(error)}`, {
      cause: error,
    });
  }
  const corrupt = (why: string): WitnessStateError =>
    new WitnessStateError(
      `the witness state ${path} is corrupt (${why}); it is the witness's evidence, so it is never ` +
        'reset: repair it, or move it aside to start again with trust on first use',
    );
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (error) {
    throw corrupt(`not JSON: ${messageOf(error)}`);
  }
  if (!isRecord(json) || json['version'] !== 1) throw corrupt('not a version 1 witness state');
  const refusals = json['refusals'];
  if (!Array.isArray(refusals) || !refusals.every(isRefusal)) throw corrupt('bad refusals');
  const cosigned = json['cosigned'];
  if (cosigned === undefined) return { version: 1, refusals };
  if (!isCosigned(cosigned)) throw corrupt('bad cosigned checkpoint');
  // The held checkpoint is what every later one is checked against: it must still be the hub's
  // signed checkpoint of this size and root, not text edited by hand.
  const opened = openCheckpoint(cosigned.note, [options.logVerifier], options.origin);
  if (!opened.ok)
    throw corrupt(
      `its cosigned checkpoint does not open with the configured hub key and origin: ${opened.error}`,
    );
  const { size, root } = opened.value.checkpoint;
  if (size !== cosigned.size || root.toString('base64') !== cosigned.root) {
    throw corrupt('the cosigned size or root is not the checkpoint’s');
  }
  return { version: 1, cosigned, refusals };
}

function isCosigned(value: unknown): value is CosignedCheckpoint {
  return (
    isRecord(value) &&
    typeof value['note'] === 'string' &&
    Number.isSafeInteger(value['size']) &&
    typeof value['root'] === 'string' &&
    typeof value['cosignature'] === 'string' &&
    typeof value['cosignedAt'] === 'string'
  );
}

function isRefusal(value: unknown): value is WitnessRefusal {
  return (
    isRecord(value) &&
    ['time', 'held', 'offered', 'reason'].every((k) => typeof value[k] === 'string') &&
    (value['consistencyProof'] === undefined || Array.isArray(value['consistencyProof']))
  );
}

/**
 * Replaces `path` with `content` so that a crash leaves the old or the new file, never a torn
 * one: a temporary file beside it, flushed to disk, renamed over it, and the folder flushed so
 * the rename itself survives a power cut.
 */
async function writeAtomically(path: string, content: string): Promise<void> {
  const folder = dirname(path);
  await mkdir(folder, { recursive: true });
  const temporary = `${path}.${randomUUID()}.tmp`;
  try {
    const file = await open(temporary, 'wx', 0o600);
    try {
      await file.writeFile(content, 'utf8');
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temporary, path);
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    throw error;
  }
  const directory = await open(folder, 'r');
  try {
    await directory.sync();
  } finally {
    await directory.close();
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
