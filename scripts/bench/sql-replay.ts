import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fromTopic } from '@hub/contracts';
import { importJWK, SignJWT } from 'jose';
import type { Kafka } from 'kafkajs';
import { Pool, type PoolClient } from 'pg';
import { DEV_ISSUER_KEY, DEV_KEYS_DIR, ensureKeyPair } from '../../src/auth/dev-keys';
import { loadPartyRegistry } from '../../src/parties/party-registry';
import { NO_KAFKA_LOGIN } from '../lib/kafka-security';
import { repoRoot } from '../lib/repo-root';
import { SENDER, acknowledgements, exampleReferral, insertDrafts, receiverOf } from './fixtures';
import { HttpLoad } from './http-load';
import { freePort } from './hub-fixture';
import { benchKafka, endOffsets, ensureTopics, setGroupOffsets } from './kafka-tools';
import { produceAll } from './references';
import { ServiceProcess } from './service-process';

/*
 * The same-work references of issue 13, built by tracing the hub rather than copying its SQL: the
 * hub runs with scripts/bench/sql-trace.cjs preloaded, which writes each query it sends through
 * `pg`; a request's statements become a template; the template is replayed with raw `pg` (submit)
 * or by a bare kafkajs consumer (inbound). The ratio hub ÷ reference is then the framework's cost
 * (HTTP, Nest, TypeORM, validation, signatures, sealing) over the schema's, and the reference
 * follows the hub's SQL as the code changes.
 */

// ------------------------------------------------------------------------------ trace parsing

/** One query as the trace recorded it, its parameters decoded back to what the caller passed. */
export interface TracedQuery {
  /** The `pg` Client (one pooled connection, or one of the hub's own LISTEN/lock clients). */
  conn: number;
  /** Epoch milliseconds (`performance.timeOrigin + performance.now()`) when it was sent. */
  at: number;
  text: string;
  values: unknown[];
}

/** A statement to send: its text and the parameters `pg` expects (Buffers, Dates, arrays…). */
export interface SqlStatement {
  text: string;
  values: readonly unknown[];
}

/** One connection's transaction, from its BEGIN (or START TRANSACTION) to its COMMIT/ROLLBACK. */
export interface TracedTransaction {
  conn: number;
  /** Every query of it, the opening and closing statements included. */
  queries: TracedQuery[];
  committed: boolean;
}

const TAGS = [
  '$bytes',
  '$date',
  '$undefined',
  '$bigint',
  '$number',
  '$object',
  '$unsupported',
] as const;
type Tag = (typeof TAGS)[number];

function tagOf(value: object): Tag | undefined {
  const keys = Object.keys(value);
  const key = keys.length === 1 ? keys[0] : undefined;
  return TAGS.find((tag) => tag === key);
}

/**
 * A parameter as sql-trace.cjs encoded it, decoded: `$bytes` → Buffer, `$date` → Date, and so on,
 * recursively through arrays and objects; a `$object` wrapper (a plain object that looked like a
 * tag) is unwrapped. Throws on `$unsupported` (a function or symbol: nothing pg could send).
 */
export function decodeValue(encoded: unknown): unknown {
  if (encoded === null || typeof encoded !== 'object') return encoded;
  if (Array.isArray(encoded)) return encoded.map(decodeValue);
  const fields = encoded as Record<string, unknown>;
  const tag = tagOf(encoded);
  switch (tag) {
    case '$bytes':
      return Buffer.from(String(fields['$bytes']), 'base64');
    case '$date': {
      const iso = fields['$date'];
      return new Date(typeof iso === 'string' ? iso : Number.NaN);
    }
    case '$undefined':
      return undefined;
    case '$bigint':
      return BigInt(String(fields['$bigint']));
    case '$number':
      return Number(fields['$number']);
    case '$object':
      return decodeObject(fields['$object'] as Record<string, unknown>);
    case '$unsupported':
      throw new Error(`a traced parameter was a ${String(fields['$unsupported'])}`);
    case undefined:
      return decodeObject(fields);
  }
}

function decodeObject(fields: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, decodeValue(v)]));
}

/** The lines of a trace file, in the order they were written (one process writes them). */
export function parseTrace(text: string): TracedQuery[] {
  const queries: TracedQuery[] = [];
  for (const [index, line] of text.split('\n').entries()) {
    if (line.trim() === '') continue;
    const raw = JSON.parse(line) as Partial<Record<keyof TracedQuery, unknown>>;
    if (
      typeof raw.conn !== 'number' ||
      typeof raw.at !== 'number' ||
      typeof raw.text !== 'string' ||
      !Array.isArray(raw.values)
    ) {
      throw new Error(`trace line ${index + 1} is not a traced query: ${line.slice(0, 200)}`);
    }
    queries.push({
      conn: raw.conn,
      at: raw.at,
      text: raw.text,
      values: raw.values.map(decodeValue),
    });
  }
  return queries;
}

