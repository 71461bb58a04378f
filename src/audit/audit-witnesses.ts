import { readFileSync } from 'node:fs';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type {
  StoredCheckpoint,
  AuditCosignedData,
  AuditForkDetectedData,
  FieldError,
  WitnessCosignature,
  WitnessRefusal,
  WitnessVerdict,
} from '@hub/contracts';
import {
  addSignatureLines,
  openCheckpoint,
  parseCosignerVerifierKey,
  createEd25519Verifier,
  verifyCosignature,
  type CosignatureVerifier,
  type NoteVerifier,
  type OpenedCheckpoint,
  type TlogResult,
} from '@hub/transparency-log';
import { HubSigningKey } from '../common/hub-signing-key';
import { AppConfig } from '../config/app-config';
import { Transactions, type Tx } from '../database/transactions';

/** Why a witness's event cannot be applied; the partners feature answers it as a refusal. */
export class WitnessEventError extends Error {
  constructor(
    readonly code: 'invalid-data' | 'unknown-checkpoint' | 'bad-cosignature' | 'not-allowed',
    readonly detail: string,
    readonly errors?: readonly FieldError[],
  ) {
    super(`${code}: ${detail}`);
    this.name = 'WitnessEventError';
  }
}

/** Who sent a witness event: the partner system of `country`, speaking as `party`. */
export interface WitnessSender {
  country: string;
  party: string;
  eventId: string;
}

interface CosignatureRow {
  tree_size: string;
  country: string;
  witness_name: string;
  signature_line: string;
  cosigned_at: Date;
}

interface CheckpointRow {
  tree_size: string;
  note: string;
}

/**
 * Partner countries as witnesses of the audit log (C2SP tlog-cosignature): each partner system
 * checks every checkpoint for consistency with the last one it cosigned and sends its
 * cosignature, or reports a fork. The hub verifies each cosignature with the country's witness
 * key from the party registry, keeps it (append-only), serves checkpoints with their cosignature
 * lines, and trusts a checkpoint only with its own signature and `AUDIT_WITNESS_QUORUM`
 * cosignatures. A witness's refusal is kept as evidence and fails verification until people
 * have looked at it: a fork is the one thing a compromised hub cannot hide from its witnesses.
 */
@Injectable()
export class AuditWitnesses {
  private readonly logger = new Logger(AuditWitnesses.name);
  /** Witness verifier keys by country. */
  private readonly keys: ReadonlyMap<
    string,
    { verifier: CosignatureVerifier; verifierKey: string }
  >;

  /** The hub's own checkpoint key: every note a witness sends back must open with it. */
  private readonly hubVerifier: NoteVerifier;

  constructor(
    private readonly config: AppConfig,
    private readonly transactions: Transactions,
    @Inject(HubSigningKey) hubKey: HubSigningKey,
  ) {
    this.keys = loadWitnessKeys(config);
    this.hubVerifier = createEd25519Verifier(hubKey.name, hubKey.publicKey);
  }

  get quorum(): number {
    return this.config.env.AUDIT_WITNESS_QUORUM;
  }

  /** The registered witness keys (C2SP cosigner verifier keys), by country. */
  verifierKeys(): { country: string; verifierKey: string }[] {
    return [...this.keys].map(([country, { verifierKey }]) => ({ country, verifierKey }));
  }

  /**
   * Applies `mrh.audit.cosigned.v1` inside the caller's transaction: the checkpoint must be one
   * the hub signed and stored, the line must be a valid `cosignature/v1` by the sender country's
   * witness key. A repeat for the same checkpoint and country keeps the first.
   */
  async cosigned(tx: Tx, sender: WitnessSender, data: AuditCosignedData): Promise<void> {
    const key = this.keys.get(sender.country);
    if (key === undefined) {
      throw new WitnessEventError(
        'not-allowed',
        `No witness key is registered for ${sender.country}: its cosignatures cannot be checked.`,
      );
    }
    const opened = this.openHubNote(data.checkpoint, 'data.checkpoint');
    const { size, root } = opened.checkpoint;
    const [stored] = await tx.query<{ root_hash: Buffer; note: string }[]>(
      `SELECT root_hash, note FROM audit_checkpoints WHERE tree_size = $1`,
      [size],
    );
    if (stored === undefined || !stored.root_hash.equals(root)) {
      // Signed with the hub's key, yet not the checkpoint the hub keeps for that size: either the
      // key signed something outside this database, or the database lost its checkpoint.
      this.logger.error(
        `ALARM: ${sender.country}'s witness cosigned a checkpoint of size ${size} signed with the hub's key that this hub does not hold`,
      );
      throw new WitnessEventError(
        'unknown-checkpoint',
        `The hub holds no checkpoint of size ${size} with this root.`,
        [{ path: 'data.checkpoint', message: 'is not a checkpoint this hub stored' }],
      );
    }
    const verdict = verifyCosignature(opened.text, data.cosignature, key.verifier);
    if (!verdict.ok) {
      throw new WitnessEventError(
        'bad-cosignature',
        `The cosignature does not verify with ${sender.country}'s witness key: ${verdict.error}.`,
        [{ path: 'data.cosignature', message: verdict.error }],
      );
    }
    await tx.query(
      `INSERT INTO audit_cosignatures
         (tree_size, country, witness_name, signature_line, cosigned_at, event_id)
       VALUES ($1, $2, $3, $4, to_timestamp($5), $6) ON CONFLICT DO NOTHING`,
      [size, sender.country, key.verifier.name, data.cosignature, verdict.time, sender.eventId],
    );
  }

