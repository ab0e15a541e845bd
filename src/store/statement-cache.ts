/**
 * Prepared statements, kept: preparing costs about as much as running a small statement, and
 * the hub runs a handful of distinct ones. Bounded all the same (least recently used are
 * dropped) for callers that build SQL of varying shapes.
 */
import type BetterSqlite3 from 'better-sqlite3';

/** Most prepared statements kept. */
export const STATEMENT_CACHE_SIZE = 200;

export class StatementCache {
  private readonly statements = new Map<string, BetterSqlite3.Statement>();

  constructor(private readonly database: BetterSqlite3.Database, private readonly size = STATEMENT_CACHE_SIZE) {}

  /** The prepared statement for `sql` (prepared on first use). */
  prepare(sql: string): BetterSqlite3.Statement {
    let statement = this.statements.get(sql);
    if (statement) {
      // Map order is insertion order: moving a hit to the end makes the first key the least recently used.
      this.statements.delete(sql);
    } else {
      statement = this.database.prepare(sql);
      if (this.statements.size >= this.size) this.statements.delete(this.statements.keys().next().value as string);
    }
    this.statements.set(sql, statement);
    return statement;
  }
}
