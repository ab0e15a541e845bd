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
}

/** The hub's storage: opened once at start, closed at shutdown. */
export interface Store {
  /** The backend in use, e.g. `sqlite` or `postgres`. */
  readonly kind: string;
  /** The schema version after migrations. */
  schemaVersion(): Promise<number>;
  /** A key-value namespace (one per module, one per network, ...). */
  kv(namespace: string): KeyValueStore;
  close(): Promise<void>;
}