const OPENS = /^\s*(BEGIN|START\s+TRANSACTION)\b/i;
// ROLLBACK TO SAVEPOINT stays inside the transaction.
const CLOSES = /^\s*(COMMIT|END|ROLLBACK(?!\s+TO\b))\b/i;

/**
 * The trace's transactions, per connection (a connection runs one at a time), in the order they
 * began; `loose` holds the queries sent outside any transaction. A transaction still open when the
 * trace ends is left out.
 */
export function groupTransactions(queries: readonly TracedQuery[]): {
  transactions: TracedTransaction[];
  loose: TracedQuery[];
} {
  const open = new Map<number, TracedTransaction>();
  const transactions: TracedTransaction[] = [];
  const loose: TracedQuery[] = [];
  for (const query of queries) {
    const current = open.get(query.conn);
    if (current) {
      current.queries.push(query);
      const close = CLOSES.exec(query.text);
      if (close) {
        current.committed = close[1]?.toUpperCase() !== 'ROLLBACK';
        open.delete(query.conn);
      }
    } else if (OPENS.test(query.text)) {
      const tx: TracedTransaction = { conn: query.conn, queries: [query], committed: false };
      open.set(query.conn, tx);
      transactions.push(tx);
    } else {
      loose.push(query);
    }
  }
  const unfinished = new Set(open.values());
  return { transactions: transactions.filter((tx) => !unfinished.has(tx)), loose };
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

/** Every UUID in the statement's text and in its string parameters (at any depth), lower case. */
export function uuidsOf(statement: SqlStatement): Set<string> {
  const found = new Set<string>();
  const visit = (value: unknown): void => {
    if (typeof value === 'string') {
      for (const match of value.matchAll(UUID)) found.add(match[0].toLowerCase());
    } else if (Array.isArray(value)) {
      value.forEach(visit);
    } else if (isPlainObject(value)) {
      Object.values(value).forEach(visit);
    }
  };
  visit(statement.text);
  statement.values.forEach(visit);
  return found;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return (
    value !== null &&
    typeof value === 'object' &&
    !(value instanceof Uint8Array) &&
    !(value instanceof Date) &&
    !Array.isArray(value)
  );
}

/**
 * The queries one request sent about `referralId`, in order: every committed transaction with a
 * query that mentions the id, and every query outside a transaction that does, all within
 * `window` (epoch ms, when the request was sent and answered) if given.
 *
 * Left out: whatever does not name the id — the background loops, which are deferred work and not
 * the request's (the outbox relay reads and marks rows by bigint id, the audit sequencer numbers
 * entries by theirs, the deadline scanner looks for due dates, the live-updates and leader-lock
 * clients LISTEN and hold advisory locks) — and any read of the request that names no referral
 * (none in the submit path today: the officer's token is checked without the database).
 * Rolled-back transactions are left out too: a replay does what succeeded.
 */
export function requestQueries(
  queries: readonly TracedQuery[],
  referralId: string,
  window?: { from: number; to: number },
): TracedQuery[] {
  const id = referralId.toLowerCase();
  const inWindow = (q: TracedQuery): boolean =>
    window === undefined || (q.at >= window.from && q.at <= window.to);
  const names = (q: TracedQuery): boolean => uuidsOf(q).has(id);
  const { transactions, loose } = groupTransactions(queries);
  const picked = [
    ...transactions
      .filter((tx) => tx.committed && tx.queries.some(names) && tx.queries.every(inWindow))
      .flatMap((tx) => tx.queries),
    ...loose.filter((q) => names(q) && inWindow(q)),
  ];
  return picked.sort((a, b) => a.at - b.at);
}

/**
 * Splits a transaction that applied several events (a run of the inbound consumer) into each
 * event's statements, its BEGIN and COMMIT left out. `owners` maps each event's UUIDs (its id, its
 * referral's id) to the event's index. A statement belongs to the event whose UUIDs it names; one
 * that names none belongs to the event before it. Throws when a statement names two events.
 */
export function eventSegments(
  tx: TracedTransaction,
  owners: ReadonlyMap<string, number>,
): { event: number; statements: TracedQuery[] }[] {
  const segments: { event: number; statements: TracedQuery[] }[] = [];
  for (const query of tx.queries.slice(1, -1)) {
    const events = new Set([...uuidsOf(query)].flatMap((u) => owners.get(u) ?? []));
    if (events.size > 1) {
      throw new Error(`a statement names ${events.size} events: ${query.text.slice(0, 120)}`);
    }
    const [event] = events;
    const last = segments.at(-1);
    if (event === undefined || event === last?.event) {
      if (!last) throw new Error(`a run begins with a statement of no event: ${query.text}`);
      last.statements.push(query);
    } else {
      segments.push({ event, statements: [query] });
    }
  }
  return segments;
}

// ---------------------------------------------------------------------------------- templates

/**
 * A request's statements as traced, ready to replay for other referrals. `ids` names the traced
 * UUIDs a caller replaces (`referral`, for the inbound template also `event`); `constants` are
 * traced UUIDs that are not the request's own (they appeared in other requests too) and stay.
 * Every other UUID is made fresh for each instance.
 */
export interface SqlTemplate {
  ids: Readonly<Record<string, string>>;
  constants: readonly string[];
  statements: readonly SqlStatement[];
}

/**
 * A template of `statements`; UUIDs that also occur in `others` (the same work traced for other
 * referrals) are constants of the hub (a party's key id…), not ids of this request.
 */
export function buildTemplate(
  statements: readonly SqlStatement[],
  ids: Readonly<Record<string, string>>,
  others: readonly (readonly SqlStatement[])[] = [],
): SqlTemplate {
  const own = new Set(statements.flatMap((s) => [...uuidsOf(s)]));
  const elsewhere = new Set(others.flat().flatMap((s) => [...uuidsOf(s)]));
  const named = new Set(Object.values(ids).map((id) => id.toLowerCase()));
  for (const [role, id] of Object.entries(ids)) {
    if (!own.has(id.toLowerCase())) throw new Error(`the traced ${role} id ${id} is not in them`);
  }
  return {
    ids: Object.fromEntries(Object.entries(ids).map(([role, id]) => [role, id.toLowerCase()])),
    constants: [...own].filter((u) => elsewhere.has(u) && !named.has(u)).sort(),
    statements: statements.map((s) => ({ text: s.text, values: s.values })),
  };
}

/**
 * The template's statements for other ids: each traced id of `template.ids` becomes the one
 * `ids` gives for the same role; every other UUID (whole values, and UUIDs inside text such as
 * JSON headers) a fresh random one, the same one wherever the traced UUID recurs in this
 * instance. Constants, bytes, numbers and timestamps stay as traced.
 */
export function instantiate(
  template: SqlTemplate,
  ids: Readonly<Record<string, string>>,
): SqlStatement[] {
  const mapping = new Map<string, string>(template.constants.map((u) => [u, u]));
  for (const [role, traced] of Object.entries(template.ids)) {
    const given = ids[role];
    if (given === undefined) throw new Error(`instantiate: no ${role} id given`);
    mapping.set(traced, given.toLowerCase());
  }
  const remap = (uuid: string): string => {
    const lower = uuid.toLowerCase();
    let next = mapping.get(lower);
    if (next === undefined) {
      next = randomUUID();
      mapping.set(lower, next);
    }
    return uuid === lower ? next : next.toUpperCase();
  };
  const value = (v: unknown): unknown => {
    if (typeof v === 'string') return v.replace(UUID, remap);
    if (Array.isArray(v)) return v.map(value);
    if (isPlainObject(v))
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, value(x)]));
    return v;
  };
  return template.statements.map((s) => ({
    text: s.text.replace(UUID, remap),
    values: s.values.map(value),
  }));
}

