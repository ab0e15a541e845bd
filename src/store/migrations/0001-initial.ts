/**
 * The initial schema: key-value namespaces and the relay's message id map.
 */
import type { Migration } from './migration.js';

export const initial: Migration = {
  version: 1,
  name: 'initial',
  async up({ db, types }) {
    await db.schema
      .createTable('kv')
      .addColumn('namespace', types.orderedText, (c) => c.notNull())
      .addColumn('key', types.orderedText, (c) => c.notNull())
      .addColumn('value', types.text, (c) => c.notNull())
      .addColumn('updated_at', types.bigint, (c) => c.notNull())
      .addPrimaryKeyConstraint('kv_pkey', ['namespace', 'key'])
      .execute();

    await db.schema
      .createTable('message_map')
      .addColumn('source_network', types.orderedText, (c) => c.notNull())
      .addColumn('source_channel', types.orderedText, (c) => c.notNull())
      .addColumn('source_message_id', types.orderedText, (c) => c.notNull())
      .addColumn('target_network', types.orderedText, (c) => c.notNull())
      .addColumn('target_channel', types.orderedText, (c) => c.notNull())
      .addColumn('target_message_id', types.orderedText, (c) => c.notNull())
      .addColumn('is_primary', types.integer, (c) => c.notNull())
      .addColumn('created_at', types.bigint, (c) => c.notNull())
      // A sent message has exactly one source: target -> source lookups use this key.
      .addPrimaryKeyConstraint('message_map_pkey', ['target_network', 'target_message_id', 'target_channel'])
      .execute();
    // source -> targets lookups.
    await db.schema
      .createIndex('message_map_source_idx')
      .on('message_map')
      .columns(['source_network', 'source_message_id'])
      .execute();
    // prune().
    await db.schema.createIndex('message_map_created_idx').on('message_map').column('created_at').execute();
  },
};