  /**
   * Applies `mrh.audit.fork-detected.v1`: both notes must carry the hub's signature (a witness
   * keeps only what the hub signed), and are kept as evidence with the witness's reason, and
   * logged as an alarm. Not an audit entry: a forked witness refuses every later checkpoint,
   * and an entry per refusal would make a new checkpoint to refuse, forever.
   */
  async forkReported(tx: Tx, sender: WitnessSender, data: AuditForkDetectedData): Promise<void> {
    const held = this.openHubNote(data.held, 'data.held').checkpoint;
    const offered = this.openHubNote(data.offered, 'data.offered').checkpoint;
    await tx.query(
      `INSERT INTO audit_witness_refusals (country, held_note, held_size, offered_note,
         offered_size, reason, consistency_proof, event_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (event_id) DO NOTHING`,
      [
        sender.country,
        data.held,
        held.size,
        data.offered,
        offered.size,
        data.reason,
        data.consistencyProof ?? null,
        sender.eventId,
      ],
    );
    this.logger.error(
      `ALARM: ${sender.country}'s witness refused the checkpoint of size ${offered.size} (it cosigned size ${held.size}): ${data.reason}`,
    );
  }

  /**
   * The countries with a witness key that have neither cosigned nor refused the checkpoint of
   * `size`: those still to be sent it.
   */
  async awaiting(size: number): Promise<string[]> {
    const rows = await this.transactions.query<{ country: string }>(
      `SELECT country FROM audit_cosignatures WHERE tree_size = $1
       UNION SELECT country FROM audit_witness_refusals WHERE offered_size = $1`,
      [size],
    );
    const answered = new Set(rows.map((r) => r.country));
    return [...this.keys.keys()].filter((country) => !answered.has(country)).sort();
  }

  /**
   * A checkpoint as the hub serves it: `note` (its signed checkpoint of `size`) with every
   * cosignature line kept for it, and the witnesses whose line verifies against `note` again.
   */
  async served(
    size: number,
    note: string,
  ): Promise<{ note: string; cosignedBy: WitnessCosignature[] }> {
    const rows = await this.transactions.query<CosignatureRow>(
      `SELECT * FROM audit_cosignatures WHERE tree_size = $1 ORDER BY country`,
      [size],
    );
    return {
      note:
        rows.length === 0
          ? note
          : addSignatureLines(
              note,
              rows.map((r) => r.signature_line),
            ),
      cosignedBy: this.checked(rows, new Map([[size, note]])).valid.get(size) ?? [],
    };
  }

  /**
   * The newest checkpoint with a quorum of valid cosignatures (with a quorum of 0: the newest);
   * undefined when none has one yet.
   */
  async newestTrusted(): Promise<StoredCheckpoint | undefined> {
    const rows = await this.transactions.query<
      CheckpointRow & { root_hash: Buffer; created_at: Date }
    >(
      `SELECT c.* FROM audit_checkpoints c
       WHERE $1 = 0 OR (SELECT count(*) FROM audit_cosignatures s WHERE s.tree_size = c.tree_size) >= $1
       ORDER BY c.tree_size DESC LIMIT 10`,
      [this.quorum],
    );
    for (const row of rows) {
      const size = Number(row.tree_size);
      if ((await this.served(size, row.note)).cosignedBy.length >= this.quorum) {
        return {
          size,
          rootHash: row.root_hash.toString('base64'),
          note: row.note,
          createdAt: row.created_at.toISOString(),
        };
      }
    }
    return undefined;
  }

  /** The newest checkpoint that witnesses cosigned, as a note with their lines; or undefined. */
  async newestCosigned(): Promise<{ size: number; note: string } | undefined> {
    const rows = await this.transactions.query<CheckpointRow>(
      `SELECT c.tree_size, c.note FROM audit_checkpoints c
       WHERE EXISTS (SELECT 1 FROM audit_cosignatures s WHERE s.tree_size = c.tree_size)
       ORDER BY c.tree_size DESC LIMIT 1`,
    );
    const row = rows[0];
    if (row === undefined) return undefined;
    const size = Number(row.tree_size);
    return { size, note: (await this.served(size, row.note)).note };
  }

