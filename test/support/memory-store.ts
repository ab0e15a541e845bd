/**
 * A KeyValueStore kept in memory, for tests that run a network adapter without a hub.
 */
import type { KeyValueStore } from '../../src/core/store.js';

export class MemoryStore implements KeyValueStore {
  /** Each value with when it was last set (`now()`). */
  private readonly data = new Map<string, { value: unknown; at: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  async get<T>(key: string): Promise<T | undefined> {
    return this.data.get(key)?.value as T | undefined;
  }

  async set(key: string, value: unknown): Promise<void> {
    this.data.set(key, { value, at: this.now() });
  }

  async delete(key: string): Promise<boolean> {
    return this.data.delete(key);
  }

  async keys(prefix = ''): Promise<string[]> {
    return [...this.data.keys()].filter((k) => k.startsWith(prefix)).sort();
  }

  async deleteOlderThan(prefix: string, before: number): Promise<number> {
    let removed = 0;
    for (const [key, { at }] of this.data) {
      if (key.startsWith(prefix) && at < before && this.data.delete(key)) removed += 1;
    }
    return removed;
  }
}
