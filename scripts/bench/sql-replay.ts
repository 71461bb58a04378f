import { randomUUID } from 'node:crypto';

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
