import type { DataSource, QueryRunner } from 'typeorm';

/** A read of one lane: SQL and parameters in, rows out. */
export type LaneQuery = <Row>(sql: string, parameters?: readonly unknown[]) => Promise<Row[]>;

/** One lane of {@link readInOneSnapshot}: its reads, in order, on its own connection. */
export type Lane<T> = (query: LaneQuery) => Promise<T>;

const SNAPSHOT_ID = /^[0-9A-F]+(-[0-9A-F]+)+$/i;

/**
 * Runs `lanes` at the same time, each on its own connection, all reading the same snapshot: the
 * first lane's REPEATABLE READ, READ ONLY transaction exports it (`pg_export_snapshot()`) and the
 * others import it, as `pg_dump --jobs` does. So figures computed side by side are exactly as
 * consistent as one statement's, in the time of the slowest lane. `settings` (`SET LOCAL …`)
 * apply to every lane's transaction.
 *
 * This goes around the `Transactions` seam on purpose: the seam hands out one connection per unit
 * of work, and this needs several that read together. It takes `lanes.length` connections from
 * the pool for its duration; callers bound how many run at once.
 */
export async function readInOneSnapshot<T extends readonly unknown[]>(
  dataSource: DataSource,
  settings: readonly string[],
  lanes: { readonly [K in keyof T]: Lane<T[K]> },
): Promise<T> {
  const runners: QueryRunner[] = [];
  try {
    let snapshot: string | undefined;
    for (let i = 0; i < lanes.length; i++) {
      const runner = dataSource.createQueryRunner();
      runners.push(runner);
      await runner.connect();
      await runner.startTransaction('REPEATABLE READ');
      await runner.query('SET TRANSACTION READ ONLY');
      if (snapshot === undefined) {
        const [exported] = await dataSource.query<{ id: string }[]>(
          'SELECT pg_export_snapshot() AS id',
          [],
          runner,
        );
        if (!exported || !SNAPSHOT_ID.test(exported.id)) throw new Error('no snapshot exported');
        snapshot = exported.id;
      } else {
        // SET TRANSACTION SNAPSHOT takes no parameters; the id was checked above.
        await runner.query(`SET TRANSACTION SNAPSHOT '${snapshot}'`);
      }
      for (const setting of settings) await runner.query(setting);
    }
    const results = await Promise.all(
      lanes.map((lane: Lane<unknown>, i) => {
        const runner = runners[i];
        if (!runner) throw new Error(`no connection for lane ${i}`);
        return lane(<Row>(sql: string, parameters: readonly unknown[] = []) =>
          dataSource.query<Row[]>(sql, [...parameters], runner),
        );
      }),
    );
    for (const runner of runners) await runner.commitTransaction();
    return results as unknown as T;
  } finally {
    for (const runner of runners) {
      // A lane that failed leaves the transactions open: end them before the pool reuses them.
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      await runner.release();
    }
  }
}
