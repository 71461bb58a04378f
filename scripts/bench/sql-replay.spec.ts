import { execFileSync } from 'node:child_process';
import { randomUUID as randomId } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../lib/repo-root';
import {
  buildTemplate,
  decodeValue,
  describeStatement,
  eventSegments,
  eventTemplateOf,
  groupTransactions,
  instantiate,
  parseTrace,
  requestQueries,
  submitTemplateOf,
  summarize,
  type SqlStatement,
  type TracedQuery,
} from './sql-replay';

const { encodeValue, describeCall } = jest.requireActual<{
  encodeValue: (value: unknown) => unknown;
  describeCall: (config: unknown, values: unknown) => unknown;
}>('./sql-trace.cjs');

const REFERRAL = '0b6c3c1e-6a4f-4b8e-9a51-3f1f0f6d2a10';
const EVENT = '5d1f7c52-3e0b-4a8e-8f7e-2b9a6c4d1e20';
const OTHER = 'a3e2b1c4-1111-4222-8333-944455556666';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let clock = 0;
function q(conn: number, text: string, values: unknown[] = []): TracedQuery {
  clock += 1;
  return { conn, at: clock, text, values };
}

/** A trace file's text, as sql-trace.cjs writes it. */
function traceText(queries: readonly TracedQuery[]): string {
  return queries
    .map((x) => JSON.stringify({ ...x, values: x.values.map(encodeValue) }))
    .join('\n')
    .concat('\n');
}

