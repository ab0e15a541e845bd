/**
 * Opens a SQLite database file with better-sqlite3: checks the path first so that a bad path
 * is reported with its OS reason and a fix, makes it private to its owner (private-files.ts),
 * then sets the pragmas the hub relies on.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { Logger } from '../core/log.js';
import { StoreError, describeOsError } from './errors.js';
import { makeDatabasePrivate } from './private-files.js';
import type { Database } from './schema.js';

/** How long a statement waits for another connection's lock before failing. */
export const SQLITE_BUSY_TIMEOUT_MS = 5000;

/** WAL pages after which a commit checkpoints (SQLite's default: 1,000). */
const WAL_AUTOCHECKPOINT_PAGES = 10_000;

/** An open SQLite database: Kysely over it, and the better-sqlite3 handle for the fast paths. */
export interface OpenSqlite {
  readonly db: Kysely<Database>;
  readonly database: BetterSqlite3.Database;
}

/** Opens (creating if needed) the database at `path`; `:memory:` gives a private in-memory one. */
export function openSqlite(path: string, log: Logger): OpenSqlite {
  const file = path === ':memory:' ? path : resolve(path);
  if (file !== ':memory:') checkPath(file);
  let database: BetterSqlite3.Database | undefined;
  try {
    if (file !== ':memory:') makeDatabasePrivate(file, log);
    database = new BetterSqlite3(file);
    // Reading the journal mode also proves the file is a SQLite database (SQLITE_NOTADB otherwise).
    const mode = String(database.pragma('journal_mode = WAL', { simple: true }));
    if (mode !== 'wal' && file !== ':memory:') {
      log.warn({ path: file, journalMode: mode }, 'SQLite could not switch to WAL mode; concurrent reads will block writes');
    }
    database.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
    database.pragma('foreign_keys = ON');
    database.pragma('synchronous = NORMAL');
    // Checkpoint the WAL every WAL_AUTOCHECKPOINT_PAGES instead of SQLite's 1,000 pages: a page
    // the relay rewrites all the time (the queue, the newest message map rows) is then copied
    // to the database once per many commits rather than every few; the WAL file can reach
    // about 40 MB. close() truncates it.
    database.pragma(`wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_PAGES}`);
  } catch (error) {
    database?.close();
    throw cannotOpen(file, error);
  }
  return { db: new Kysely<Database>({ dialect: new SqliteDialect({ database }) }), database };
}

/** The directory must exist and be writable (SQLite also creates `-wal` and `-shm` files there). */
function checkPath(file: string): void {
  const directory = dirname(file);
  try {
    if (!statSync(directory).isDirectory()) {
      throw Object.assign(new Error(`${directory} is not a directory`), { code: 'ENOTDIR' });
    }
    accessSync(directory, constants.W_OK | constants.X_OK);
  } catch (error) {
    throw cannotOpen(file, error, directory);
  }
  let exists = true;
  try {
    statSync(file);
  } catch {
    exists = false;
  }
  if (!exists) return;
  try {
    if (!statSync(file).isFile()) throw Object.assign(new Error(`${file} is not a regular file`), { code: 'EISDIR' });
    accessSync(file, constants.R_OK | constants.W_OK);
  } catch (error) {
    throw cannotOpen(file, error);
  }
}

function cannotOpen(file: string, error: unknown, directory?: string): StoreError {
  const code = (error as { code?: unknown }).code;
  const where = directory ? ` (directory ${directory})` : '';
  return new StoreError(`storage.path: cannot open ${file}: ${describeOsError(error)}${where} — ${fixFor(code)}`, {
    cause: error,
  });
}

function fixFor(code: unknown): string {
  switch (code) {
    case 'ENOENT':
      return 'create the directory or choose another path';
    case 'ENOTDIR':
      return 'part of the path is a file, not a directory: choose another path';
    case 'EISDIR':
      return 'the path names a directory: add a file name, e.g. switchboard.db';
    case 'SQLITE_NOTADB':
      return 'the file is not a SQLite database: choose another path';
    case 'SQLITE_CORRUPT':
      return 'the database file is damaged: restore it from a backup';
    default:
      return 'choose a writable path or fix the directory permissions';
  }
}
