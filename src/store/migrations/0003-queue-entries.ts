/**
 * The durable queues (`Store.queues()`) get a table of their own, and the relay's queued
 * deliveries move into it from the key-value table, where the relay kept them as
 * `queue/<network>/<channel>/<16-digit seq>` keys of its namespace. Nothing queued is dropped:
 * each such key becomes one entry of queue `<network>/<channel>` with the same seq, value and
 * time, in the same order; keys of any other shape are left where they are.
 */
import type { AnyKysely } from '../dialect.js';
import type { Migration } from './migration.js';

/** The relay module's key-value and queue namespace (`moduleNamespace('relay')`). */
const RELAY_NAMESPACE = 'module:relay';
const OLD_PREFIX = 'queue/';
/** `queue/<network>/<channel>/<seq>`: both names are URI-encoded, so neither holds a `/`. */
const OLD_KEY = /^queue\/([^/]+)\/([^/]+)\/(\d{16})$/;
/** Rows moved per statement. */
const BATCH = 500;

interface OldRow {
  key: string;
  value: string;
  updated_at: number;
}

export const queueEntries: Migration = {
  version: 3,
  name: 'queue-entries',
  async up({ db, types }) {
    await db.schema
      .createTable('queue_entries')
      .addColumn('namespace', types.orderedText, (c) => c.notNull())
      .addColumn('queue', types.orderedText, (c) => c.notNull())
      .addColumn('seq', types.bigint, (c) => c.notNull())
      .addColumn('value', types.text, (c) => c.notNull())
      .addColumn('created_at', types.bigint, (c) => c.notNull())
      .addPrimaryKeyConstraint('queue_entries_pkey', ['namespace', 'queue', 'seq'])
      .execute();
    await moveRelayQueues(db);
  },
};

/** Moves the relay's queued jobs from `kv` to `queue_entries`, a batch at a time, in key order. */
async function moveRelayQueues(db: AnyKysely): Promise<void> {
  let after = '';
  for (;;) {
    const rows = (await db
      .selectFrom('kv')
      .select(['key', 'value', 'updated_at'])
      .where('namespace', '=', RELAY_NAMESPACE)
      .where('key', '>=', OLD_PREFIX)
      .where('key', '>', after)
      .where((eb) => eb(eb.fn('substr', ['key', eb.val(1), eb.val(OLD_PREFIX.length)]), '=', OLD_PREFIX))
      .orderBy('key')
      .limit(BATCH)
      .execute()) as OldRow[];
    if (rows.length === 0) return;
    after = rows.at(-1)!.key;
    const entries = rows.flatMap((row) => {
      const parts = OLD_KEY.exec(row.key);
      if (!parts) return [];
      return [{
        namespace: RELAY_NAMESPACE,
        queue: `${parts[1]}/${parts[2]}`,
        seq: Number(parts[3]),
        value: row.value,
        created_at: Number(row.updated_at),
      }];
    });
    if (entries.length === 0) continue;
    await db.insertInto('queue_entries').values(entries).execute();
    await db
      .deleteFrom('kv')
      .where('namespace', '=', RELAY_NAMESPACE)
      .where('key', 'in', rows.filter((row) => OLD_KEY.test(row.key)).map((row) => row.key))
      .execute();
  }
}
