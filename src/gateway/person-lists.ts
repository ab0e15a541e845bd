/**
 * A bounded list per person in the gateway network's key-value store under `<prefix><jid>`: read
 * again for every write (nothing cached), one person's writes run one after the other
 * (write-chain.ts), the newest `max` items kept, the entry deleted when the list is empty. The
 * base of the watched contacts and the kept rooms.
 */
import type { Logger } from '../core/log.js';
import type { KeyValueStore } from '../core/store.js';
import { WriteChain } from './write-chain.js';

export interface PersonListOptions<T> {
  /** The key prefix (`contacts:`). */
  readonly prefix: string;
  /** What the list holds, for the log ("contacts", "rooms"). */
  readonly what: string;
  /** Most items kept per person (the oldest go first). */
  readonly max: number;
  /** The valid items of a stored list, oldest first (damaged ones left out). */
  readonly parse: (stored: readonly unknown[]) => T[];
}

export class PersonLists<T> {
  readonly #writes: WriteChain;

  constructor(
    private readonly store: KeyValueStore,
    private readonly log: Logger,
    private readonly options: PersonListOptions<T>,
  ) {
    this.#writes = new WriteChain(log, `gateway: storing the ${options.what} failed`);
  }

  /** `jid`'s items, oldest first. Never rejects (a store that fails reads as none, logged). */
  async load(jid: string): Promise<T[]> {
    await this.#writes.pending(jid);
    return this.#read(jid).catch((error: unknown) => {
      this.log.warn({ user: jid, err: error }, `gateway: the stored ${this.options.what} cannot be read`);
      return [];
    });
  }

  /**
   * Changes `jid`'s list after their earlier writes: `change` gets the stored items and answers
   * the new list (undefined: nothing to write). Never rejects.
   */
  update(jid: string, change: (items: T[]) => T[] | undefined): Promise<void> {
    return this.#writes.run(jid, async () => {
      const next = change(await this.#read(jid));
      if (next === undefined) return;
      if (next.length === 0) await this.store.delete(this.options.prefix + jid);
      else await this.store.set(this.options.prefix + jid, next.slice(-this.options.max));
    });
  }

  /** Forgets `jid`'s list (unregister). Never rejects. */
  remove(jid: string): Promise<void> {
    return this.#writes.run(jid, async () => {
      await this.store.delete(this.options.prefix + jid);
    });
  }

  /** Resolves once every write issued so far is done (before the store closes). */
  settled(): Promise<void> {
    return this.#writes.settled();
  }

  async #read(jid: string): Promise<T[]> {
    const value = await this.store.get<unknown>(this.options.prefix + jid);
    if (value === undefined) return [];
    if (!Array.isArray(value)) {
      this.log.warn({ user: jid }, `gateway: the stored ${this.options.what} are not a list; ignored`);
      return [];
    }
    return this.options.parse(value).slice(-this.options.max);
  }
}
