/**
 * Every schema migration, oldest first. Add new ones at the end; never edit or reorder one
 * that has been released.
 */
import type { Migration } from './migration.js';
import { initial } from './0001-initial.js';
import { messageAuthors } from './0002-message-authors.js';
import { queueEntries } from './0003-queue-entries.js';
import { gatewayAccounts } from './0004-gateway-accounts.js';
import { roomArchive } from './0005-room-archive.js';
import { kvUpdatedAt } from './0006-kv-updated-at.js';

export type { Migration, MigrationContext } from './migration.js';

export const migrations: readonly Migration[] = [initial, messageAuthors, queueEntries, gatewayAccounts, roomArchive, kvUpdatedAt];
