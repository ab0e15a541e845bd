/**
 * An index on when key-value entries were last set, per namespace, so that a namespace's old
 * entries can be found and removed without reading the others (`KeyValueStore.deleteOlderThan`:
 * the relay prunes its quotes this way, with one entry per quote instead of an entry plus a
 * time-ordered index entry).
 */
import type { Migration } from './migration.js';

export const kvUpdatedAt: Migration = {
  version: 6,
  name: 'kv-updated-at',
  async up({ db }) {
    await db.schema.createIndex('kv_updated_at').on('kv').columns(['namespace', 'updated_at']).execute();
  },
};
