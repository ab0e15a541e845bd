/**
 * Prepared statements, kept: preparing costs about as much as running a small statement, and
 * the hub runs a handful of distinct ones (bench figures in docs/adr/0002-storage.md). Bounded
 * all the same (least recently used are dropped, by `lru-cache`) for callers that build SQL of
 * varying shapes.
 */
import type BetterSqlite3 from 'better-sqlite3';
import { LRUCache } from 'lru-cache';

/** Most prepared statements kept. */
export const STATEMENT_CACHE_SIZE = 200;

export class StatementCache {
  readonly #statements: LRUCache<string, BetterSqlite3.Statement>;

  constructor(private readonly database: BetterSqlite3.Database, size = STATEMENT_CACHE_SIZE) {
    this.#statements = new LRUCache({ max: size });
  }

  /** The prepared statement for `sql` (prepared on first use). */
  prepare(sql: string): BetterSqlite3.Statement {
    let statement = this.#statements.get(sql);
    if (!statement) {
      statement = this.database.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  }
}
