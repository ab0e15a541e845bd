/**
 * The store the host opens: the shared `Store` contract plus what the hub itself needs.
 */
import type { RoomArchiveStore } from '../core/room-archive.js';
import type { GatewayAccountStore, Store } from '../core/store.js';
import type { MessageMapStore } from './message-map.js';
import type { AppliedMigration } from './migrate.js';

export interface HubStore extends Store {
  readonly kind: 'sqlite' | 'postgres';
  /** The relay's message id map. */
  readonly messages: MessageMapStore;
  /** The people registered with the gateway network whose namespace is `namespace`. */
  gatewayAccounts(namespace: string): GatewayAccountStore;
  /** The room archive of the gateway network whose namespace is `namespace`. */
  roomArchive(namespace: string): RoomArchiveStore;
  /** The applied schema migrations, oldest first (for `switchboard check` and diagnostics). */
  migrations(): Promise<AppliedMigration[]>;
}
