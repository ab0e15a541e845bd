/**
 * Storage: `openStore` and the types callers need.
 */
export { openStore, type OpenStoreOptions } from './open.js';
export { StoreError } from './errors.js';
export type { HubStore } from './hub-store.js';
export type { AppliedMigration } from './migrate.js';
export type { MessageCopy, MessageLocation, MessageMapStore, MessageMapping, SentMessage } from './message-map.js';
export type { KeyValueStore, Store } from '../core/store.js';
