import type { DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from './migrations';

/** Name of TypeORM's bookkeeping table of applied migrations. */
export const MIGRATIONS_TABLE = 'schema_migrations';

/**
 * TypeORM options of the hub. `synchronize` is off everywhere: the schema changes only through
 * migrations, run by `npm run migrate` (and by `infra:up` and the test command).
 */
export function databaseOptions(url: string, poolSize: number): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    synchronize: false,
    migrationsRun: false,
    migrations: MIGRATIONS,
    migrationsTableName: MIGRATIONS_TABLE,
    migrationsTransactionMode: 'each',
    entities: [],
    poolSize,
    applicationName: 'referral-hub',
    extra: {
      // Fail fast when PostgreSQL is down so requests get a 503 instead of hanging.
      connectionTimeoutMillis: 3000,
      idleTimeoutMillis: 30000,
      // Transactions rely on READ COMMITTED (see Transactions); fixed here, whatever the server's
      // default_transaction_isolation, so no transaction needs a SET TRANSACTION round trip.
      options: '-c default_transaction_isolation=read\\ committed',
    },
  };
}
