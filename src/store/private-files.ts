/**
 * The SQLite database holds message excerpts and network state: it and its side files
 * (`-wal`, `-shm`, `-journal`) are readable and writable by their owner only (0600).
 */
import { chmodSync, statSync, writeFileSync } from 'node:fs';
import type { Logger } from '../core/log.js';

/** The mode of the database and its side files. */
export const PRIVATE_FILE_MODE = 0o600;

/** The files SQLite keeps next to the database; it creates them with the database's mode. */
export const SQLITE_SIDE_SUFFIXES = ['-wal', '-shm', '-journal'] as const;

/**
 * Makes `file` private before SQLite opens it: creates it empty with mode 0600 when it does not
 * exist (SQLite takes an empty file for a new database and gives its side files the same
 * mode), and narrows an existing database or side file that others may read to 0600, logging
 * each change. A file the hub cannot chmod (owned by another user) is left as it is, with a
 * warning.
 */
export function makeDatabasePrivate(file: string, log: Logger): void {
  try {
    writeFileSync(file, '', { flag: 'wx', mode: PRIVATE_FILE_MODE });
  } catch (error) {
    if ((error as { code?: unknown }).code !== 'EEXIST') throw error;
  }
  for (const path of [file, ...SQLITE_SIDE_SUFFIXES.map((suffix) => `${file}${suffix}`)]) narrowMode(path, log);
}

function narrowMode(path: string, log: Logger): void {
  let mode: number;
  try {
    mode = statSync(path).mode & 0o777;
  } catch {
    return; // a side file that does not exist (yet)
  }
  if ((mode & ~PRIVATE_FILE_MODE) === 0) return;
  const was = `0${mode.toString(8)}`;
  try {
    chmodSync(path, mode & PRIVATE_FILE_MODE);
    log.warn({ path, was, now: `0${(mode & PRIVATE_FILE_MODE).toString(8)}` }, 'the database file was readable by others; narrowed it to its owner');
  } catch (error) {
    log.warn({ path, mode: was, err: error }, 'the database file is readable by others and could not be narrowed; chmod 600 it');
  }
}
