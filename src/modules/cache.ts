/**
 * Cached functions for modules (`api.cached`, `api.invalidateCache`): results kept per
 * argument list, bounded in size (least recently used goes first, kept by lru-cache) and in age.
 */
import { LRUCache } from 'lru-cache';

export interface CacheOptions {
  /** Most entries kept; the least recently used is evicted beyond it. Default 1000. */
  readonly maxEntries?: number;
  /** How long a result stays valid, in milliseconds. Default: until evicted or invalidated. */
  readonly ttl?: number;
}

interface Entry {
  readonly value: Promise<unknown>;
  readonly expires: number;
}

/** Any async function (parameters typed `never` so that every async function fits). */
export type AnyAsyncFunction = (...args: never[]) => Promise<unknown>;

/** The cache of every function made by `cached`, keyed by the returned wrapper. */
const caches = new WeakMap<AnyAsyncFunction, FunctionCache>();

/** One function's results: lru-cache keeps the most recently used; expiry is checked here against `now`. */
class FunctionCache {
  private readonly entries: LRUCache<string, Entry>;

  constructor(
    maxEntries: number,
    private readonly ttl: number,
    private readonly now: () => number,
  ) {
    this.entries = new LRUCache({ max: maxEntries });
  }

  get(key: string, compute: () => Promise<unknown>): Promise<unknown> {
    const hit = this.entries.get(key);
    if (hit && hit.expires > this.now()) return hit.value;
    const value = compute();
    const entry = { value, expires: this.now() + this.ttl };
    this.entries.set(key, entry);
    // A failure is not remembered: the next call tries again.
    value.catch(() => {
      if (this.entries.peek(key) === entry) this.entries.delete(key);
    });
    return value;
  }

  invalidate(key: string): boolean {
    return this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }
}

/** The cache key of an argument list (JSON; arguments must be JSON-serialisable). */
export function cacheKey(args: readonly unknown[]): string {
  const key = JSON.stringify(args);
  if (key === undefined) throw new TypeError('cached functions take JSON-serialisable arguments');
  return key;
}

/**
 * Wraps an async function so that its results are cached per argument list. Calls made
 * while a result is pending share it; a rejection is not cached.
 */
export function cached<F extends AnyAsyncFunction>(fn: F, options: CacheOptions = {}, now: () => number = Date.now): F {
  const maxEntries = options.maxEntries ?? 1000;
  const ttl = options.ttl ?? Number.POSITIVE_INFINITY;
  if (!Number.isInteger(maxEntries) || maxEntries < 1) throw new RangeError(`cached: maxEntries must be an integer of at least 1, got ${String(maxEntries)}`);
  if (!(ttl > 0)) throw new RangeError(`cached: ttl must be a positive number of milliseconds, got ${String(ttl)}`);
  const cache = new FunctionCache(maxEntries, ttl, now);
  const wrapper = function (this: unknown, ...args: unknown[]) {
    return cache.get(cacheKey(args), () => Promise.resolve().then(() => fn.apply(this, args as never[])));
  } as unknown as F;
  caches.set(wrapper, cache);
  return wrapper;
}

/**
 * Forgets the cached result of `fn` (a function made by `cached`) for the argument list
 * `key`. Returns true when there was one. Throws when `fn` is not a cached function.
 */
export function invalidateCache(fn: AnyAsyncFunction, key: readonly unknown[]): boolean {
  const cache = caches.get(fn);
  if (!cache) throw new TypeError('invalidateCache: the function was not made by api.cached()');
  return cache.invalidate(cacheKey(key));
}

/** How many results `fn` holds (for tests and diagnostics). */
export function cacheSize(fn: AnyAsyncFunction): number {
  return caches.get(fn)?.size ?? 0;
}
