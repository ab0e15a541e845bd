/**
 * XEP-0444 sends a user's whole reaction set for a message each time; the hub wants single
 * additions and removals. This remembers the last set per (conversation, message, user).
 */
import { LRUCache } from 'lru-cache';

/** What changed between a user's previous and new reaction set. */
export interface ReactionDiff {
  readonly added: readonly string[];
  readonly removed: readonly string[];
}

export class ReactionSets {
  private readonly sets: LRUCache<string, ReadonlySet<string>>;

  constructor(limit = 20_000) {
    // Bounded by count through `maxSize`: `max` would allocate all `limit` slots up front (message-ids.ts).
    this.sets = new LRUCache({ maxSize: limit, sizeCalculation: () => 1 });
  }

  /** The user's current reactions to a message. */
  get(scope: string, messageId: string, user: string): ReadonlySet<string> {
    return this.sets.get(this.key(scope, messageId, user)) ?? new Set();
  }

  /** Replaces the user's set and reports what was added and removed. */
  replace(scope: string, messageId: string, user: string, reactions: Iterable<string>): ReactionDiff {
    const before = this.get(scope, messageId, user);
    const after = new Set(reactions);
    this.sets.set(this.key(scope, messageId, user), after);
    return {
      added: [...after].filter((r) => !before.has(r)),
      removed: [...before].filter((r) => !after.has(r)),
    };
  }

  private key(scope: string, messageId: string, user: string): string {
    return `${scope}\u0000${messageId}\u0000${user}`;
  }
}