/**
 * A statement in a few words, e.g. `SELECT referrals FOR UPDATE`, `INSERT outbox`, or for one
 * statement of several writes `WITH (INSERT referral_changes, UPDATE referrals)`.
 */
export function describeStatement(text: string): string {
  const sql = text.replace(/\s+/g, ' ').trim();
  const lock = /\bFOR (NO KEY UPDATE|UPDATE|SHARE|KEY SHARE)\b/i.exec(sql);
  const bare = sql
    .replace(
      /\bFOR (NO KEY UPDATE|UPDATE|SHARE|KEY SHARE)( OF [\w, ]+?)?( NOWAIT| SKIP LOCKED)?\b/gi,
      '',
    )
    .replace(/\bDO UPDATE\b/gi, '');
  const writes = [
    ...bare.matchAll(/\b(INSERT INTO|UPDATE|DELETE FROM)\s+"?([a-z_][\w.]*)"?/gi),
  ].map((m) => `${(m[1] ?? '').split(' ')[0]?.toUpperCase() ?? ''} ${m[2] ?? ''}`);
  if (/^WITH\b/i.test(sql) && writes.length > 0) return `WITH (${writes.join(', ')})`;
  if (/^SELECT\b/i.test(sql)) {
    // Tables read, not set-returning functions (`FROM unnest(…)`) or subqueries.
    const tables = [
      ...bare.matchAll(/\b(?:FROM|JOIN)\s+(?!LATERAL\b)"?([a-z_][\w.]*)\b"?(?!\s*\()/gi),
    ].map((m) => m[1] ?? '');
    const what = tables.length > 0 ? `SELECT ${[...new Set(tables)].join(', ')}` : 'SELECT';
    return lock ? `${what} FOR ${(lock[1] ?? '').toUpperCase()}` : what;
  }
  if (writes[0] !== undefined && /^(INSERT|UPDATE|DELETE)\b/i.test(sql)) return writes[0];
  return sql.split(' ').slice(0, 2).join(' ').toUpperCase();
}

/** `n statements: BEGIN, SELECT referrals FOR UPDATE, …, COMMIT`. */
export function summarize(statements: readonly SqlStatement[]): string {
  const words = statements.map((s) => describeStatement(s.text));
  return `${statements.length} statements: ${words.join(', ')}`;
}

/** Statement texts, to compare the shapes of two traced requests. */
function shape(statements: readonly SqlStatement[]): string {
  return statements.map((s) => s.text).join('\n;\n');
}

/** A submission of a capture: its draft, and when it was sent and answered (epoch ms). */
export interface TracedSubmit {
  referralId: string;
  window?: { from: number; to: number } | undefined;
}

/**
 * The submit template from a trace of `submits` sent one at a time: the queries of the last (the
 * first ones pay for lazy one-off queries), keyed by its referral; UUIDs it shares with the
 * earlier ones are constants. Throws when the last two sent different statements.
 */
export function submitTemplateOf(
  trace: readonly TracedQuery[],
  submits: readonly TracedSubmit[],
): SqlTemplate {
  const requests = submits.map((s) => requestQueries(trace, s.referralId, s.window));
  const last = requests.at(-1) ?? [];
  const lastId = submits.at(-1)?.referralId ?? '';
  if (last.length === 0) throw new Error(`no query of the last submission (${lastId})`);
  if (requests.length > 1 && shape(last) !== shape(requests.at(-2) ?? [])) {
    throw new Error('the last two submissions sent different statements');
  }
  return buildTemplate(last, { referral: lastId }, requests.slice(0, -1));
}

/** A partner event of a capture: its id and the referral it is about. */
export interface TracedEvent {
  referralId: string;
  eventId: string;
}

/**
 * The inbound template from a trace of the hub applying `events`: one event's statements within a
 * run (a transaction that applied several; see {@link eventSegments}), keyed by its referral
 * (`referral`) and event id (`event`). The event taken is the last of the last such run; the
 * run's other events must have sent the same statements, and the UUIDs they share with it are
 * constants. `eventsInRun` says how many events that run applied.
 */
export function eventTemplateOf(
  trace: readonly TracedQuery[],
  events: readonly TracedEvent[],
): { template: SqlTemplate; eventsInRun: number } {
  const owners = new Map<string, number>();
  events.forEach((e, i) => {
    owners.set(e.referralId.toLowerCase(), i);
    owners.set(e.eventId.toLowerCase(), i);
  });
  const eventIds = new Set(events.map((e) => e.eventId.toLowerCase()));
  // Transactions that claimed an event: the hub's own submissions name the referrals too.
  const runs = groupTransactions(trace)
    .transactions.filter(
      (tx) => tx.committed && tx.queries.some((q) => [...uuidsOf(q)].some((u) => eventIds.has(u))),
    )
    .map((tx) => eventSegments(tx, owners))
    .filter((segments) => segments.length > 1);
  const run = runs.at(-1);
  const chosen = run?.at(-1);
  const event = chosen && events[chosen.event];
  if (!run || !chosen || !event) throw new Error('the hub applied no run of several events');
  const others = run.slice(0, -1).map((segment) => segment.statements);
  if (others.some((statements) => shape(statements) !== shape(chosen.statements))) {
    throw new Error('the events of one run sent different statements');
  }
  const template = buildTemplate(
    chosen.statements,
    { referral: event.referralId, event: event.eventId },
    others,
  );
  return { template, eventsInRun: run.length };
}

// ------------------------------------------------------------------------------------- replay

/** Sends `statements` in order on `client`; after a failure rolls back whatever was open. */
async function runStatements(
  client: PoolClient,
  statements: readonly SqlStatement[],
): Promise<void> {
  try {
    for (const s of statements) await client.query(s.text, s.values as unknown[]);
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

/** Runs `work` for each item, `concurrency` at a time. */
async function inParallel<T>(
  items: readonly T[],
  concurrency: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < items.length; i = next++) await work(items[i] as T);
  };
  await Promise.all(
    Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker),
  );
}

