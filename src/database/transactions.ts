import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

/** A unit of work's handle on the database: every query of one transaction goes through it. */
export type Tx = EntityManager;

/**
 * The transaction seam: services hand a callback and get all-or-nothing semantics, without
 * juggling query runners. READ COMMITTED plus explicit row locks (`FOR UPDATE`) where order matters.
 *
 * READ COMMITTED is the session default of every connection ({@link databaseOptions} sets it at
 * connect time), so a transaction costs one `START TRANSACTION`, not a second round trip for
 * `SET TRANSACTION ISOLATION LEVEL`: the benchmark showed each statement's round trip is what a
 * submission spends most of its time on.
 */
@Injectable()
export class Transactions {
  constructor(private readonly dataSource: DataSource) {}

  run<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /** A query outside any explicit transaction (reads). */
  query<T>(sql: string, parameters?: readonly unknown[]): Promise<T[]> {
    return this.dataSource.query<T[]>(sql, parameters as unknown[]);
  }
}
