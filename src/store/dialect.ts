/**
 * Everything that differs between the SQL dialects we support, in one place. Migrations and
 * queries use only what is here plus Kysely's portable builders.
 */
import { sql, type ColumnDataType, type Expression, type Kysely } from 'kysely';

/** A column type as Kysely's schema builder takes it: a type name or a raw SQL fragment. */
export type DataTypeExpression = ColumnDataType | Expression<unknown>;

export type StoreKind = 'sqlite' | 'postgres';

/**
 * A Kysely instance over a schema the type system does not know, as migrations see it
 * (the schema changes from one migration to the next).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyKysely = Kysely<any>;

/** Column types the migrations use; each dialect maps them to its own SQL type. */
export interface ColumnTypes {
  /** Text compared and sorted by Unicode code point (byte order of UTF-8). */
  readonly orderedText: DataTypeExpression;
  /** Free text. */
  readonly text: DataTypeExpression;
  /** A 64-bit integer, e.g. milliseconds since the epoch; read back as a JS number. */
  readonly bigint: DataTypeExpression;
  /** A small integer, e.g. a 0/1 flag. */
  readonly integer: DataTypeExpression;
}

/** What the store needs to know about the dialect it runs on. */
export interface DialectSupport {
  readonly kind: StoreKind;
  readonly types: ColumnTypes;
  /**
   * Runs `work` (all of the migration step) while holding the lock that keeps two processes
   * sharing one database from migrating it at the same time.
   */
  withMigrationLock<T>(db: AnyKysely, work: (db: AnyKysely) => Promise<T>): Promise<T>;
  /** Called first inside every migration transaction. */
  beginMigration(trx: AnyKysely): Promise<void>;
  /** Called once before the connection is closed (SQLite checkpoints its WAL here). */
  beforeClose(db: AnyKysely): Promise<void>;
}

export const sqliteSupport: DialectSupport = {
  kind: 'sqlite',
  types: { orderedText: 'text', text: 'text', bigint: 'bigint', integer: 'integer' },
  withMigrationLock(db, work) {
    // SQLite locks per transaction: see beginMigration.
    return work(db);
  },
  async beginMigration(trx) {
    // A write as the first statement turns the deferred transaction into a write transaction
    // (busy_timeout applies), so the "already applied?" check that follows cannot go stale.
    await sql`update schema_migrations set version = version where 1 = 0`.execute(trx);
  },
  async beforeClose(db) {
    await sql`pragma wal_checkpoint(TRUNCATE)`.execute(db);
  },
};

/** An arbitrary constant naming Switchboard's migration lock among PostgreSQL advisory locks. */
const MIGRATION_LOCK_ID = 0x5377_6263; // "Swbc"

export const postgresSupport: DialectSupport = {
  kind: 'postgres',
  types: { orderedText: sql`text collate "C"`, text: 'text', bigint: 'bigint', integer: 'integer' },
  withMigrationLock(db, work) {
    // A session lock, so that even `create table if not exists schema_migrations` is serialised.
    return db.connection().execute(async (connection) => {
      await sql`select pg_advisory_lock(${MIGRATION_LOCK_ID})`.execute(connection);
      try {
        return await work(connection);
      } finally {
        await sql`select pg_advisory_unlock(${MIGRATION_LOCK_ID})`.execute(connection);
      }
    });
  },
  async beginMigration() {
    // The session lock taken by withMigrationLock covers every transaction.
  },
  async beforeClose() {
    // Nothing to do: PostgreSQL is durable on commit.
  },
};
