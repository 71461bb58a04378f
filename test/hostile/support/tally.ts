import type { DataSource } from 'typeorm';

/** What a door answered to the hostile inputs thrown at it, printed at the end of a suite. */
export class Tally {
  readonly counts = new Map<string, number>();

  add(outcome: string, n = 1): void {
    this.counts.set(outcome, (this.counts.get(outcome) ?? 0) + n);
  }

  get(outcome: string): number {
    return this.counts.get(outcome) ?? 0;
  }

  /** One line per outcome, e.g. `HTTP door: 4012 inputs; 400: 3100, 401: 200 … 5xx: 0`. */
  print(door: string, inputs: number): void {
    const parts = [...this.counts].sort(([a], [b]) => a.localeCompare(b));
    process.stdout.write(
      `\n${door}: ${inputs} hostile inputs tried — ${parts.map(([k, v]) => `${k}: ${v}`).join(', ')}\n\n`,
    );
  }
}

/** Tables whose rows a refused input must not add to (audit and rejection rows aside). */
export const STORED_TABLES = [
  'referrals',
  'referral_keys',
  'referral_changes',
  'referral_deadlines',
  'case_messages',
  'idempotency_keys',
  'outbox',
  'inbox',
] as const;

/** Row counts of {@link STORED_TABLES}. */
export async function rowCounts(db: DataSource): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of STORED_TABLES) {
    const rows = await db.query<{ n: string }[]>(`SELECT count(*) AS n FROM ${table}`);
    counts[table] = Number(rows[0]?.n ?? 0);
  }
  return counts;
}

/** Fails with the request that broke the rule, so fast-check can shrink and report it. */
export function check(condition: boolean, message: () => string): void {
  if (!condition) throw new Error(message());
}

const INTERNALS =
  /FST_ERR|\bat [\w.<>]+ \(|node_modules|Error: |QueryFailedError|syntax error at|violates|relation "/;

/** True when an error body reveals nothing of the hub's insides. */
export function revealsNothing(body: string): boolean {
  return !INTERNALS.test(body);
}
