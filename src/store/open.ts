/**
 * Opens the configured store: connects, runs pending migrations, and hands back a HubStore.
 */
import type { Kysely } from 'kysely';
import type { StorageConfig } from './config.js';
import type { Logger } from '../core/log.js';
import { postgresSupport, sqliteSupport, type DialectSupport } from './dialect.js';
import { StoreError, messageOf } from './errors.js';
import type { HubStore } from './hub-store.js';
import { migrate } from './migrate.js';
import { migrations as allMigrations, type Migration } from './migrations/index.js';
import type { Database } from './schema.js';
import { SqlStore } from './sql-store.js';
import { KyselyQueryRunner, type QueryRunner } from './query-runner.js';
import { SqliteQueryRunner } from './sqlite-runner.js';
import { StatementCache } from './statement-cache.js';

export interface OpenStoreOptions {
  /** The clock for stored timestamps; default `Date.now`. */
  readonly now?: () => number;
  /** The schema migrations to apply; default: all of Switchboard's. Tests add their own. */
  readonly migrations?: readonly Migration[];
}

/**
 * Opens the store described by `config` and brings its schema up to date.
 *
 * `log` should already carry the caller's context (the host passes a `component: store` child).
 *
 * Rejects with a {@link StoreError} whose message names the path or URL (never a password),
 * the reason and the fix when the database cannot be opened or migrated, or when it was
 * created by a newer Switchboard.
 */
export async function openStore(config: StorageConfig, log: Logger, options: OpenStoreOptions = {}): Promise<HubStore> {
  const now = options.now ?? Date.now;
  const { db, dialect, where, runner } = await connect(config, log);
  try {
    const applied = await migrate({ db, dialect, migrations: options.migrations ?? allMigrations, log, now });
    const store = new SqlStore(db, runner, dialect, log, now);
    log.info({ kind: dialect.kind, where, schemaVersion: await store.schemaVersion(), applied }, 'storage ready');
    return store;
  } catch (error) {
    await db.destroy().catch(() => undefined);
    if (error instanceof StoreError) throw new StoreError(`storage (${where}): ${error.message}`, { cause: error });
    throw new StoreError(`storage (${where}): cannot prepare the database: ${messageOf(error)}`, { cause: error });
  }
}

/** Loads only the driver the config names: never `pg` for SQLite, nor better-sqlite3 for PostgreSQL. */
async function connect(
  config: StorageConfig,
  log: Logger,
): Promise<{ db: Kysely<Database>; dialect: DialectSupport; where: string; runner: QueryRunner }> {
  switch (config.kind) {
    case 'sqlite': {
      const { openSqlite } = await import('./sqlite.js');
      const { db, database } = openSqlite(config.path, log);
      return { db, dialect: sqliteSupport, where: config.path, runner: new SqliteQueryRunner(database, new StatementCache(database)) };
    }
    case 'postgres': {
      const { openPostgres, redactUrl } = await import('./postgres.js');
      const db = await openPostgres(config.url, log);
      return { db, dialect: postgresSupport, where: redactUrl(config.url), runner: new KyselyQueryRunner(db) };
    }
    default:
      throw new StoreError(`storage.kind: unknown kind ${JSON.stringify((config as { kind: unknown }).kind)}; use sqlite or postgres`);
  }
}
