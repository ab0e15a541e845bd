/**
 * The gateway's room archive (ADR 0010 "History"): one row per message (or correction,
 * retraction, reaction) a gateway room carried, per gateway namespace, person and room. `seq`
 * orders a room's archive (the gateway assigns it: milliseconds × 1000 plus a counter);
 * `stanza_id` is the XEP-0359 id the room gave the message, unique within the room.
 */
import type { Migration } from './migration.js';

export const roomArchive: Migration = {
  version: 5,
  name: 'room-archive',
  async up({ db, types }) {
    await db.schema
      .createTable('room_archive')
      .addColumn('namespace', types.orderedText, (c) => c.notNull())
      .addColumn('owner', types.orderedText, (c) => c.notNull())
      .addColumn('room', types.orderedText, (c) => c.notNull())
      .addColumn('seq', types.bigint, (c) => c.notNull())
      .addColumn('stanza_id', types.orderedText, (c) => c.notNull())
      .addColumn('at', types.bigint, (c) => c.notNull())
      .addColumn('nick', types.text, (c) => c.notNull())
      .addColumn('kind', types.text, (c) => c.notNull())
      .addColumn('body', types.text, (c) => c.notNull())
      .addColumn('action', types.integer, (c) => c.notNull())
      .addColumn('refers', types.text, (c) => c.notNull())
      .addPrimaryKeyConstraint('room_archive_pkey', ['namespace', 'owner', 'room', 'seq'])
      .execute();
    await db.schema.createIndex('room_archive_stanza_id').unique().on('room_archive').columns(['namespace', 'owner', 'room', 'stanza_id']).execute();
    await db.schema.createIndex('room_archive_at').on('room_archive').columns(['namespace', 'at']).execute();
  },
};
