import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { databaseOptions, MIGRATIONS_TABLE } from '../../src/database/database-options';
import { dropDatabase } from '../../src/database/ensure-database';
import { migrateDatabase } from '../../src/database/migrate';
import { MIGRATIONS } from '../../src/database/migrations';
import { scratchDatabaseUrl } from '../support/databases';

describe('database migrations', () => {
  const url = scratchDatabaseUrl('hub_migrations');

  afterAll(async () => {
    await dropDatabase(url);
  });

  it('create the database and apply every migration to it when it is empty', async () => {
    const report = await migrateDatabase(url);

    expect(report.createdDatabase).toBe(true);
    expect(report.applied).toEqual(MIGRATIONS.map((m) => m.name));
    const client = new Client({ connectionString: url });
    await client.connect();
    try {
      const tables = await client.query<{ table_name: string }>(
        `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1`,
      );
      expect(tables.rows.map((r) => r.table_name)).toEqual(
        expect.arrayContaining(['inbox', 'outbox', MIGRATIONS_TABLE]),
      );
      const recorded = await client.query<{ name: string }>(
        `SELECT name FROM ${MIGRATIONS_TABLE} ORDER BY id`,
      );
      expect(recorded.rows.map((r) => r.name)).toEqual(MIGRATIONS.map((m) => m.name));
    } finally {
      await client.end();
    }
  });

  it('do nothing the second time', async () => {
    const report = await migrateDatabase(url);

    expect(report).toEqual({ createdDatabase: false, applied: [] });
  });

  it('can be reverted one by one down to an empty schema', async () => {
    const dataSource = new DataSource(databaseOptions(url, 1));
    await dataSource.initialize();
    try {
      for (let i = 0; i < MIGRATIONS.length; i++) await dataSource.undoLastMigration();
      const tables = await dataSource.query<{ table_name: string }[]>(
        `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'`,
      );
      expect(tables.map((t) => t.table_name)).toEqual([MIGRATIONS_TABLE]);
    } finally {
      await dataSource.destroy();
    }
  });
});
