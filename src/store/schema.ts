/**
 * The tables as the queries see them, after all migrations (see migrations/).
 */

/** `schema_migrations`: one row per applied migration. */
export interface SchemaMigrationsTable {
  version: number;
  name: string;
  /** Milliseconds since the epoch. */
  applied_at: number;
}

/** `kv`: the key-value namespaces behind `Store.kv()`. */
export interface KvTable {
  namespace: string;
  key: string;
  /** The value as JSON text. */
  value: string;
  updated_at: number;
}

/** `message_map`: one row per message the relay sent for a source message. */
export interface MessageMapTable {
  source_network: string;
  source_channel: string;
  source_message_id: string;
  target_network: string;
  target_channel: string;
  target_message_id: string;
  /** 1 for the main message sent for the source (e.g. the first part of a split), else 0. */
  is_primary: number;
  /** Who sent the source message (SentMessage.author); '' when unknown (recorded before migration 2). */
  source_author: string;
  created_at: number;
}

/** `queue_entries`: the entries of the durable queues behind `Store.queues()` (migration 3). */
export interface QueueEntriesTable {
  namespace: string;
  /** The queue's name within its namespace. */
  queue: string;
  /** The entry's position in its queue, assigned by the caller. */
  seq: number;
  /** The value as JSON text. */
  value: string;
  created_at: number;
}

/** `gateway_accounts`: the people registered with a gateway (migration 4). */
export interface GatewayAccountsTable {
  namespace: string;
  /** The registered bare JID. */
  jid: string;
  /** The legacy network's per-user data as JSON text. */
  data: string;
  /** The sealed credentials (the gateway seals them; the store never holds the key), '' for none. */
  sealed_secret: string;
  /** The preferences as JSON text. */
  preferences: string;
  registered_at: number;
  updated_at: number;
}

/** `room_archive`: what the gateway's rooms carried, per person and room (migration 5). */
export interface RoomArchiveTable {
  namespace: string;
  /** The bare JID of the person whose session saw it. */
  owner: string;
  /** The legacy room key. */
  room: string;
  /** The order within the room (ms × 1000 + a counter). */
  seq: number;
  /** The room's XEP-0359 stanza id. */
  stanza_id: string;
  /** Milliseconds since the epoch. */
  at: number;
  /** The sender's nick; '' for the room itself. */
  nick: string;
  /** 'message', 'correction', 'retraction' or 'reaction'. */
  kind: string;
  body: string;
  /** 1 for a /me action. */
  action: number;
  /** The stanza id a correction, retraction or reaction refers to; '' for a message. */
  refers: string;
}

export interface Database {
  schema_migrations: SchemaMigrationsTable;
  kv: KvTable;
  message_map: MessageMapTable;
  queue_entries: QueueEntriesTable;
  gateway_accounts: GatewayAccountsTable;
  room_archive: RoomArchiveTable;
}