  /**
   * The witnesses' verdict on the log: every stored cosignature verified again with the
   * registered keys against the stored checkpoint (the database is not trusted), the newest
   * checkpoint a quorum vouches for, and every fork a witness reported.
   */
  async verdict(): Promise<WitnessVerdict> {
    const checkpoints = await this.transactions.query<CheckpointRow>(
      `SELECT tree_size, note FROM audit_checkpoints ORDER BY tree_size`,
    );
    const notes = new Map(checkpoints.map((c) => [Number(c.tree_size), c.note]));
    const rows = await this.transactions.query<CosignatureRow>(
      `SELECT * FROM audit_cosignatures ORDER BY tree_size, country`,
    );
    const { valid, invalid } = this.checked(rows, notes);
    const sizes = [...notes.keys()];
    const newestSize = sizes.at(-1);
    const trustedSize = [...sizes]
      .reverse()
      .find((size) => (valid.get(size)?.length ?? 0) >= this.quorum);
    const refusals = await this.refusals();
    const trusted =
      trustedSize === undefined
        ? null
        : { size: trustedSize, cosignedBy: valid.get(trustedSize) ?? [] };
    return {
      ok: (trusted !== null || this.quorum === 0) && refusals.length === 0 && invalid.length === 0,
      quorum: this.quorum,
      witnesses: [...this.keys.keys()].sort(),
      trusted,
      newest:
        newestSize === undefined
          ? null
          : { size: newestSize, cosignedBy: valid.get(newestSize) ?? [] },
      invalidCosignatures: invalid,
      refusals,
    };
  }

  async refusals(): Promise<WitnessRefusal[]> {
    const rows = await this.transactions.query<{
      country: string;
      held_size: string;
      offered_size: string;
      reason: string;
      received_at: Date;
    }>(
      `SELECT country, held_size, offered_size, reason, received_at
       FROM audit_witness_refusals ORDER BY id`,
    );
    return rows.map((r) => ({
      country: r.country,
      heldSize: Number(r.held_size),
      offeredSize: Number(r.offered_size),
      reason: r.reason,
      receivedAt: r.received_at.toISOString(),
    }));
  }

  /** Splits stored cosignatures into those that verify against their checkpoint and the rest. */
  private checked(
    rows: readonly CosignatureRow[],
    notes: ReadonlyMap<number, string>,
  ): {
    valid: Map<number, WitnessCosignature[]>;
    invalid: { size: number; country: string; reason: string }[];
  } {
    const valid = new Map<number, WitnessCosignature[]>();
    const invalid: { size: number; country: string; reason: string }[] = [];
    const texts = new Map<number, string | undefined>();
    for (const row of rows) {
      const size = Number(row.tree_size);
      if (!texts.has(size)) texts.set(size, this.textOf(notes.get(size)));
      const text = texts.get(size);
      const key = this.keys.get(row.country);
      const verdict =
        text === undefined
          ? { ok: false as const, error: "the checkpoint no longer opens with the hub's key" }
          : key === undefined
            ? { ok: false as const, error: 'no witness key is registered for the country' }
            : verifyCosignature(text, row.signature_line, key.verifier);
      if (!verdict.ok) {
        invalid.push({ size, country: row.country, reason: verdict.error });
        continue;
      }
      const list = valid.get(size) ?? [];
      list.push({
        country: row.country,
        name: row.witness_name,
        cosignedAt: new Date(verdict.time * 1000).toISOString(),
      });
      valid.set(size, list);
    }
    return { valid, invalid };
  }

  private textOf(note: string | undefined): string | undefined {
    if (note === undefined) return undefined;
    const opened = this.open(note);
    return opened.ok ? opened.value.text : undefined;
  }

  private open(note: string): TlogResult<OpenedCheckpoint> {
    return openCheckpoint(note, [this.hubVerifier], this.config.env.AUDIT_LOG_ORIGIN);
  }

  private openHubNote(note: string, path: string): OpenedCheckpoint {
    const opened = this.open(note);
    if (!opened.ok) {
      throw new WitnessEventError(
        'invalid-data',
        `${path} is not a checkpoint of this log signed by the hub: ${opened.error}.`,
        [{ path, message: `must be a checkpoint note signed by the hub (${opened.error})` }],
      );
    }
    return opened.value;
  }
}

/** Reads each partner system's witness key file; a registered file that cannot be read stops the hub. */
function loadWitnessKeys(
  config: AppConfig,
): Map<string, { verifier: CosignatureVerifier; verifierKey: string }> {
  const keys = new Map<string, { verifier: CosignatureVerifier; verifierKey: string }>();
  for (const country of config.registry.partnerCountries()) {
    const file = config.registry.partnerSystem(country)?.witnessKeyFile;
    if (file === undefined) continue;
    let verifierKey: string;
    try {
      verifierKey = readFileSync(file, 'utf8').trim();
      keys.set(country, { verifier: parseCosignerVerifierKey(verifierKey), verifierKey });
    } catch (error) {
      throw new Error(
        `cannot use the witness key of ${country}'s partner system (${file}): ${(error as Error).message}; ` +
          'run `npm run infra:up` (or `npm run keys`) to generate the development keys',
        { cause: error },
      );
    }
  }
  return keys;
}
