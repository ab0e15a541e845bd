/**
 * Runs the schema migrations a database has not seen yet, each in its own transaction, and
 * records them in `schema_migrations`. A database migrated by a newer Switchboard is refused.
 */
import type { Kysely } from 'kysely';
import type { Logger } from '../core/log.js';
import type { DialectSupport } from './dialect.js';
import { StoreError, messageOf } from './errors.js';
import type { Migration } from './migrations/index.js';
import type { Database } from './schema.js';

/** One row of `schema_migrations`. */
export interface AppliedMigration {
  readonly version: number;
  readonly name: string;
  /** Milliseconds since the epoch. */
  readonly appliedAt: number;
}

export interface MigrateOptions {
  readonly db: Kysely<Database>;
  readonly dialect: DialectSupport;
  readonly migrations: readonly Migration[];
  readonly log: Logger;
  readonly now: () => number;
}

/** Brings the schema up to date; returns the versions it applied (empty when none were due). */
export async function migrate(options: MigrateOptions): Promise<number[]> {
  checkMigrationList(options.migrations);
  return options.dialect.withMigrationLock(options.db, (db) => migrateLocked({ ...options, db }));
}

async function migrateLocked(options: MigrateOptions): Promise<number[]> {
  const { db, dialect, migrations, log, now } = options;
  await db.schema
    .createTable('schema_migrations')
    .ifNotExists()
    .addColumn('version', dialect.types.integer, (c) => c.primaryKey())
    .addColumn('name', dialect.types.text, (c) => c.notNull())
    .addColumn('applied_at', dialect.types.bigint, (c) => c.notNull())
    .execute();

  const known = migrations.at(-1)?.version ?? 0;
  const current = await currentVersion(db);
  if (current > known) {
    throw new StoreError(
      `the database schema is at version ${current}, but this Switchboard only knows versions up to ${known}` +
        ' — it was used by a newer Switchboard: upgrade Switchboard, or point storage at another database',
    );
  }

  const applied: number[] = [];
  for (const migration of migrations) {
    if (migration.version <= current) continue;
    const ran = await db.transaction().execute(async (trx) => {
      await dialect.beginMigration(trx);
      // Another process sharing the database may have applied it while we waited for the lock.
      if ((await currentVersion(trx)) >= migration.version) return false;
      try {
        await migration.up({ db: trx, types: dialect.types, kind: dialect.kind });
      } catch (error) {
        throw new StoreError(
          `schema migration ${describe(migration)} failed and was rolled back: ${messageOf(error)}`,
          { cause: error },
        );
      }
      await trx
        .insertInto('schema_migrations')
        .values({ version: migration.version, name: migration.name, applied_at: now() })
        .execute();
      return true;
    });
    if (ran) {
      applied.push(migration.version);
      log.info({ version: migration.version, migration: migration.name }, 'applied schema migration');
    }
  }
  return applied;
}

/** The highest applied version, 0 for a new database. */
export async function currentVersion(db: Kysely<Database>): Promise<number> {
  const row = await db
    .selectFrom('schema_migrations')
    .select((eb) => eb.fn.max('version').as('version'))
    .executeTakeFirst();
  return Number(row?.version ?? 0);
}

/** Every applied migration, oldest first. */
export async function appliedMigrations(db: Kysely<Database>): Promise<AppliedMigration[]> {
  const rows = await db.selectFrom('schema_migrations').selectAll().orderBy('version').execute();
  return rows.map((r) => ({ version: Number(r.version), name: r.name, appliedAt: Number(r.applied_at) }));
}

/** A broken migration list is a programming error: fail loudly before touching the database. */
function checkMigrationList(migrations: readonly Migration[]): void {
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1) {
      throw new Error(`migration list is out of order: ${describe(migration)} is at position ${index + 1}`);
    }
  });
}

function describe(migration: Migration): string {
  return `${String(migration.version).padStart(4, '0')}-${migration.name}`;
}
