/**
 * `Store.queues(namespace)`: durable first-in-first-out queues in the `queue_entries` table.
 */
import { StoreError } from './errors.js';
import { NOT_EMPTY, checkText, type StoreConnection, type StoreWriteDone } from './connection.js';
import { toJson, type StoredJson } from './json-values.js';
import type { QueueQueries } from './queue-queries.js';
import type { QueuedEntry, QueueStore, WriteCallback } from '../core/store.js';

export class KyselyQueueStore implements QueueStore {
  readonly #namespace: string;

  constructor(
    private readonly connection: StoreConnection,
    private readonly queries: QueueQueries,
    namespace: string,
    private readonly json: StoredJson,
  ) {
    this.#namespace = checkText('queues namespace', namespace, NOT_EMPTY);
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
    checkText('queue name', queue, NOT_EMPTY);
    const rows = await this.connection.read(() => this.#describe('entries', queue), this.queries.entries.bind({ namespace: this.#namespace, queue }));
    return rows.map((row) => this.#entry<T>(row));
  }

  append(queue: string, seq: number, value: unknown): Promise<void> {
    return new Promise((resolve, reject) => this.appendThen(queue, seq, value, (error) => (error === undefined ? resolve() : reject(error))));
  }

  /** An entry whose append has not run yet is withdrawn instead: neither write happens. */
  remove(queue: string, seq: number): Promise<boolean> {
    return new Promise((resolve, reject) => this.#remove(queue, seq, (error, changes) => (error === undefined ? resolve(changes > 0) : reject(error))));
  }

  appendThen(queue: string, seq: number, value: unknown, done: WriteCallback): void {
    let query;
    try {
      checkText('queue name', queue, NOT_EMPTY);
      checkSeq(seq);
      const json = toJson(() => this.#describe('append', queue, seq), value);
      query = this.queries.append.bind({ namespace: this.#namespace, queue, seq, value: json, createdAt: this.connection.now() });
    } catch (error) {
      queueMicrotask(() => done(error as Error));
      return;
    }
    this.connection.post(() => this.#describe('append', queue, seq), query, this.#valueId(queue, seq), done);
  }

  removeThen(queue: string, seq: number, done: WriteCallback): void {
    this.#remove(queue, seq, done);
  }

  /** Removes (or withdraws) the entry; `done` gets the rows removed (1 for a withdrawn one). */
  #remove(queue: string, seq: number, done: StoreWriteDone): void {
    let query;
    try {
      checkText('queue name', queue, NOT_EMPTY);
      checkSeq(seq);
      if (this.connection.withdraw(this.#valueId(queue, seq))) {
        done(undefined, 1);
        return;
      }
      query = this.queries.remove.bind({ namespace: this.#namespace, queue, seq });
    } catch (error) {
      queueMicrotask(() => done(error as StoreError, 0));
      return;
    }
    this.json.rewrittenLazy(() => this.#valueId(queue, seq));
    this.connection.post(() => this.#describe('remove', queue, seq), query, undefined, done);
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

function checkSeq(seq: number): void {
  if (!Number.isSafeInteger(seq) || seq < 0) throw new StoreError(`queue seq must be a non-negative integer, got ${seq}`);
}
