/**
 * How the store's queries reach the database. Queries are built with Kysely (portable SQL) and
 * handed over compiled; a runner decides how they run:
 *
 * - {@link KyselyQueryRunner} (PostgreSQL): through Kysely's driver, one query at a time.
 * - `SqliteQueryRunner` (sqlite-runner.ts): reads at once on kept prepared statements; writes
 *   grouped with the others made in the same turn of the event loop into one transaction.
 */
import type { CompiledQuery, Kysely, QueryResult } from 'kysely';
import type { Database } from './schema.js';

export interface QueryRunner {
  /** Runs a query that changes nothing and returns its rows. */
  read<R>(query: CompiledQuery<R>): Promise<readonly R[]>;
  /**
   * Runs a query that changes the database; resolves once the change is committed, with the
   * number of rows it changed.
   */
  write(query: CompiledQuery): Promise<number>;
  /** Runs what is still waiting to be written; later writes are refused. */
  close(): Promise<void>;
}

/** Runs every query through Kysely's own driver. */
export class KyselyQueryRunner implements QueryRunner {
  constructor(private readonly db: Kysely<Database>) {}

  async read<R>(query: CompiledQuery<R>): Promise<readonly R[]> {
    return (await this.db.executeQuery(query)).rows;
  }

  async write(query: CompiledQuery): Promise<number> {
    return affectedRows(await this.db.executeQuery(query));
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

function affectedRows(result: QueryResult<unknown>): number {
  return Number(result.numAffectedRows ?? 0n);
}