/** What {@link replaySubmits} needs. */
export interface ReplayOptions {
  /** The reference database (migrated like the hub's), as the role the hub connects with. */
  url: string;
  /** Connections of the pool, as the hub's DATABASE_POOL_SIZE. */
  poolSize: number;
  /** From {@link captureSubmitTemplate}. */
  template: SqlTemplate;
  /** Drafts (inserted with insertDrafts) the timed replay submits, one instance each. */
  draftIds: readonly string[];
  /** Further drafts, submitted first and not timed: they open the pool's connections. */
  warmupIds: readonly string[];
  /** Instances in flight at once (each holds one connection while it runs). */
  concurrency: number;
}

/**
 * The hub's submit without the hub: the traced statements of one submission (BEGIN … COMMIT as the
 * hub sent them), instantiated for each draft and replayed with raw `pg` on a pool of the hub's
 * size, `concurrency` at a time. Instances are made before the clock starts, so what is timed is
 * the database's share of a submit. Returns successful submissions per second and the failures
 * (with the first one's message); a failed warm-up throws, as the template is then unusable.
 */
export async function replaySubmits(
  opts: ReplayOptions,
): Promise<{ perSecond: number; failures: number; firstError?: string }> {
  const pool = new Pool({ connectionString: opts.url, max: opts.poolSize });
  let failures = 0;
  let firstError: string | undefined;
  const replay = async (statements: readonly SqlStatement[]): Promise<void> => {
    const client = await pool.connect();
    try {
      await runStatements(client, statements);
    } catch (error) {
      failures++;
      firstError ??= (error as Error).message;
    } finally {
      client.release();
    }
  };
  const instances = (ids: readonly string[]): SqlStatement[][] =>
    ids.map((id) => instantiate(opts.template, { referral: id }));
  try {
    await inParallel(instances(opts.warmupIds), opts.concurrency, replay);
    if (failures > 0) {
      throw new Error(`replay warm-up: ${failures} failed; first: ${firstError ?? '?'}`);
    }
    const timed = instances(opts.draftIds);
    const started = performance.now();
    await inParallel(timed, opts.concurrency, replay);
    const seconds = (performance.now() - started) / 1000;
    return {
      perSecond: (timed.length - failures) / seconds,
      failures,
      ...(firstError !== undefined && { firstError }),
    };
  } finally {
    await pool.end();
  }
}

