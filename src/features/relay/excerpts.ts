/**
 * Recent messages' starts (author nick and text), for the quotes in reply, reaction and delete
 * fallbacks. Kept in storage, so quotes survive a restart, and pruned with the message map
 * (`retentionDays`); the most recent ones are also cached in memory.
 *
 * Storage keys (the relay's namespace): `excerpt/<network>/<message id>` holds the excerpt and
 * when it was taken; `excerpt-at/<15-digit ms>/<network>/<message id>` orders them by time for
 * pruning (an edit adds an entry and leaves the earlier one, which pruning skips over).
 */
import type { MessageLocation } from '../../store/message-map.js';
import type { KeyValueStore } from '../../core/store.js';
import type { Excerpt } from './jobs.js';

type Where = Pick<MessageLocation, 'network' | 'messageId'>;

interface StoredExcerpt extends Excerpt {
  /** When it was taken (ms since the epoch). */
  readonly at: number;
}

const BY_TIME = 'excerpt-at/';
const TIME_DIGITS = 15;

const id = (where: Where): string => `${encodeURIComponent(where.network)}/${encodeURIComponent(where.messageId)}`;

export class Excerpts {
  private readonly cache = new Map<string, Excerpt>();

  constructor(
    private readonly store: KeyValueStore,
    private readonly now: () => number = Date.now,
    private readonly cacheSize = 5_000,
  ) {}

  /**
   * Keeps (or replaces, after an edit) the excerpt of the message at `where`. It is in the
   * memory cache at once; the promise settles once it is stored. No read first: an edit leaves
   * the earlier time index entry behind, and `prune` tells such stale entries apart.
   */
  async remember(where: Where, excerpt: Excerpt): Promise<void> {
    const key = id(where);
    const at = this.now();
    this.cacheSet(key, excerpt);
    // Issued together, so that storage can commit them at once.
    await Promise.all([
      this.store.set(`excerpt/${key}`, { nick: excerpt.nick, text: excerpt.text, at } satisfies StoredExcerpt),
      this.store.set(timeKey(at, key), 1),
    ]);
  }

  /** The excerpt of the message at `where`, when it is known. */
  async get(where: Where): Promise<Excerpt | undefined> {
    const key = id(where);
    const cached = this.cache.get(key);
    if (cached) return cached;
    const stored = await this.store.get<StoredExcerpt>(`excerpt/${key}`);
    if (!stored) return undefined;
    const excerpt = { nick: stored.nick, text: stored.text };
    this.cacheSet(key, excerpt);
    return excerpt;
  }

  /** Forgets excerpts taken more than `olderThanMs` ago; returns how many. */
  async prune(olderThanMs: number): Promise<number> {
    const cutoff = this.now() - olderThanMs;
    let removed = 0;
    for (const indexKey of await this.store.keys(BY_TIME)) {
      const rest = indexKey.slice(BY_TIME.length);
      if (Number(rest.slice(0, TIME_DIGITS)) >= cutoff) break;
      const key = rest.slice(TIME_DIGITS + 1);
      await this.store.delete(indexKey);
      // An entry left behind by an edit points at an excerpt taken later: that one stays.
      const stored = await this.store.get<StoredExcerpt>(`excerpt/${key}`);
      if (!stored || stored.at >= cutoff) continue;
      await this.store.delete(`excerpt/${key}`);
      this.cache.delete(key);
      removed += 1;
    }
    return removed;
  }

  private cacheSet(key: string, excerpt: Excerpt): void {
    this.cache.delete(key);
    this.cache.set(key, excerpt);
    if (this.cache.size > this.cacheSize) {
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
  }
}

function timeKey(at: number, key: string): string {
  return `${BY_TIME}${String(at).padStart(TIME_DIGITS, '0')}/${key}`;
}
