/**
 * Runs the store's queries on better-sqlite3 without Kysely's driver in between.
 *
 * Reads run at once on prepared statements that are kept. Writes are *group committed*: every
 * write made in one turn of the event loop joins one transaction, committed on the next
 * `setImmediate`; each write's promise (or `post` callback) settles only after that commit, so a
 * caller that awaited a write knows it is on disk (WAL, synchronous=NORMAL: survives a process kill). A SQLite
 * commit costs far more than a small insert, so a busy hub pays for one commit per turn
 * instead of one per write.
 *
 * A write issued with a key may be withdrawn until its group runs (`withdraw`): the relay's
 * queue removes a job it delivered within the turn that queued it, and neither the insert nor
 * the delete is written (group limits count withdrawn writes too: MAX_GROUP bounds the work).
 *
 * A write that fails (e.g. a constraint) fails alone: SQLite undoes just that statement and
 * the others of the group still commit. When the commit itself fails, every write of the group
 * fails with that error.
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { CompiledQuery } from 'kysely';
import type { QueryRunner, WriteDone } from './query-runner.js';
import { StoreError } from './errors.js';
import type { StatementCache } from './statement-cache.js';

/** A write waiting for its group: one object per write, no promise (see `post`). */
interface PendingWrite {
  readonly query: CompiledQuery;
  readonly done: WriteDone;
  /** Its key, when it may be withdrawn. */
  readonly key: string | undefined;
  /** Withdrawn before it ran: skipped (`done` was called with 0). */
  withdrawn: boolean;
  /** Set while its group runs: the rows it changed, or what it failed with. */
  changes: number;
  error: unknown;
}

/** Most writes in one transaction; more wait for the next one (keeps a turn's pause short). */
const MAX_GROUP = 2_000;

export class SqliteQueryRunner implements QueryRunner {
  private pending: PendingWrite[] = [];
  /** The waiting writes that have a key (see `withdraw`). */
  private readonly keyed = new Map<string, PendingWrite>();
  private scheduled = false;
  private closed = false;
  private readonly commitNext = (): void => {
    this.scheduled = false;
    this.commitGroup();
    if (this.pending.length > 0) this.schedule();
  };

  constructor(private readonly database: BetterSqlite3.Database, private readonly statements: StatementCache) {}

  read<R>(query: CompiledQuery<R>): Promise<readonly R[]> {
    try {
      return Promise.resolve(this.statements.prepare(query.sql).all(query.parameters) as R[]);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  write(query: CompiledQuery, key?: string): Promise<number> {
    return new Promise((resolve, reject) => {
      this.post(query, key, (error, changes) => (error === undefined ? resolve(changes) : reject(error)));
    });
  }

  post(query: CompiledQuery, key: string | undefined, done: WriteDone): void {
    if (this.closed) {
      queueMicrotask(() => done(new StoreError('the store is closed'), 0));
      return;
    }
    const write: PendingWrite = { query, done, key, withdrawn: false, changes: 0, error: undefined };
    this.pending.push(write);
    if (key !== undefined) this.keyed.set(key, write);
    this.schedule();
  }

  /**
   * Withdraws a waiting write by its key (QueryRunner.withdraw): it is skipped when its group
   * runs, and its `done` is called at once with 0 rows.
   */
  withdraw(key: string): boolean {
    const write = this.keyed.get(key);
    if (write === undefined) return false;
    this.keyed.delete(key);
    write.withdrawn = true;
    settle(write, undefined, 0);
    return true;
  }

  close(): Promise<void> {
    this.closed = true;
    while (this.pending.length > 0) this.commitGroup();
    return Promise.resolve();
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(this.commitNext);
  }

  /** Runs up to MAX_GROUP waiting writes in one transaction and reports each one's outcome. */
  private commitGroup(): void {
    const taken = this.pending.length <= MAX_GROUP ? this.pending : this.pending.slice(0, MAX_GROUP);
    this.pending = this.pending.length <= MAX_GROUP ? [] : this.pending.slice(MAX_GROUP);
    const group: PendingWrite[] = [];
    for (const write of taken) {
      if (write.withdrawn) continue;
      if (write.key !== undefined) this.keyed.delete(write.key);
      group.push(write);
    }
    if (group.length === 0) return;
    try {
      this.database.exec('BEGIN IMMEDIATE');
    } catch (error) {
      for (const write of group) settle(write, error, 0);
      return;
    }
    for (const write of group) {
      try {
        write.changes = this.statements.prepare(write.query.sql).run(write.query.parameters).changes;
      } catch (error) {
        if (!this.database.inTransaction) {
          // Some errors (disk full, I/O) roll back the whole transaction: the group failed.
          for (const failed of group) settle(failed, error, 0);
          return;
        }
        write.error = error ?? new StoreError('the statement failed');
      }
    }
    try {
      this.database.exec('COMMIT');
    } catch (error) {
      try {
        if (this.database.inTransaction) this.database.exec('ROLLBACK');
      } catch {
        // The connection is in trouble; the writes fail with the commit's error either way.
      }
      for (const write of group) settle(write, error, 0);
      return;
    }
    for (const write of group) settle(write, write.error, write.changes);
  }
}

/**
 * Calls a write's `done`; one that throws cannot keep the others of its group from theirs (it
 * is rethrown on its own, as an uncaught error, as a throwing promise callback would be).
 */
function settle(write: PendingWrite, error: unknown, changes: number): void {
  try {
    write.done(error, changes);
  } catch (thrown) {
    queueMicrotask(() => {
      throw thrown;
    });
  }
}
