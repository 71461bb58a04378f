import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { loadEnv } from '../env';
import { databaseOptions } from './database-options';
import { ensureDatabase, redact } from './ensure-database';

/** Result of {@link migrateDatabase}: what was created and which migrations ran. */
export interface MigrationReport {
  createdDatabase: boolean;
  applied: string[];
}

/** Creates the database if needed and applies every pending migration, each in a transaction. */
export async function migrateDatabase(url: string): Promise<MigrationReport> {
  const createdDatabase = await ensureDatabase(url);
  const dataSource = new DataSource(databaseOptions(url, 1));
  await dataSource.initialize();
  try {
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return { createdDatabase, applied: applied.map((m) => m.name) };
  } finally {
    await dataSource.destroy();
  }
}

/** `npm run migrate`: migrates the database of `MIGRATION_DATABASE_URL` (the schema owner). */
async function main(): Promise<void> {
  const env = loadEnv();
  const report = await migrateDatabase(env.MIGRATION_DATABASE_URL);
  const target = redact(env.MIGRATION_DATABASE_URL);
  if (report.createdDatabase) console.log(`database: created ${target}`);
  console.log(
    report.applied.length > 0
      ? `database: applied ${report.applied.length} migration(s) to ${target}: ${report.applied.join(', ')}`
      : `database: ${target} is up to date`,
  );
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(`database: migration failed: ${(error as Error).message}`);
    process.exit(1);
  });
}
