/**
 * Connects to PostgreSQL with a pg pool and proves the connection works before migrating.
 */
import pg from 'pg';
import { Kysely, PostgresDialect, sql } from 'kysely';
import type { Logger } from '../core/log.js';
import { StoreError, describeOsError } from './errors.js';
import type { Database } from './schema.js';

const INT8_OID = 20;
const CONNECT_TIMEOUT_MS = 10_000;

/** Connects to `url`; rejects with a StoreError (URL without its password) when it cannot. */
export async function openPostgres(url: string, log: Logger): Promise<Kysely<Database>> {
  const shownUrl = redactUrl(url);
  const pool = new pg.Pool({
    connectionString: url,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    // Timestamps are bigint columns; they fit a JS number, so read them as one.
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === INT8_OID && format !== 'binary' ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  });
  // An idle connection that the server drops must not crash the process: the pool replaces it.
  pool.on('error', (error) => {
    log.warn({ url: shownUrl, reason: describeOsError(error) }, 'PostgreSQL connection lost; it will be replaced');
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  try {
    await sql`select 1`.execute(db);
  } catch (error) {
    await db.destroy().catch(() => undefined);
    throw new StoreError(
      `storage.url: cannot connect to ${shownUrl}: ${redactText(describeOsError(error), url)}` +
        ' — check that PostgreSQL is running, the URL is right and the user may connect',
      { cause: error },
    );
  }
  return db;
}

/** The URL with any password replaced by `***`, safe to log. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    for (const key of ['password', 'sslpassword']) {
      if (parsed.searchParams.has(key)) parsed.searchParams.set(key, '***');
    }
    return parsed.toString();
  } catch {
    return url.replace(/(\/\/[^:/@]*:)[^@]*@/, '$1***@').replace(/(password=)[^&\s]*/gi, '$1***');
  }
}

/** Removes the URL's password from a driver message, should the driver ever echo it. */
function redactText(text: string, url: string): string {
  const password = passwordOf(url);
  return password ? text.split(password).join('***') : text;
}

function passwordOf(url: string): string {
  try {
    return decodeURIComponent(new URL(url).password);
  } catch {
    return '';
  }
}
