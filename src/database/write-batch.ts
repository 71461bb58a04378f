import type { Tx } from './transactions';

/**
 * The writes of one change, sent to PostgreSQL as one statement: each write becomes a
 * data-modifying CTE (`WITH w0 AS (INSERT …), w1 AS (UPDATE …) SELECT 1`), its `$n` placeholders
 * renumbered. A lifecycle step writes five to seven rows (change, audit entry, outbox event,
 * referral, deadlines); every statement costs a round trip and a socket write, which the
 * benchmark's profile found to be the hub's largest cost, so one change is one statement.
 *
 * The writes see the snapshot from before the statement and run in no defined order, so a batch
 * holds only writes that do not read each other's effects — except through a CTE's `RETURNING`
 * rows, by the name {@link add} returns — and at most one write per row. Foreign keys and
 * statement triggers are checked and fired when the statement ends, as for separate statements.
 */
export class WriteBatch {
  private readonly parts: { name: string; sql: string; params: readonly unknown[] }[] = [];

  /**
   * Adds one INSERT, UPDATE or DELETE (without a `WITH` of its own) with its `$1 … $n`; returns
   * the name under which a later write of the batch can read its `RETURNING` rows.
   */
  add(sql: string, params: readonly unknown[] = []): string {
    const name = `w${this.parts.length}`;
    this.parts.push({ name, sql, params });
    return name;
  }

  get size(): number {
    return this.parts.length;
  }

  /** Sends the writes gathered so far in `tx`, as one statement, and empties the batch. */
  async flush(tx: Tx): Promise<void> {
    const parts = this.parts.splice(0);
    if (parts.length === 0) return;
    const params: unknown[] = [];
    const ctes = parts.map((part) => {
      const offset = params.length;
      params.push(...part.params);
      const sql = part.sql.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + offset}`);
      return `${part.name} AS (${sql})`;
    });
    await tx.query(`WITH ${ctes.join(',\n')}\nSELECT 1`, params);
  }
}