/**
 * Brings drafts (as insertDrafts stores them) to the state a submission leaves their row in —
 * SUBMITTED, change 1 (`seq` 1, `version` 2), submitted now — in one UPDATE, so that the inbound
 * template's writes (which set the acknowledged state from there) apply to them. Only the row:
 * the submission's other writes are not made, in particular its open ACKNOWLEDGE deadline, so an
 * acknowledgement's "meet the deadline" update then finds nothing to update. Where that matters,
 * put the drafts through {@link replaySubmits} instead: those are the hub's own writes (the
 * try-out script does). Returns the rows updated.
 */
export async function markSubmitted(pool: Pool, ids: readonly string[]): Promise<number> {
  const result = await pool.query(
    `UPDATE referrals SET status = 'SUBMITTED', seq = 1, version = 2, submitted_at = now(),
       updated_at = now()
     WHERE id = ANY($1::uuid[]) AND status = 'DRAFT'`,
    [ids],
  );
  return result.rowCount ?? 0;
}

/** What {@link sameWritesConsumer} needs. */
export interface SameWritesOptions {
  kafka: Kafka;
  topic: string;
  /** Where to start on each partition (a new group is set there). */
  from: { partition: number; offset: string }[];
  /** Records to consume; the figure is timed to the commit of the batch that reaches it. */
  count: number;
  /** The reference database, as the role the hub connects with. */
  url: string;
  poolSize: number;
  /** From {@link captureInboundTemplate}: one event's statements. */
  template: SqlTemplate;
  /** Records per transaction, as the hub's consumer (RUN_SIZE, 50). */
  runSize: number;
  timeoutMs: number;
}

