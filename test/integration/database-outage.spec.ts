import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { isDatabaseUnavailable, renderProblem } from '../../src/common/problem/render-problem';
import { databaseOptions } from '../../src/database/database-options';
import { Transactions } from '../../src/database/transactions';

describe('a transaction whose connection the server ends (a PostgreSQL restart)', () => {
  const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/referral_hub_test';
  const adminUrl = process.env.DATABASE_ADMIN_URL ?? url;
  let dataSource: DataSource;
  let admin: Client;

  beforeAll(async () => {
    dataSource = new DataSource(databaseOptions(url, 2));
    await dataSource.initialize();
    admin = new Client({ connectionString: adminUrl });
    await admin.connect();
  });

  afterAll(async () => {
    await admin?.end();
    await dataSource?.destroy();
  });

  it('fails with an error the hub reads as "database unavailable", answered 503', async () => {
    const transactions = new Transactions(dataSource);

    // Between two statements of the transaction the server terminates its session, as a
    // shutdown does (57P01); the driver hears it while idle and TypeORM releases the runner.
    const failure = await transactions
      .run(async (tx) => {
        const [me] = await tx.query<{ pid: number }[]>('SELECT pg_backend_pid() AS pid');
        await admin.query('SELECT pg_terminate_backend($1)', [me?.pid]);
        for (let waited = 0; !tx.queryRunner?.isReleased && waited < 5000; waited += 20) {
          await sleep(20);
        }
        expect(tx.queryRunner?.isReleased).toBe(true);
        await tx.query('SELECT 1');
      })
      .then(
        () => undefined,
        (error: unknown) => error,
      );

    expect(failure).toBeInstanceOf(Error);
    expect(isDatabaseUnavailable(failure)).toBe(true);
    expect(renderProblem(failure, {}).body.code).toBe('database-unavailable');
  });
});
