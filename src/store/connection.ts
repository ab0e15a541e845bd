/**
 * The open database as the store's parts share it: every query goes through `read`, `write`
 * or `run`, which refuse work after close and turn driver errors into StoreErrors that say
 * what failed. `read` and `write` take a query built with Kysely and run it on the dialect's
 * {@link QueryRunner} (the fast path); `run` hands over the Kysely instance itself.
 */
import type { Compilable, Kysely } from 'kysely';
import { StoreError, messageOf } from './errors.js';
import type { QueryRunner } from './query-runner.js';
import type { Database } from './schema.js';

export class StoreConnection {
  #closed = false;

  constructor(
    readonly db: Kysely<Database>,
    private readonly runner: QueryRunner,
    /** The clock used for timestamps (injectable for tests). */
    readonly now: () => number,
  ) {}

  get closed(): boolean {
    return this.#closed;
  }

  /** Refuses further work; resolves once the writes already made are committed. */
  markClosed(): Promise<void> {
    this.#closed = true;
    return this.runner.close();
  }

  /** Runs the read-only `query`; `what` names the operation in errors. */
  read<R>(what: string, query: (db: Kysely<Database>) => Compilable<R>): Promise<readonly R[]> {
    return this.run(what, (db) => this.runner.read(query(db).compile()));
  }

  /** Runs the change `query` and resolves once it is committed, with the rows it changed. */
  write(what: string, query: (db: Kysely<Database>) => Compilable): Promise<number> {
    return this.run(what, (db) => this.runner.write(query(db).compile()));
  }

  /** Runs `query` against the database; `what` names the operation in errors. */
  async run<T>(what: string, query: (db: Kysely<Database>) => Promise<T>): Promise<T> {
    if (this.#closed) throw new StoreError(`${what}: the store is closed`);
    try {
      return await query(this.db);
    } catch (error) {
      if (error instanceof StoreError) throw error;
      throw new StoreError(`${what} failed: ${messageOf(error)}`, { cause: error });
    }
  }
}

/**
 * Checks a string that becomes a key in the database: PostgreSQL cannot store NUL, and a lone
 * UTF-16 surrogate cannot be encoded as UTF-8, so both are refused up front in every dialect.
 */
export function checkText(what: string, value: unknown, options: { allowEmpty: boolean }): string {
  if (typeof value !== 'string') throw new StoreError(`${what} must be a string, got ${typeof value}`);
  if (!options.allowEmpty && value === '') throw new StoreError(`${what} must not be empty`);
  if (value.includes('\0')) throw new StoreError(`${what} must not contain NUL characters: ${JSON.stringify(value)}`);
  if (/\p{Cs}/u.test(value)) throw new StoreError(`${what} contains an unpaired UTF-16 surrogate: ${JSON.stringify(value)}`);
  return value;
}
