import { EVENT_TYPES, partySource } from '@hub/contracts';
import { Client } from 'pg';
import type { AnsweringPartner } from './answering-partner';
import type { RequestOutcome } from './officer-stream';

/** Runs `work` on a fresh connection (the cluster may have restarted since the last one). */
export async function withDb<T>(url: string, work: (db: Client) => Promise<T>): Promise<T> {
  const db = new Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  await db.connect();
  try {
    return await work(db);
  } finally {
    await db.end().catch(() => undefined);
  }
}

/** A rule about what is stored that holds after any crash, and the rows that break it. */
export interface Invariant {
  name: string;
  violations: number;
  sample: unknown[];
}

/**
 * What "nothing half-written" means in the database, checked over every referral: each change is
 * numbered 1..seq without a gap, has exactly one outbox event carrying its number, and its audit
 * entry; nothing is discarded, left unpublished or unsequenced once the hub is idle.
 */
const INVARIANTS: readonly { name: string; sql: string }[] = [
  {
    name: 'changes numbered 1..seq without gaps',
    sql: `SELECT r.id, r.seq, count(c.seq)::int AS changes, max(c.seq) AS last
          FROM referrals r LEFT JOIN referral_changes c ON c.referral_id = r.id
          GROUP BY r.id, r.seq
          HAVING count(c.seq) <> r.seq OR coalesce(max(c.seq), 0) <> r.seq`,
  },
  {
    name: 'one outbox event per change number',
    sql: `SELECT r.id, r.seq, count(o.id)::int AS events, count(DISTINCT o.referral_seq)::int AS numbers
          FROM referrals r
          LEFT JOIN outbox o ON o.referral_id = r.id AND o.referral_seq IS NOT NULL
          GROUP BY r.id, r.seq
          HAVING count(o.id) <> r.seq OR count(DISTINCT o.referral_seq) <> r.seq
             OR coalesce(max(o.referral_seq), 0) <> r.seq`,
  },
  {
    name: 'an audit entry for every change',
    sql: `SELECT c.referral_id, c.seq FROM referral_changes c
          WHERE NOT EXISTS (
            SELECT 1 FROM audit_entries a
            WHERE a.referral_id = c.referral_id
              AND a.event_id = coalesce(c.causation_id, c.event_id::text))`,
  },
  {
    // The relay discards an event only when its referral's data key was destroyed (erasure):
    // nothing here erases, so a discarded event would be a lost one.
    name: 'no outbox event discarded',
    sql: `SELECT id, referral_id, referral_seq, discarded FROM outbox WHERE discarded IS NOT NULL`,
  },
  {
    name: 'outbox fully published',
    sql: `SELECT id, topic, referral_id, referral_seq FROM outbox WHERE published_at IS NULL`,
  },
  {
    name: 'audit entries all sequenced into the log',
    sql: `SELECT entry_id FROM audit_pending`,
  },
  {
    name: 'no draft left behind',
    sql: `SELECT id FROM referrals WHERE status = 'DRAFT'`,
  },
];

export async function checkInvariants(url: string): Promise<Invariant[]> {
  return withDb(url, async (db) => {
    const results: Invariant[] = [];
    for (const { name, sql } of INVARIANTS) {
      const rows = (await db.query(sql)).rows;
      results.push({ name, violations: rows.length, sample: rows.slice(0, 3) });
    }
    return results;
  });
}

/** Work still in flight: the hub is idle when all of it is 0. */
export interface Backlog {
  unpublished: number;
  unsequenced: number;
  /** Referrals whose last number has not reached the partner yet. */
  behind: number;
  /** Partner events not yet sent, or sent and not answered. */
  unanswered: number;
}

export async function backlogOf(url: string, partner: AnsweringPartner): Promise<Backlog> {
  return withDb(url, async (db) => {
    const counts = await db.query<{ unpublished: number; unsequenced: number }>(
      `SELECT (SELECT count(*) FROM outbox WHERE published_at IS NULL)::int AS unpublished,
              (SELECT count(*) FROM audit_pending)::int AS unsequenced`,
    );
    const referrals = await db.query<{ id: string; seq: number }>(
      `SELECT id, seq FROM referrals WHERE status <> 'DRAFT'`,
    );
    const behind = referrals.rows.filter((r) => partner.lastSeqOf(r.id) < r.seq).length;
    const row = counts.rows[0] ?? { unpublished: -1, unsequenced: -1 };
    return { ...row, behind, unanswered: partner.backlog + partner.unanswered().length };
  });
}

/** Numbers committed up to now, per referral: what must reach the partner. */
export async function committedSeqs(url: string): Promise<Map<string, number>> {
  return withDb(url, async (db) => {
    const rows = await db.query<{ id: string; seq: number }>(
      `SELECT id, seq FROM referrals WHERE status <> 'DRAFT'`,
    );
    return new Map(rows.rows.map((r) => [r.id, r.seq]));
  });
}

/** Delivery of a set of referrals' events to the partner, as the contract promises it. */
export interface DeliveryFigures {
  referrals: number;
  expected: number;
  delivered: number;
  lost: number;
  /** Referrals missing a number, for the failure message. */
  lostSample: string[];
}

