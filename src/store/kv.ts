/**
 * `Store.kv(namespace)`: JSON values under string keys, one namespace per module or network.
 */
import { MAY_BE_EMPTY, NOT_EMPTY, checkText, type StoreConnection } from './connection.js';
import { StoreError } from './errors.js';
import { toJson, type StoredJson } from './json-values.js';
import type { KvQueries } from './kv-queries.js';
import type { KeyValueStore } from '../core/store.js';

export class KyselyKeyValueStore implements KeyValueStore {
  readonly #namespace: string;

  constructor(
    private readonly connection: StoreConnection,
    private readonly queries: KvQueries,
    namespace: string,
    private readonly json: StoredJson,
  ) {
    this.#namespace = checkText('kv namespace', namespace, NOT_EMPTY);
  }

  async get<T = unknown>(key: string): Promise<T | undefined> {
    checkText('kv key', key, MAY_BE_EMPTY);
    const [row] = await this.connection.read(() => this.#describe('get', key), this.queries.get.bind({ namespace: this.#namespace, key }));
    if (!row) return undefined;
    return this.json.parse<T>(row.value, this.#valueId(key), { namespace: this.#namespace, key });
  }

  /** Issued at once, without an `async` wrapper: the relay calls it for every message (its quotes). */
  set(key: string, value: unknown): Promise<void> {
    let query;
    try {
      checkText('kv key', key, MAY_BE_EMPTY);
      const json = toJson(() => this.#describe('set', key), value);
      query = this.queries.set.bind({ namespace: this.#namespace, key, value: json, updatedAt: this.connection.now() });
    } catch (error) {
      return Promise.reject(error);
    }
    this.json.rewrittenLazy(() => this.#valueId(key));
    return this.connection.write(() => this.#describe('set', key), query) as Promise<unknown> as Promise<void>;
  }

  async delete(key: string): Promise<boolean> {
    checkText('kv key', key, MAY_BE_EMPTY);
    const deleted = await this.connection.write(() => this.#describe('delete', key), this.queries.delete.bind({ namespace: this.#namespace, key }));
    this.json.rewritten(this.#valueId(key));
    return deleted > 0;
  }

  async keys(prefix = ''): Promise<string[]> {
    checkText('kv key prefix', prefix, MAY_BE_EMPTY);
    const namespace = this.#namespace;
    const query = prefix === ''
      ? this.queries.keys.bind({ namespace })
      : this.queries.keysWithPrefix.bind({ namespace, prefix, prefixLength: [...prefix].length });
    const rows = await this.connection.read(`kv(${JSON.stringify(namespace)}).keys`, query);
    return rows.map((r) => r.key);
  }

  async deleteOlderThan(prefix: string, before: number): Promise<number> {
    checkText('kv key prefix', prefix, MAY_BE_EMPTY);
    if (!Number.isFinite(before)) throw new StoreError(`kv deleteOlderThan: before must be a number of milliseconds, got ${before}`);
    const namespace = this.#namespace;
    const query = this.queries.deleteOlderThan.bind({ namespace, prefix, prefixLength: [...prefix].length, before });
    return this.connection.write(() => `kv(${JSON.stringify(namespace)}).deleteOlderThan(${JSON.stringify(prefix)}, ${before})`, query);
  }

  #describe(operation: string, key: string): string {
    return `kv(${JSON.stringify(this.#namespace)}).${operation}(${JSON.stringify(key)})`;
  }

  #valueId(key: string): string {
    return `kv\0${this.#namespace}\0${key}`;
  }
}