/** The ids a record's statements are about: its event id, and its subject (else key) referral. */
function recordIds(key: Buffer | null, value: Buffer): { referral: string; event: string } {
  const event = JSON.parse(value.toString('utf8')) as { id?: unknown; subject?: unknown };
  const referral = typeof event.subject === 'string' ? event.subject : key?.toString('utf8');
  if (typeof event.id !== 'string' || referral === undefined) {
    throw new Error('a record without an event id or a referral');
  }
  return { referral, event: event.id };
}

/**
 * The inbound side's same-work reference: a bare kafkajs consumer with the group settings of
 * references.ts `bareConsumer` (manual offsets, three partitions at a time) that does the hub's
 * database writes for each record — the traced statements of one applied event (inbox claim, the
 * apply, the receipt's outbox and audit rows), instantiated with the record's event and referral
 * ids — `runSize` records to a transaction, as the hub does; after a batch's transactions it
 * resolves and commits the batch's offset, as the hub does. What it leaves out is the hub's
 * own work the ratio is meant to show: no envelope validation, no signature check, no state
 * machine; it only parses each record's JSON for the ids. Timed from its first fetch request to
 * its last offset commit.
 */
export async function sameWritesConsumer(
  opts: SameWritesOptions,
): Promise<{ perSecond: number; firstFetchAt: number; lastCommitAt: number }> {
  const groupId = `bench-same-writes-${randomUUID()}`;
  await setGroupOffsets(opts.kafka, groupId, opts.topic, opts.from);
  const pool = new Pool({ connectionString: opts.url, max: opts.poolSize });
  // The hub's pool is warm when its consumer starts: open the connections first.
  const clients = await Promise.all(Array.from({ length: opts.poolSize }, () => pool.connect()));
  clients.forEach((c) => c.release());
  const consumer = opts.kafka.consumer({ groupId, maxWaitTimeInMs: 50 });
  let firstFetchAt = 0;
  let lastCommitAt = 0;
  let seen = 0;
  let failure: Error | undefined;
  consumer.on(consumer.events.FETCH_START, () => {
    if (firstFetchAt === 0) firstFetchAt = performance.now();
  });
  let done: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (done = resolve));
  await consumer.connect();
  try {
    await consumer.subscribe({ topic: opts.topic, fromBeginning: false });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: 3,
      eachBatch: async (payload) => {
        const { batch } = payload;
        if (failure) return;
        try {
          for (let start = 0; start < batch.messages.length; start += opts.runSize) {
            const run = batch.messages.slice(start, start + opts.runSize);
            const statements = run.flatMap((m) =>
              m.value === null ? [] : instantiate(opts.template, recordIds(m.key, m.value)),
            );
            const client = await pool.connect();
            try {
              await runStatements(client, [
                { text: 'BEGIN', values: [] },
                ...statements,
                { text: 'COMMIT', values: [] },
              ]);
            } finally {
              client.release();
            }
            seen += run.filter((m) => m.value !== null).length;
            await payload.heartbeat();
          }
          const last = batch.messages.at(-1)?.offset;
          if (last !== undefined) {
            payload.resolveOffset(last);
            await consumer.commitOffsets([
              { topic: batch.topic, partition: batch.partition, offset: String(BigInt(last) + 1n) },
            ]);
          }
          lastCommitAt = performance.now();
        } catch (error) {
          // Not retried: a replayed record would only meet its own inbox row.
          failure = error as Error;
        }
        if (failure || seen >= opts.count) done();
      },
    });
    const timer = setTimeout(done, opts.timeoutMs);
    await finished;
    clearTimeout(timer);
    if (failure) throw new Error(`same-writes consumer: ${failure.message}`);
    if (seen < opts.count) {
      throw new Error(`same-writes consumer applied ${seen} of ${opts.count} records`);
    }
    return {
      perSecond: opts.count / Math.max((lastCommitAt - firstFetchAt) / 1000, 1e-6),
      firstFetchAt,
      lastCommitAt,
    };
  } finally {
    await consumer.disconnect();
    await pool.end();
  }
}

// ------------------------------------------------------------------------------------ capture

