/**
 * Logs a recurring problem once: the first occurrence of each key is logged with its context,
 * later ones are dropped (a flood of bad stanzas must not flood the log).
 */
import type { Logger } from '../core/log.js';
import { LRUCache } from 'lru-cache';

export class LogOnce {
  private readonly seen = new LRUCache<string, true>({ max: 1000 });

  constructor(private readonly logger: Logger) {}

  /** Logs at `level` unless `key` was logged before; returns true when it logged. */
  log(level: 'info' | 'warn' | 'error', key: string, context: object, message: string): boolean {
    if (this.seen.has(key)) return false;
    this.seen.set(key, true);
    this.logger[level](context, message);
    return true;
  }

  /** Forgets `key`, so its next occurrence is logged again (e.g. after a recovery). */
  forget(key: string): void {
    this.seen.delete(key);
  }
}
