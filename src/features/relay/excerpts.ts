/**
 * Recent messages' starts (author nick and text), for the quotes in reply, reaction and delete
 * fallbacks. Kept in storage, so quotes survive a restart, and pruned with the message map
 * (`retentionDays`); the most recent ones are also cached in memory.
 *
 * Storage keys (the relay's namespace): `excerpt/<network>/<message id>` holds the excerpt and
 * when it was taken; one write per message. Pruning removes the entries last set before the
 * cutoff (`KeyValueStore.deleteOlderThan`, by the store's own time of each write), so an edit,
 * which sets the entry again, keeps it for another retention period. Builds before schema version
 * 6 also wrote a time index (`excerpt-at/<15-digit ms>/…`): its entries are pruned by age the same way.
 */
import type { MessageLocation } from '../../store/message-map.js';
import type { KeyValueStore } from '../../core/store.js';
import type { Excerpt } from './jobs.js';

type Where = Pick<MessageLocation, 'network' | 'messageId'>;

interface StoredExcerpt extends Excerpt {
  /** When it was taken (ms since the epoch). */
  readonly at: number;
}

const PREFIX = 'excerpt/';
/** The time index older versions wrote beside each excerpt (pruned by age, never written). */
const OLD_TIME_INDEX = 'excerpt-at/';

const id = (where: Where): string => `${encodeURIComponent(where.network)}/${encodeURIComponent(where.messageId)}`;

export class Excerpts {
  private readonly cache = new Map<string, StoredExcerpt>();

  constructor(
    private readonly store: KeyValueStore,
    private readonly now: () => number = Date.now,
    private readonly cacheSize = 5_000,
  ) {}

  /**
   * Keeps (or replaces, after an edit) the excerpt of the message at `where`. It is in the
   * memory cache at once; the promise settles once it is stored. No read first: the entry is
   * set, whether or not there was one.
   */
  remember(where: Where, excerpt: Excerpt): Promise<void> {
    const key = id(where);
    const stored: StoredExcerpt = { nick: excerpt.nick, text: excerpt.text, at: this.now() };
    this.cacheSet(key, stored);
    return this.store.set(PREFIX + key, stored);
  }

  /** The excerpt of the message at `where`, when it is known. */
  async get(where: Where): Promise<Excerpt | undefined> {
    const key = id(where);
    const cached = this.cache.get(key);
    if (cached) return { nick: cached.nick, text: cached.text };
    const stored = await this.store.get<StoredExcerpt>(PREFIX + key);
    if (!stored) return undefined;
    this.cacheSet(key, { nick: stored.nick, text: stored.text, at: stored.at });
    return { nick: stored.nick, text: stored.text };
  }

  /** Forgets excerpts taken (or last edited) more than `olderThanMs` ago; returns how many. */
  async prune(olderThanMs: number): Promise<number> {
    const cutoff = this.now() - olderThanMs;
    for (const [key, cached] of this.cache) {
      if (cached.at < cutoff) this.cache.delete(key);
    }
    const removed = await this.store.deleteOlderThan(PREFIX, cutoff);
    await this.store.deleteOlderThan(OLD_TIME_INDEX, cutoff);
    return removed;
  }

  private cacheSet(key: string, excerpt: StoredExcerpt): void {
    this.cache.delete(key);
    this.cache.set(key, excerpt);
    if (this.cache.size > this.cacheSize) {
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
  }
}
