/**
 * The storage interfaces networks, modules and features use (src/store/ implements them; no SQL
 * lives outside src/store/).
 */

/** A namespaced key-value store; values are JSON-serialisable. */
export interface KeyValueStore {
  get<T = unknown>(key: string): Promise<T | undefined>;
  set(key: string, value: unknown): Promise<void>;
  delete(key: string): Promise<boolean>;
  /** Keys in this namespace starting with `prefix`, sorted. */
  keys(prefix?: string): Promise<string[]>;
  /**
   * Removes the entries whose key starts with `prefix` and that were last set before `before`
   * (ms since the epoch, the store's clock); returns how many. For pruning by age without a
   * time index of one's own.
   */
  deleteOlderThan(prefix: string, before: number): Promise<number>;
}

/** Called once a write issued without a promise has been committed (`error` undefined) or failed. */
export type WriteCallback = (error: Error | undefined) => void;

/** One entry of a durable queue (see {@link QueueStore}). */
export interface QueuedEntry<T = unknown> {
  /** Its position in its queue: entries are kept and listed by ascending `seq`. */
  readonly seq: number;
  /** The stored value; undefined when it is not valid JSON (damaged; logged once, and left in place). */
  readonly value: T | undefined;
}

/**
 * Durable first-in-first-out queues in one namespace, each named by a string. The caller
 * numbers the entries (`seq`, ascending within a queue) so that it can append without waiting
 * for storage; values are JSON-serialisable. Writes take effect in the order they were issued.
 */
export interface QueueStore {
  /**
   * Every non-empty queue of the namespace with its entries in order, in one read (for a
   * start).
   */
  all<T = unknown>(): Promise<Map<string, Array<QueuedEntry<T>>>>;
  /** The entries of `queue`, in order. */
  entries<T = unknown>(queue: string): Promise<Array<QueuedEntry<T>>>;
  /** Stores `value` as entry `seq` of `queue`; rejects when that entry exists. */
  append(queue: string, seq: number, value: unknown): Promise<void>;
  /**
   * Removes entry `seq` of `queue`; true when it was there. An entry whose append is not
   * committed yet may never be written (as if both were committed together).
   */
  remove(queue: string, seq: number): Promise<boolean>;
  /**
   * `append` without a promise, for a caller that does not wait for it (the relay, once per
   * delivery): `done` is called once, when the entry is committed or the write failed (a
   * refused name, seq or value too, never synchronously). Same order as every other write.
   */
  appendThen(queue: string, seq: number, value: unknown, done: WriteCallback): void;
  /**
   * `remove` without a promise (see `appendThen`); `done` is called at once when the removal
   * withdrew an entry whose append had not run yet.
   */
  removeThen(queue: string, seq: number, done: WriteCallback): void;
}

/** The hub's storage: opened once at start, closed at shutdown. */
export interface Store {
  /** The backend in use, e.g. `sqlite` or `postgres`. */
  readonly kind: string;
  /** The schema version after migrations. */
  schemaVersion(): Promise<number>;
  /** A key-value namespace (one per module, one per network, ...). */
  kv(namespace: string): KeyValueStore;
  /** The durable queues of a namespace (one per module). */
  queues(namespace: string): QueueStore;
  close(): Promise<void>;
}

/**
 * One person registered with a gateway (docs/gateway.md): their bare JID, what the legacy
 * network returned at registration (non-secret: a nick, a server name), their credentials as a
 * sealed box (never plain text: the store never sees the key) and their preferences.
 */
export interface GatewayAccount {
  /** The registered bare JID, as the gateway normalised it. */
  readonly jid: string;
  /** The legacy network's per-user data (JSON-serialisable). */
  readonly data: Readonly<Record<string, unknown>>;
  /** The legacy credentials, sealed by the gateway (AES-256-GCM); '' when there are none. */
  readonly sealedSecret: string;
  /** The person's gateway preferences (JSON-serialisable). */
  readonly preferences: Readonly<Record<string, unknown>>;
  /** When they registered (ms since the epoch). */
  readonly registeredAt: number;
}

/** The registered people of one gateway (one namespace per gateway network). */
export interface GatewayAccountStore {
  get(jid: string): Promise<GatewayAccount | undefined>;
  /** Every account, by JID. */
  all(): Promise<GatewayAccount[]>;
  /** Creates or replaces the account of `account.jid`. */
  put(account: GatewayAccount): Promise<void>;
  /** Removes the account and everything stored with it; true when it was there. */
  remove(jid: string): Promise<boolean>;
}