/** What a capture needs: a migrated database of its own and the broker the hub should use. */
export interface CaptureOptions {
  /** The capture hub's database, as its owner (drafts are inserted and progress read with it). */
  ownerUrl: string;
  /** The same database as the application role: the hub's DATABASE_URL. */
  appUrl: string;
  brokers: readonly string[];
  /** The hub's DATABASE_POOL_SIZE. */
  poolSize: number;
  /** Submissions (or acknowledgements) to trace; the template comes from the last. */
  count?: number;
  /** Where the trace is written (replaced); by default under .cache/sql-trace/. */
  traceFile?: string;
}

/** A template with what a person reads of it. */
export interface CapturedTemplate {
  template: SqlTemplate;
  statementCount: number;
  /** e.g. `9 statements: BEGIN, SELECT referrals FOR UPDATE, …, COMMIT`. */
  summary: string;
  traceFile: string;
}

/** Epoch milliseconds on the clock the trace uses (comparable across processes). */
function epochNow(): number {
  return performance.timeOrigin + performance.now();
}

async function waitFor(what: string, probe: () => Promise<boolean>, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The bench officer's token (the sending agency's liaison officer), from the dev issuer key. */
async function officerToken(): Promise<string> {
  const { pair } = await ensureKeyPair(join(repoRoot(), DEV_KEYS_DIR), DEV_ISSUER_KEY);
  const key = await importJWK(pair.privateJwk, 'EdDSA');
  return new SignJWT({ party: SENDER, roles: ['liaison_officer'] })
    .setProtectedHeader({ alg: 'EdDSA', kid: pair.kid })
    .setSubject('bench-officer')
    .setIssuer('urn:mrh:dev-issuer')
    .setAudience('referral-hub')
    .setIssuedAt()
    .setExpirationTime('1h')
    .sign(key);
}

/**
 * The built hub (`dist/src/main.js`) with sql-trace.cjs preloaded and writing to `traceFile`,
 * started with bench.ts's environment: its own consumer group, set to the end of every partner
 * topic (the capture applies only what it sends), a plaintext broker, no rate limit.
 */
async function startTracedHub(o: CaptureOptions, traceFile: string): Promise<ServiceProcess> {
  const main = join(repoRoot(), 'dist', 'src', 'main.js');
  if (!existsSync(main)) throw new Error(`${main} is missing: run npm run build first`);
  mkdirSync(dirname(traceFile), { recursive: true });
  rmSync(traceFile, { force: true });
  const kafka = benchKafka([...o.brokers], 'sql-trace');
  const registry = loadPartyRegistry(join(repoRoot(), 'config'));
  const group = `referral-hub-trace-${randomUUID()}`;
  const { topic: toPartner } = receiverOf(exampleReferral());
  await ensureTopics(kafka, [toPartner], 6);
  for (const country of registry.partnerCountries()) {
    const topic = fromTopic(country);
    await ensureTopics(kafka, [topic], 6);
    await setGroupOffsets(kafka, group, topic, await endOffsets(kafka, topic));
  }
  const hub = new ServiceProcess(
    'hub (traced)',
    ['--require', join(repoRoot(), 'scripts', 'bench', 'sql-trace.cjs'), main],
    {
      DATABASE_URL: o.appUrl,
      MIGRATION_DATABASE_URL: o.ownerUrl,
      DATABASE_POOL_SIZE: String(o.poolSize),
      OUTBOX_BATCH_SIZE: '500',
      KAFKA_BROKERS: o.brokers.join(','),
      ...NO_KAFKA_LOGIN,
      KAFKA_CONSUMER_GROUP: group,
      RATE_LIMIT_ENABLED: 'false',
      LOG_LEVEL: 'warn',
      BENCH_SQL_TRACE: traceFile,
    },
    await freePort(),
  );
  try {
    await hub.start('/health/ready');
  } catch (error) {
    // A hub that never became ready may still be running.
    await hub.stop();
    throw error;
  }
  return hub;
}

function defaultTraceFile(kind: string): string {
  return join(repoRoot(), '.cache', 'sql-trace', `${kind}-${Date.now()}.jsonl`);
}

/**
 * Traces the hub submitting `count` (default 5) drafts one at a time through
 * `POST /v1/referrals/{id}/submit` and makes the submit template from the last
 * ({@link submitTemplateOf}).
 */
