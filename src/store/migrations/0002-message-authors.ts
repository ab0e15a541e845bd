/**
 * The author of each source message in the message map, so that a correction or retraction
 * is applied only when its sender may (the relay's authority check, docs/bridges.md). Rows
 * recorded before this migration have an empty author: unknown.
 */
import type { Migration } from './migration.js';

export const messageAuthors: Migration = {
  version: 2,
  name: 'message-authors',
  async up({ db, types }) {
    await db.schema
      .alterTable('message_map')
      .addColumn('source_author', types.text, (c) => c.notNull().defaultTo(''))
      .execute();
  },
};