describe('sql-trace.cjs', () => {
  it('records each query of a pg Client with its connection and parameters', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sql-trace-'));
    const file = join(dir, 'trace.jsonl');
    try {
      // Never connected: pg queues the queries, the trace has written them already.
      const script = `
        const { Client } = require('pg');
        const a = new Client(), b = new Client();
        a.query('SELECT $1::bytea', [Buffer.from('hi')]).catch(() => {});
        b.query({ text: 'SELECT $1::timestamptz', values: [new Date(0)] }).catch(() => {});
        a.query('SELECT 1', () => {});
        process.exit(0);`;
      execFileSync(
        process.execPath,
        ['--require', join(repoRoot(), 'scripts/bench/sql-trace.cjs'), '-e', script],
        { cwd: repoRoot(), env: { ...process.env, BENCH_SQL_TRACE: file } },
      );
      const traced = parseTrace(readFileSync(file, 'utf8'));
      expect(traced.map(({ conn, text, values }) => ({ conn, text, values }))).toEqual([
        { conn: 1, text: 'SELECT $1::bytea', values: [Buffer.from('hi')] },
        { conn: 2, text: 'SELECT $1::timestamptz', values: [new Date(0)] },
        { conn: 1, text: 'SELECT 1', values: [] },
      ]);
      expect(traced[0]?.at).toBeGreaterThan(Date.now() - 60_000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads the text and values of each form of Client#query', () => {
    expect(describeCall('SELECT $1', [1])).toEqual({
      text: 'SELECT $1',
      values: [1],
      name: undefined,
    });
    expect(describeCall('SELECT 1', () => undefined)).toEqual({
      text: 'SELECT 1',
      values: undefined,
      name: undefined,
    });
    expect(describeCall({ text: 'SELECT $1', values: [2], name: 'p' }, undefined)).toEqual({
      text: 'SELECT $1',
      values: [2],
      name: 'p',
    });
    const submittable = { text: 'SELECT $1', values: [3], submit: () => undefined };
    expect(describeCall(submittable, undefined)).toMatchObject({ text: 'SELECT $1', values: [3] });
  });
});

describe(decodeValue.name, () => {
  it('gives back what the trace encoded, whatever pg could be passed', () => {
    const values: unknown[] = [
      null,
      'text',
      42,
      true,
      Buffer.from([0, 1, 255]),
      new Date('2025-01-02T03:04:05.678Z'),
      ['a', ['b', Buffer.from('c')]],
      { plain: [new Date(0)], nested: { $bytes: 'not a tag: two keys', other: 1 } },
      { $date: 'a plain object that looks like a tag' },
      123n,
      Number.NaN,
      undefined,
    ];
    const encoded: unknown = JSON.parse(JSON.stringify(values.map(encodeValue)));
    expect((encoded as unknown[]).map(decodeValue)).toEqual(values);
  });

  it('turns bytes into a Buffer pg sends as bytea', () => {
    const decoded = decodeValue({ $bytes: Buffer.from('sealed').toString('base64') });
    expect(Buffer.isBuffer(decoded)).toBe(true);
    expect((decoded as Buffer).toString()).toBe('sealed');
  });
});

describe(parseTrace.name, () => {
  it('reads one query per line and names a line that is not one', () => {
    expect(parseTrace(traceText([q(1, 'SELECT 1')]))).toHaveLength(1);
    expect(() => parseTrace('{"conn":1}\n')).toThrow('trace line 1');
  });
});

describe(groupTransactions.name, () => {
  it('groups interleaved connections into their transactions and keeps loose queries apart', () => {
    const trace = [
      q(1, 'START TRANSACTION'),
      q(2, 'SELECT 1'),
      q(1, 'SELECT a'),
      q(2, 'BEGIN'),
      q(2, 'SAVEPOINT s'),
      q(1, 'COMMIT'),
      q(2, 'ROLLBACK TO SAVEPOINT s'),
      q(2, 'ROLLBACK'),
      q(3, 'BEGIN'),
      q(3, 'SELECT unfinished'),
    ];
    const { transactions, loose } = groupTransactions(trace);
    expect(
      transactions.map((tx) => [tx.conn, tx.committed, tx.queries.map((x) => x.text)]),
    ).toEqual([
      [1, true, ['START TRANSACTION', 'SELECT a', 'COMMIT']],
      [2, false, ['BEGIN', 'SAVEPOINT s', 'ROLLBACK TO SAVEPOINT s', 'ROLLBACK']],
    ]);
    expect(loose.map((x) => x.text)).toEqual(['SELECT 1']);
  });
});

describe(requestQueries.name, () => {
  const request = [
    q(1, 'SELECT lookup WHERE id = $1', [REFERRAL]),
    q(2, 'START TRANSACTION'),
    q(3, 'START TRANSACTION'),
    q(2, 'SELECT ... FOR UPDATE', [REFERRAL]),
    q(3, 'SELECT outbox batch', [500]),
    q(2, 'WITH w0 AS (INSERT ...) SELECT 1', [[REFERRAL], `{"ce_subject":"${REFERRAL}"}`]),
    q(3, 'COMMIT'),
    q(2, 'COMMIT'),
    q(1, 'UPDATE outbox SET published_at = now() WHERE id = ANY($1)', [['7']]),
    q(4, 'BEGIN'),
    q(4, 'SELECT refused', [REFERRAL]),
    q(4, 'ROLLBACK'),
  ];

  it('takes the committed transactions and loose queries that name the referral', () => {
    expect(requestQueries(request, REFERRAL).map((x) => x.text)).toEqual([
      'SELECT lookup WHERE id = $1',
      'START TRANSACTION',
      'SELECT ... FOR UPDATE',
      'WITH w0 AS (INSERT ...) SELECT 1',
      'COMMIT',
    ]);
  });

  it('keeps to the request’s time window when given one', () => {
    const first = request[1]?.at ?? 0;
    const texts = requestQueries(request, REFERRAL, { from: first, to: first + 100 }).map(
      (x) => x.text,
    );
    expect(texts).not.toContain('SELECT lookup WHERE id = $1');
    expect(texts).toContain('SELECT ... FOR UPDATE');
  });
});

describe(eventSegments.name, () => {
  const owners = new Map([
    [REFERRAL, 0],
    [EVENT, 0],
    [OTHER, 1],
  ]);

  it('splits a run into each event’s statements, a statement of no event going with the one before', () => {
    const run = groupTransactions([
      q(1, 'START TRANSACTION'),
      q(1, 'INSERT INTO inbox', [EVENT]),
      q(1, 'SELECT referrals FOR UPDATE', [REFERRAL]),
      q(1, 'SELECT 1'),
      q(1, 'INSERT INTO inbox', [OTHER]),
      q(1, 'COMMIT'),
    ]).transactions[0];
    if (!run) throw new Error('no transaction');
    expect(eventSegments(run, owners).map((s) => [s.event, s.statements.length])).toEqual([
      [0, 3],
      [1, 1],
    ]);
  });

  it('refuses a statement that names two events', () => {
    const run = groupTransactions([
      q(1, 'BEGIN'),
      q(1, 'INSERT both', [EVENT, OTHER]),
      q(1, 'COMMIT'),
    ]).transactions[0];
    if (!run) throw new Error('no transaction');
    expect(() => eventSegments(run, owners)).toThrow('names 2 events');
  });
});

describe(instantiate.name, () => {
  const sealed = Buffer.from('ciphertext');
  const at = new Date('2025-06-01T00:00:00.000Z');
  const CONSTANT = 'c0c0c0c0-0000-4000-8000-000000000000';
  const traced: SqlStatement[] = [
    { text: 'BEGIN', values: [] },
    { text: 'INSERT INTO referral_changes', values: [REFERRAL, 1, EVENT, sealed, at, CONSTANT] },
    {
      text: 'INSERT INTO outbox',
      values: [EVENT, REFERRAL, `{"ce_id":"${EVENT}","ce_subject":"${REFERRAL}"}`, [EVENT]],
    },
    { text: 'COMMIT', values: [] },
  ];
  const template = buildTemplate(traced, { referral: REFERRAL }, [
    [{ text: 'an earlier request', values: [CONSTANT] }],
  ]);

  it('puts the given referral in place of the traced one and a fresh UUID for each other', () => {
    const draft = 'dddddddd-dddd-4ddd-8ddd-dddddddddddd';
    const [, change, outbox] = instantiate(template, { referral: draft });
    const event = change?.values[2] as string;
    expect(event).toMatch(UUID);
    expect(event).not.toBe(EVENT);
    expect(change?.values).toEqual([draft, 1, event, sealed, at, CONSTANT]);
    expect(outbox?.values).toEqual([
      event,
      draft,
      `{"ce_id":"${event}","ce_subject":"${draft}"}`,
      [event],
    ]);
  });

  it('makes new UUIDs for each instance', () => {
    const one = instantiate(template, { referral: REFERRAL });
    const two = instantiate(template, { referral: REFERRAL });
    expect(one[1]?.values[2]).not.toBe(two[1]?.values[2]);
  });

  it('keeps what is no UUID as traced, bytes and timestamps included', () => {
    const [, change] = instantiate(template, { referral: REFERRAL });
    expect(change?.values[3]).toBe(sealed);
    expect(change?.values[4]).toBe(at);
  });

  it('asks for every id the template names', () => {
    expect(() => instantiate(template, {})).toThrow('no referral id');
    expect(() => buildTemplate(traced, { event: OTHER })).toThrow('not in them');
  });
});

describe(submitTemplateOf.name, () => {
  const HUB_CONSTANT = 'c1c1c1c1-0000-4000-8000-000000000001';
  const submit = (conn: number, referral: string): TracedQuery[] => [
    q(conn, 'START TRANSACTION'),
    q(conn, 'SELECT referrals FOR UPDATE', [referral]),
    q(conn, 'WITH w0 AS (INSERT INTO outbox …) SELECT 1', [referral, randomId(), HUB_CONSTANT]),
    q(conn, 'COMMIT'),
  ];
  const ids = [randomId(), randomId(), randomId()];

  it('takes the last submission, keyed by its referral, and keeps what all of them share', () => {
    const trace = [
      q(9, 'SELECT typname FROM pg_type', []),
      ...submit(1, ids[0] ?? ''),
      q(2, 'SELECT 1'),
      ...submit(2, ids[1] ?? ''),
      ...submit(1, ids[2] ?? ''),
    ];
    const template = submitTemplateOf(
      trace,
      ids.map((referralId) => ({ referralId })),
    );
    expect(template.ids).toEqual({ referral: ids[2] });
    expect(template.constants).toEqual([HUB_CONSTANT]);
    expect(template.statements.map((s) => s.text)).toEqual(submit(1, '').map((x) => x.text));
  });

  it('refuses submissions that did not send the same statements', () => {
    const [first = '', second = ''] = ids;
    const trace = [...submit(1, first), ...submit(1, second)];
    trace.splice(-1, 0, q(1, 'SELECT once more', [second]));
    expect(() => submitTemplateOf(trace, [{ referralId: first }, { referralId: second }])).toThrow(
      'different statements',
    );
  });
});

describe(eventTemplateOf.name, () => {
  const events = Array.from({ length: 3 }, () => ({ referralId: randomId(), eventId: randomId() }));
  const apply = (e: { referralId: string; eventId: string }): TracedQuery[] => [
    q(1, 'INSERT INTO inbox', ['VN', e.eventId]),
    q(1, 'SELECT referrals FOR UPDATE', [e.referralId]),
    q(1, 'WITH w0 AS (INSERT INTO outbox …) SELECT 1', [e.referralId, e.eventId, randomId()]),
  ];

  it('takes one event of a run, keyed by its referral and event id', () => {
    const trace = [
      // The hub submitting one of the referrals first: it names no event.
      q(2, 'START TRANSACTION'),
      q(2, 'SELECT referrals FOR UPDATE', [events[0]?.referralId]),
      q(2, 'COMMIT'),
      q(1, 'START TRANSACTION'),
      ...events.flatMap(apply),
      q(1, 'COMMIT'),
    ];
    const { template, eventsInRun } = eventTemplateOf(trace, events);
    expect(eventsInRun).toBe(3);
    expect(template.ids).toEqual({ referral: events[2]?.referralId, event: events[2]?.eventId });
    expect(template.statements.map((s) => s.text)).toEqual(apply(events[0]!).map((x) => x.text));
  });

  it('needs a run of several events', () => {
    const single = [q(1, 'BEGIN'), ...apply(events[0]!), q(1, 'COMMIT')];
    expect(() => eventTemplateOf(single, events)).toThrow('no run of several events');
  });
});

describe(summarize.name, () => {
  it('names each statement by what it does to which table', () => {
    const statements = [
      'START TRANSACTION',
      `SELECT r.id FROM referrals r LEFT JOIN referral_keys k ON k.referral_id = r.id
       WHERE r.id = $1 FOR UPDATE OF r`,
      `WITH w0 AS (INSERT INTO referral_changes (a) VALUES ($1)),
       w1 AS (UPDATE referrals SET seq = $2 WHERE id = $3),
       w2 AS (INSERT INTO referral_deadlines (a) SELECT $4 WHERE NOT EXISTS (SELECT 1 FROM
         referral_deadlines) ON CONFLICT DO NOTHING)
       SELECT 1`,
      `SELECT r.id FROM unnest($1::uuid[]) AS r(id) LEFT JOIN LATERAL (SELECT step FROM
         referral_deadlines) d ON true`,
      `INSERT INTO inbox (source) VALUES ($1) ON CONFLICT DO NOTHING RETURNING 1`,
      'COMMIT',
    ].map((text) => ({ text, values: [] }));
    expect(summarize(statements)).toBe(
      '6 statements: START TRANSACTION, SELECT referrals, referral_keys FOR UPDATE, ' +
        'WITH (INSERT referral_changes, UPDATE referrals, INSERT referral_deadlines), ' +
        'SELECT referral_deadlines, INSERT inbox, COMMIT',
    );
  });

  it('does not take an upsert for an update', () => {
    expect(
      describeStatement('INSERT INTO t (a) VALUES ($1) ON CONFLICT (a) DO UPDATE SET a = 1'),
    ).toBe('INSERT t');
  });
});
