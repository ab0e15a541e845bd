/**
 * The contacts each person watches (subscribed to, or chatted with: the legacy network follows
 * their presence), kept in the gateway network's key-value store under `contacts:<jid>` so that
 * the next login (after a restart) watches them again. Bounded per person (the most recent
 * {@link MAX_WATCHED_CONTACTS}); removed on unregister. Nothing is cached: a write reads the list
 * again, and the writes of one person run one after the other.
 */
import type { Logger } from '../core/log.js';
import type { KeyValueStore } from '../core/store.js';
import { WriteChain } from './write-chain.js';

const PREFIX = 'contacts:';
/** Most contacts kept per person (the oldest are forgotten first). */
export const MAX_WATCHED_CONTACTS = 500;
/** The longest contact key kept (characters). */
const MAX_KEY = 256;

export class WatchedContacts {
  readonly #writes: WriteChain;

  constructor(
    private readonly store: KeyValueStore,
    private readonly log: Logger,
    private readonly max = MAX_WATCHED_CONTACTS,
  ) {
    this.#writes = new WriteChain(log, 'gateway: storing the watched contacts failed');
  }

  /** `jid`'s watched contact keys, oldest first (a damaged entry reads as none). */
  async load(jid: string): Promise<string[]> {
    await this.#writes.pending(jid);
    return this.#read(jid);
  }

  async #read(jid: string): Promise<string[]> {
    const value = await this.store.get<unknown>(PREFIX + jid);
    if (value === undefined) return [];
    if (!Array.isArray(value)) {
      this.log.warn({ user: jid }, 'gateway: the stored contacts are not a list; ignored');
      return [];
    }
    return value.filter((k): k is string => typeof k === 'string' && k !== '' && k.length <= MAX_KEY).slice(-this.max);
  }

  /** Adds `key` to `jid`'s contacts (kept once; the oldest forgotten past the bound). Never rejects. */
  add(jid: string, key: string): Promise<void> {
    if (key === '' || key.length > MAX_KEY) return Promise.resolve();
    return this.#writes.run(jid, async () => {
      const keys = await this.#read(jid);
      if (keys.includes(key)) return;
      await this.store.set(PREFIX + jid, [...keys, key].slice(-this.max));
    });
  }

  /** Drops `key` from `jid`'s contacts (they unsubscribed). Never rejects. */
  drop(jid: string, key: string): Promise<void> {
    return this.#writes.run(jid, async () => {
      const keys = await this.#read(jid);
      if (!keys.includes(key)) return;
      const rest = keys.filter((k) => k !== key);
      if (rest.length === 0) await this.store.delete(PREFIX + jid);
      else await this.store.set(PREFIX + jid, rest);
    });
  }

  /** Forgets `jid`'s contacts (unregister). Never rejects. */
  remove(jid: string): Promise<void> {
    return this.#writes.run(jid, async () => {
      await this.store.delete(PREFIX + jid);
    });
  }

  /** Resolves once every write issued so far is done (before the store closes). */
  settled(): Promise<void> {
    return this.#writes.settled();
  }
}
