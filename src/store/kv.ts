/**
 * `Store.kv(namespace)`: JSON values under string keys, one namespace per module or network.
 */
import type { Logger } from '../core/log.js';
import { StoreError, messageOf } from './errors.js';
import { checkText, type StoreConnection } from './connection.js';
import type { KvQueries } from './kv-queries.js';
import type { KeyValueStore } from '../core/store.js';

/** Remembers which corrupt values were already logged, so each is logged once. */
export type CorruptValueLog = Set<string>;

export class KyselyKeyValueStore implements KeyValueStore {
  readonly #namespace: string;

  constructor(
    private readonly connection: StoreConnection,
    private readonly queries: KvQueries,
    namespace: string,
    private readonly log: Logger,
    private readonly reportedCorrupt: CorruptValueLog,
  ) {
    this.#namespace = checkText('kv namespace', namespace, { allowEmpty: false });
  }

  async get<T = unknown>(key: string): Promise<T | undefined> {
    checkText('kv key', key, { allowEmpty: true });
    const [row] = await this.connection.read(() => this.#describe('get', key), this.queries.get.bind({ namespace: this.#namespace, key }));
    if (!row) return undefined;
    try {
      return JSON.parse(row.value) as T;
    } catch (error) {
      this.#reportCorrupt(key, error);
      return undefined;
    }
  }

  async set(key: string, value: unknown): Promise<void> {
    checkText('kv key', key, { allowEmpty: true });
    const json = serialise(() => this.#describe('set', key), value);
    const updatedAt = this.connection.now();
    await this.connection.write(() => this.#describe('set', key), this.queries.set.bind({ namespace: this.#namespace, key, value: json, updatedAt }));
    this.reportedCorrupt.delete(this.#corruptId(key));
  }

  async delete(key: string): Promise<boolean> {
    checkText('kv key', key, { allowEmpty: true });
    const deleted = await this.connection.write(() => this.#describe('delete', key), this.queries.delete.bind({ namespace: this.#namespace, key }));
    this.reportedCorrupt.delete(this.#corruptId(key));
    return deleted > 0;
  }

  async keys(prefix = ''): Promise<string[]> {
    checkText('kv key prefix', prefix, { allowEmpty: true });
    const namespace = this.#namespace;
    const query = prefix === ''
      ? this.queries.keys.bind({ namespace })
      : this.queries.keysWithPrefix.bind({ namespace, prefix, prefixLength: [...prefix].length });
    const rows = await this.connection.read(`kv(${JSON.stringify(namespace)}).keys`, query);
    return rows.map((r) => r.key);
  }

  #describe(operation: string, key: string): string {
    return `kv(${JSON.stringify(this.#namespace)}).${operation}(${JSON.stringify(key)})`;
  }

  #corruptId(key: string): string {
    return `${this.#namespace}\0${key}`;
  }

  #reportCorrupt(key: string, error: unknown): void {
    const id = this.#corruptId(key);
    if (this.reportedCorrupt.has(id)) return;
    this.reportedCorrupt.add(id);
    this.log.warn(
      { namespace: this.#namespace, key, reason: messageOf(error) },
      'stored value is not valid JSON; treating it as missing until it is set again',
    );
  }
}

function serialise(what: () => string, value: unknown): string {
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch (error) {
    throw new StoreError(`${what()}: the value cannot be stored as JSON: ${messageOf(error)}`, { cause: error });
  }
  if (json === undefined) {
    throw new StoreError(`${what()}: the value cannot be stored as JSON (got ${typeof value}); use delete() to remove a key`);
  }
  return json;
}
