import { DataSource } from 'typeorm';
import { databaseOptions } from '../../src/database/database-options';
import { dropDatabase, ensureDatabase } from '../../src/database/ensure-database';
import { Transactions } from '../../src/database/transactions';
import { scratchDatabaseUrl } from '../support/databases';

describe(Transactions.name, () => {
  const url = scratchDatabaseUrl('tx_isolation');
  let dataSource: DataSource;

  beforeAll(async () => {
    await ensureDatabase(url);
    // A server (here: a database) whose default is not READ COMMITTED.
    const name = new URL(url).pathname.slice(1);
    const admin = await new DataSource({ type: 'postgres', url }).initialize();
    await admin.query(
      `ALTER DATABASE ${name} SET default_transaction_isolation = 'repeatable read'`,
    );
    await admin.destroy();
    dataSource = await new DataSource(databaseOptions(url, 2)).initialize();
  });

  afterAll(async () => {
    await dataSource.destroy();
    await dropDatabase(url);
  });

  it('runs every transaction at READ COMMITTED whatever the server default', async () => {
    const level = await new Transactions(dataSource).run(async (tx) => {
      const rows = await tx.query<{ level: string }[]>(
        `SELECT current_setting('transaction_isolation') AS level`,
      );
      return rows[0]?.level;
    });
    expect(level).toBe('read committed');
  });
});
