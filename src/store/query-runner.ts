/**
 * How the store's queries reach the database. Queries are built with Kysely (portable SQL) and
 * handed over compiled; a runner decides how they run:
 *
 * - {@link KyselyQueryRunner} (PostgreSQL): through Kysely's driver; writes one after another.
 *
 * Either way writes take effect in the order they were issued, even when the caller does not
 * wait for one before issuing the next (the relay queues a delivery and may remove it before
 * the first write is committed).
 * - `SqliteQueryRunner` (sqlite-runner.ts): reads at once on kept prepared statements; writes
 *   grouped with the others made in the same turn of the event loop into one transaction.
 */
import type { CompiledQuery, Kysely, QueryResult } from 'kysely';
import type { Database } from './schema.js';

/**
 * Called once a write issued with `QueryRunner.post` has run: `error` undefined and the rows
 * it changed once it is committed (0 when it was withdrawn), or the error it failed with.
 */
export type WriteDone = (error: unknown, changes: number) => void;

export interface QueryRunner {
  /** Runs a query that changes nothing and returns its rows. */
  read<R>(query: CompiledQuery<R>): Promise<readonly R[]>;
  /**
   * Runs a query that changes the database; resolves once the change is committed, with the
   * number of rows it changed.
   */
  write(query: CompiledQuery, key?: string): Promise<number>;
  /**
   * `write` without a promise, for writes nobody awaits (the relay's queue entries and quotes):
   * `done` is called once, when the write is committed or failed (never synchronously). Same
   * order, grouping and withdrawal as `write`.
   */
  post(query: CompiledQuery, key: string | undefined, done: WriteDone): void;
  /**
   * Withdraws the write issued with `key` when it has not run yet: it never runs, and its
   * promise resolves with 0 rows. False when there is no such write waiting (it ran, or the
   * runner cannot withdraw writes). For a row inserted and deleted before either was committed
   * (a relay job delivered within the turn that queued it): nothing is written, which is what the
   * two writes committed together would leave.
   */
  withdraw?(key: string): boolean;
  /** Runs what is still waiting to be written; later writes are refused. */
  close(): Promise<void>;
}

/**
 * Runs every query through Kysely's own driver. Reads run at once (on any pooled connection);
 * writes are chained, each starting once the one before has finished, so a connection pool
 * cannot reorder them.
 */
export class KyselyQueryRunner implements QueryRunner {
  /** Settles when the last write issued so far has finished (never rejects). */
  private lastWrite: Promise<unknown> = Promise.resolve();

  constructor(private readonly db: Kysely<Database>) {}

  async read<R>(query: CompiledQuery<R>): Promise<readonly R[]> {
    return (await this.db.executeQuery(query)).rows;
  }

  write(query: CompiledQuery): Promise<number> {
    const result = this.lastWrite.then(() => this.db.executeQuery(query)).then(affectedRows);
    this.lastWrite = result.catch(() => undefined);
    return result;
  }

  post(query: CompiledQuery, _key: string | undefined, done: WriteDone): void {
    this.write(query).then((changes) => done(undefined, changes), (error: unknown) => done(error, 0));
  }

  async close(): Promise<void> {
    await this.lastWrite;
  }
}

function affectedRows(result: QueryResult<unknown>): number {
  return Number(result.numAffectedRows ?? 0n);
}