export async function captureSubmitTemplate(o: CaptureOptions): Promise<CapturedTemplate> {
  const count = Math.max(2, o.count ?? 5);
  const traceFile = o.traceFile ?? defaultTraceFile('submit');
  const owner = new Pool({ connectionString: o.ownerUrl, max: 2 });
  const ids = Array.from({ length: count }, () => randomUUID());
  const windows = new Map<string, { from: number; to: number }>();
  try {
    await insertDrafts(owner, ids, exampleReferral());
    const hub = await startTracedHub(o, traceFile);
    try {
      const auth = { authorization: `Bearer ${await officerToken()}` };
      const load = new HttpLoad('127.0.0.1', hub.port, auth, 1);
      try {
        for (const id of ids) {
          // A margin for the two processes' clocks; the id, not the window, does the selecting.
          const from = epochNow() - 50;
          const res = await load.post(`/v1/referrals/${id}/submit`, '{}');
          if (res.status >= 300) throw new Error(`submit ${id}: ${res.status} ${res.body}`);
          windows.set(id, { from, to: epochNow() + 50 });
        }
      } finally {
        load.close();
      }
    } finally {
      await hub.stop();
    }
  } finally {
    await owner.end();
  }
  const trace = parseTrace(readFileSync(traceFile, 'utf8'));
  const template = withTrace(traceFile, () =>
    submitTemplateOf(
      trace,
      ids.map((referralId) => ({ referralId, window: windows.get(referralId) })),
    ),
  );
  return { template, ...described(template), traceFile };
}

/**
 * Traces the hub applying partner acknowledgements and makes the inbound template: one event's
 * statements inside a run ({@link eventTemplateOf}; the hub applies a partition's records in runs
 * of up to 50 per transaction, see src/partners/partner-inbound.consumer.ts), keyed by the
 * acknowledgement's referral (`referral`) and event id (`event`). The hub first submits `count`
 * (default 150) drafts over HTTP, so the acknowledged referrals are in the state its own
 * submissions leave; then the acknowledgements (fixtures.ts) go to `referral-hub.from.<CC>` all
 * at once, so that the consumer's batches hold runs.
 */
export async function captureInboundTemplate(
  o: CaptureOptions,
): Promise<CapturedTemplate & { eventsInRun: number }> {
  const count = Math.max(4, o.count ?? 150);
  const traceFile = o.traceFile ?? defaultTraceFile('inbound');
  const content = exampleReferral();
  const topic = fromTopic(receiverOf(content).country);
  const kafka = benchKafka([...o.brokers], 'sql-trace');
  const owner = new Pool({ connectionString: o.ownerUrl, max: 2 });
  const ids = Array.from({ length: count }, () => randomUUID());
  const acks = acknowledgements(ids, content);
  const eventIds = acks.map((a) => (JSON.parse(a.value) as { id: string }).id);
  try {
    await insertDrafts(owner, ids, content);
    const hub = await startTracedHub(o, traceFile);
    try {
      const auth = { authorization: `Bearer ${await officerToken()}` };
      const load = new HttpLoad('127.0.0.1', hub.port, auth, 8);
      const submitted = await load.closedLoop(
        ids.map((id) => ({ id, path: `/v1/referrals/${id}/submit`, body: '{}' })),
        8,
      );
      load.close();
      const failed = submitted.failures[0];
      if (failed) throw new Error(`submit ${failed.id}: ${failed.status} ${failed.body}`);
      await produceAll(kafka, topic, acks);
      await waitFor(
        'the traced hub to apply the acknowledgements',
        async () => {
          const rows = await owner.query<{ n: string }>(
            `SELECT count(*) AS n FROM inbox WHERE event_id = ANY($1::text[])`,
            [eventIds],
          );
          return Number(rows.rows[0]?.n ?? 0) >= count;
        },
        120_000,
      );
      const rejected = await owner.query(
        `SELECT 1 FROM inbox WHERE event_id = ANY($1::text[]) AND outcome <> 'applied'`,
        [eventIds],
      );
      if (rejected.rows.length > 0) throw new Error(`the hub rejected acknowledgements`);
    } finally {
      await hub.stop();
    }
  } finally {
    await owner.end();
  }
  const trace = parseTrace(readFileSync(traceFile, 'utf8'));
  const { template, eventsInRun } = withTrace(traceFile, () =>
    eventTemplateOf(
      trace,
      ids.map((referralId, i) => ({ referralId, eventId: eventIds[i] ?? '' })),
    ),
  );
  return { template, ...described(template), traceFile, eventsInRun };
}

/** An error of making a template, naming the trace it was made from. */
function withTrace<T>(traceFile: string, make: () => T): T {
  try {
    return make();
  } catch (error) {
    throw new Error(`${(error as Error).message} (trace: ${traceFile})`, { cause: error });
  }
}

function described(template: SqlTemplate): { statementCount: number; summary: string } {
  return {
    statementCount: template.statements.length,
    summary: summarize(template.statements),
  };
}
