/**
 * The contacts each person watches (subscribed to, or chatted with: the legacy network follows
 * their presence), kept in the gateway network's key-value store under `contacts:<jid>` so that
 * the next login (after a restart) watches them again. Bounded per person (the most recent
 * {@link MAX_WATCHED_CONTACTS}); removed on unregister. Nothing is cached: a write reads the list
 * again, and the writes of one person run one after the other.
 */
import type { Logger } from '../core/log.js';
import type { KeyValueStore } from '../core/store.js';
import { PersonLists } from './person-lists.js';

/** Most contacts kept per person (the oldest are forgotten first). */
export const MAX_WATCHED_CONTACTS = 500;
/** The longest contact key kept (characters). */
const MAX_KEY = 256;

function isKey(value: unknown): value is string {
  return typeof value === 'string' && value !== '' && value.length <= MAX_KEY;
}

export class WatchedContacts {
  readonly #lists: PersonLists<string>;

  constructor(store: KeyValueStore, log: Logger, max = MAX_WATCHED_CONTACTS) {
    this.#lists = new PersonLists(store, log, { prefix: 'contacts:', what: 'contacts', max, parse: (stored) => stored.filter(isKey) });
  }

  /** `jid`'s watched contact keys, oldest first (a damaged entry reads as none). Never rejects. */
  load(jid: string): Promise<string[]> {
    return this.#lists.load(jid);
  }

  /** Adds `key` to `jid`'s contacts (kept once; the oldest forgotten past the bound). Never rejects. */
  add(jid: string, key: string): Promise<void> {
    if (!isKey(key)) return Promise.resolve();
    return this.#lists.update(jid, (keys) => (keys.includes(key) ? undefined : [...keys, key]));
  }

  /** Drops `key` from `jid`'s contacts (they unsubscribed). Never rejects. */
  drop(jid: string, key: string): Promise<void> {
    return this.#lists.update(jid, (keys) => (keys.includes(key) ? keys.filter((k) => k !== key) : undefined));
  }

  /** Forgets `jid`'s contacts (unregister). Never rejects. */
  remove(jid: string): Promise<void> {
    return this.#lists.remove(jid);
  }

  /** Resolves once every write issued so far is done (before the store closes). */
  settled(): Promise<void> {
    return this.#lists.settled();
  }
}
