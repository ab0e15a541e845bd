/**
 * The open database as the store's parts share it: every query goes through `read`, `write`
 * or `run`, which refuse work after close and turn driver errors into StoreErrors that say
 * what failed. `read` and `write` take a compiled query (see QueryTemplate) and run it on the
 * dialect's {@link QueryRunner} (the fast path); `run` hands over the Kysely instance itself.
 */
import type { CompiledQuery, Kysely } from 'kysely';
import { StoreError, messageOf } from './errors.js';
import type { QueryRunner } from './query-runner.js';
import type { Database } from './schema.js';

/** The name of an operation for error messages, or a function making it (only called on error). */
export type Described = string | (() => string);

function describe(what: Described): string {
  return typeof what === 'string' ? what : what();
}

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

  /** Runs the read-only `query` (compiled, e.g. by a QueryTemplate); `what` names the operation in errors. */
  read<R>(what: Described, query: CompiledQuery<R>): Promise<readonly R[]> {
    return this.run(what, () => this.runner.read(query));
  }

  /**
   * Runs the change `query` and resolves once it is committed, with the rows it changed.
   * `key`: the write may be withdrawn with `withdraw(key)` until it runs.
   */
  write(what: Described, query: CompiledQuery, key?: string): Promise<number> {
    if (this.#closed) return Promise.reject(closedError(what));
    return new Promise((resolve, reject) => {
      this.runner.post(query, key, (error, changes) => (error === undefined ? resolve(changes) : reject(storeError(what, error))));
    });
  }

  /**
   * `write` for a caller that does not wait for it, without a promise (QueryRunner.post):
   * `done` is called once, never synchronously, when the change is committed (with the rows it
   * changed) or failed (with a StoreError naming `what`).
   */
  post(what: Described, query: CompiledQuery, key: string | undefined, done: StoreWriteDone): void {
    if (this.#closed) {
      queueMicrotask(() => done(closedError(what), 0));
      return;
    }
    this.runner.post(query, key, (error, changes) => done(error === undefined ? undefined : storeError(what, error), changes));
  }

  /**
   * Withdraws the write issued with `key` if it has not run yet (QueryRunner.withdraw); true
   * when it will never run. False after close and with runners that cannot withdraw.
   */
  withdraw(key: string): boolean {
    return !this.#closed && this.runner.withdraw?.(key) === true;
  }

  /** Runs `query` against the database; `what` names the operation in errors. */
  async run<T>(what: Described, query: (db: Kysely<Database>) => Promise<T>): Promise<T> {
    if (this.#closed) throw closedError(what);
    try {
      return await query(this.db);
    } catch (error) {
      throw storeError(what, error);
    }
  }
}

/** Called once a write issued with `StoreConnection.post` is committed (error undefined) or failed. */
export type StoreWriteDone = (error: StoreError | undefined, changes: number) => void;

function closedError(what: Described): StoreError {
  return new StoreError(`${describe(what)}: the store is closed`);
}

/** `error` as a StoreError naming the operation (a StoreError as it is). */
function storeError(what: Described, error: unknown): StoreError {
  if (error instanceof StoreError) return error;
  return new StoreError(`${describe(what)} failed: ${messageOf(error)}`, { cause: error });
}

/**
 * Checks a string that becomes a key in the database: PostgreSQL cannot store NUL, and a lone
 * UTF-16 surrogate cannot be encoded as UTF-8, so both are refused up front in every dialect.
 */
/** `checkText` options, shared (no object per call on the hot path). */
export const NOT_EMPTY = { allowEmpty: false } as const;
export const MAY_BE_EMPTY = { allowEmpty: true } as const;

export function checkText(what: string, value: unknown, options: { readonly allowEmpty: boolean }): string {
  if (typeof value !== 'string') throw new StoreError(`${what} must be a string, got ${typeof value}`);
  if (!options.allowEmpty && value === '') throw new StoreError(`${what} must not be empty`);
  if (value.includes('\0')) throw new StoreError(`${what} must not contain NUL characters: ${JSON.stringify(value)}`);
  if (!isWellFormed(value)) throw new StoreError(`${what} contains an unpaired UTF-16 surrogate: ${JSON.stringify(value)}`);
  return value;
}

/** No lone UTF-16 surrogate in `value` (ES2024 `String.prototype.isWellFormed`, in Node 20; not in the ES2023 lib's types). */
function isWellFormed(value: string): boolean {
  return (value as string & { isWellFormed(): boolean }).isWellFormed();
}