/** Every number 1..seq of each referral must have reached the partner. */
export function deliveryOf(
  seqs: ReadonlyMap<string, number>,
  partner: AnsweringPartner,
): DeliveryFigures {
  let expected = 0;
  let delivered = 0;
  const lostSample: string[] = [];
  for (const [id, seq] of seqs) {
    expected += seq;
    const got = partner.seqsOf(id);
    let here = 0;
    for (let n = 1; n <= seq; n++) if (got.has(n)) here++;
    delivered += here;
    if (here < seq && lostSample.length < 5) lostSample.push(`${id} (${here} of ${seq})`);
  }
  return { referrals: seqs.size, expected, delivered, lost: expected - delivered, lostSample };
}

/** How the partner's events fared at the hub: each must be applied once and answered once. */
export interface InboundFigures {
  sent: number;
  appliedOnce: number;
  /** Events not in the inbox as applied, applied as two changes, or answered ≠ 1 times. */
  notExactlyOnce: number;
  sample: string[];
}

export async function inboundOf(
  url: string,
  partner: AnsweringPartner,
  referralIds: ReadonlySet<string>,
): Promise<InboundFigures> {
  const sent = [...partner.sent.values()].filter((e) => referralIds.has(e.referralId));
  const ids = sent.map((e) => e.id);
  return withDb(url, async (db) => {
    const inbox = await db.query<{ event_id: string; outcome: string }>(
      `SELECT event_id, outcome FROM inbox WHERE source = $1 AND event_id = ANY($2::text[])`,
      [partySource(partner.party), ids],
    );
    const changes = await db.query<{ causation_id: string; n: number }>(
      `SELECT causation_id, count(*)::int AS n FROM referral_changes
       WHERE causation_id = ANY($1::text[]) GROUP BY causation_id`,
      [ids],
    );
    const outcome = new Map(inbox.rows.map((r) => [r.event_id, r.outcome]));
    const applied = new Map(changes.rows.map((r) => [r.causation_id, r.n]));
    let appliedOnce = 0;
    const sample: string[] = [];
    for (const event of sent) {
      const answers = [...(partner.answers.get(event.id)?.values() ?? [])];
      const ok =
        outcome.get(event.id) === 'applied' &&
        applied.get(event.id) === 1 &&
        answers.length === 1 &&
        answers[0]?.type === EVENT_TYPES.receipt &&
        answers[0].status === 'APPLIED';
      if (ok) appliedOnce++;
      else if (sample.length < 5) {
        sample.push(
          `${event.type} ${event.id}: inbox ${outcome.get(event.id) ?? 'none'}, changes ${applied.get(event.id) ?? 0}, answers ${JSON.stringify(answers)}`,
        );
      }
    }
    return { sent: sent.length, appliedOnce, notExactlyOnce: sent.length - appliedOnce, sample };
  });
}

/** One row of the printed table. */
export interface ScenarioFigures {
  scenario: string;
  referralsAccepted: number;
  eventsExpected: number;
  eventsDelivered: number;
  duplicatedOnWire: number;
  appliedTwice: number;
  lost: number;
  orderViolations: number;
  partnerEventsSent: number;
  partnerEventsAppliedOnce: number;
  http: Record<RequestOutcome, number>;
  /** The longest an officer's request waited for its answer (informative, never asserted). */
  slowestAnswerMs: number;
  /** From each repair (restart, broker or database back, instance killed) to /health/ready 200. */
  readyAfterMs: number[];
  /**
   * From each repair until everything committed or sent before it was delivered and answered
   * (undefined: it never was).
   */
  recoveredAfterMs: (number | undefined)[];
}

const seconds = (ms: readonly (number | undefined)[]): string =>
  ms.length === 0
    ? '-'
    : ms.map((m) => (m === undefined ? 'never' : (m / 1000).toFixed(1))).join('/');

/** The figures as a fixed-width table, one row per scenario. */
export function figuresTable(rows: readonly ScenarioFigures[]): string {
  const header = [
    'scenario',
    'accepted',
    'expected',
    'delivered',
    'dup wire',
    'applied 2x',
    'lost',
    'order',
    'partner ev (once)',
    'HTTP ok/503/down/bad/hung',
    'slowest s',
    'ready s',
    'recovered s',
  ];
  const body = rows.map((r) => [
    r.scenario,
    String(r.referralsAccepted),
    String(r.eventsExpected),
    String(r.eventsDelivered),
    String(r.duplicatedOnWire),
    String(r.appliedTwice),
    String(r.lost),
    String(r.orderViolations),
    `${r.partnerEventsSent} (${r.partnerEventsAppliedOnce})`,
    `${r.http.ok}/${r.http.unavailable}/${r.http.unreachable}/${r.http.failed}/${r.http.hung}`,
    (r.slowestAnswerMs / 1000).toFixed(1),
    seconds(r.readyAfterMs),
    seconds(r.recoveredAfterMs),
  ]);
  const widths = header.map((h, i) =>
    Math.max(h.length, ...body.map((row) => row[i]?.length ?? 0)),
  );
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0)))
      .join('  ');
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}
