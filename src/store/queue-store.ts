/**
 * `Store.queues(namespace)`: durable first-in-first-out queues in the `queue_entries` table.
 */
import { StoreError } from './errors.js';
import { checkText, type StoreConnection } from './connection.js';
import { toJson, type StoredJson } from './json-values.js';
import type { QueueQueries } from './queue-queries.js';
import type { QueuedEntry, QueueStore } from '../core/store.js';

export class KyselyQueueStore implements QueueStore {
  readonly #namespace: string;

  constructor(
    private readonly connection: StoreConnection,
    private readonly queries: QueueQueries,
    namespace: string,
    private readonly json: StoredJson,
  ) {
    this.#namespace = checkText('queues namespace', namespace, { allowEmpty: false });
  }

  async all<T = unknown>(): Promise<Map<string, Array<QueuedEntry<T>>>> {
    const rows = await this.connection.read(`queues(${JSON.stringify(this.#namespace)}).all`, this.queries.all.bind({ namespace: this.#namespace }));
    const queues = new Map<string, Array<QueuedEntry<T>>>();
    for (const row of rows) {
      const entry = this.#entry<T>(row);
      const queue = queues.get(row.queue);
      if (queue) queue.push(entry);
      else queues.set(row.queue, [entry]);
    }
    return queues;
  }

  async entries<T = unknown>(queue: string): Promise<Array<QueuedEntry<T>>> {
    checkText('queue name', queue, { allowEmpty: false });
    const rows = await this.connection.read(() => this.#describe('entries', queue), this.queries.entries.bind({ namespace: this.#namespace, queue }));
    return rows.map((row) => this.#entry<T>(row));
  }

  /** Issued at once, without an `async` wrapper: the relay calls it for every delivery. */
  append(queue: string, seq: number, value: unknown): Promise<void> {
    let query;
    try {
      checkText('queue name', queue, { allowEmpty: false });
      checkSeq(seq);
      const json = toJson(() => this.#describe('append', queue, seq), value);
      query = this.queries.append.bind({ namespace: this.#namespace, queue, seq, value: json, createdAt: this.connection.now() });
    } catch (error) {
      return Promise.reject(error);
    }
    return this.connection.write(() => this.#describe('append', queue, seq), query, this.#valueId(queue, seq)) as Promise<unknown> as Promise<void>;
  }

  /** An entry whose append has not run yet is withdrawn instead: neither write happens. */
  remove(queue: string, seq: number): Promise<boolean> {
    let query;
    try {
      checkText('queue name', queue, { allowEmpty: false });
      checkSeq(seq);
      if (this.connection.withdraw(this.#valueId(queue, seq))) return Promise.resolve(true);
      query = this.queries.remove.bind({ namespace: this.#namespace, queue, seq });
    } catch (error) {
      return Promise.reject(error);
    }
    this.json.rewrittenLazy(() => this.#valueId(queue, seq));
    return this.connection.write(() => this.#describe('remove', queue, seq), query).then(isPositive);
  }

  #entry<T>(row: { queue: string; seq: number; value: string }): QueuedEntry<T> {
    const seq = Number(row.seq);
    return { seq, value: this.json.parse<T>(row.value, this.#valueId(row.queue, seq), { namespace: this.#namespace, queue: row.queue, seq }) };
  }

  #describe(operation: string, queue: string, seq?: number): string {
    return `queues(${JSON.stringify(this.#namespace)}).${operation}(${JSON.stringify(queue)}${seq === undefined ? '' : `, ${seq}`})`;
  }

  #valueId(queue: string, seq: number): string {
    return `queue\0${this.#namespace}\0${queue}\0${seq}`;
  }
}

function isPositive(count: number): boolean {
  return count > 0;
}

function checkSeq(seq: number): void {
  if (!Number.isSafeInteger(seq) || seq < 0) throw new StoreError(`queue seq must be a non-negative integer, got ${seq}`);
}
