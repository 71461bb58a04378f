import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '../config/app-config';
import { databaseOptions } from './database-options';
import { Transactions } from './transactions';

/** The application's PostgreSQL connection pool (TypeORM over pg). Never migrates by itself. */
@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        ...databaseOptions(config.env.DATABASE_URL, config.env.DATABASE_POOL_SIZE),
        // A hub that starts while PostgreSQL is down keeps trying for ~30 s, then exits so a
        // supervisor restarts it; once running, the pool reconnects by itself.
        retryAttempts: 10,
        retryDelay: 3000,
      }),
    }),
  ],
  providers: [Transactions],
  exports: [Transactions],
})
export class DatabaseModule {}
