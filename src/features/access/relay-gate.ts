/**
 * Access control's answer to the relay's `userMayRelay`: may what `user` did in `channel` be
 * relayed? In a secured channel only when the predicates allow the user there, whether or not
 * removing them worked (a denied user speaking before the kick lands, or on a network where
 * the bot cannot remove anyone, is not relayed). Decisions are cached per user and channel:
 * every verification (join, startup, reconnect, on demand) replaces the cached decisions it
 * made, and a cached decision is asked again after `ttlMs`.
 */
import type { ChannelRef, UserRef } from '../../core/refs.js';
import type { AccessOutcome } from './combine.js';
import { pairKey } from './keys.js';
import type { AccessPair } from '../../modules/access-predicate.js';

/** At most this many decisions are kept; the oldest go first. */
const MAX_ENTRIES = 10_000;

export interface RelayGateOptions {
  /** true when `channel` is secured (other channels are never gated). */
  readonly secures: (channel: ChannelRef) => boolean;
  /** Asks the predicates about one pair (reporting the outcomes back through `remember`). */
  readonly decide: (pair: AccessPair) => Promise<readonly AccessOutcome[]>;
  /** How long a decision is trusted, in milliseconds (0: every relayed item asks again). */
  readonly ttlMs: number;
  readonly now?: () => number;
}

interface Entry {
  readonly allowed: boolean | Promise<boolean>;
  readonly until: number;
}

export class RelayGate {
  private readonly cache = new Map<string, Entry>();
  private readonly now: () => number;

  constructor(private readonly options: RelayGateOptions) {
    this.now = options.now ?? Date.now;
  }

  /** true when what `user` did in `channel` may be relayed. Never throws. */
  mayRelay(user: UserRef, channel: ChannelRef): boolean | Promise<boolean> {
    if (!this.options.secures(channel)) return true;
    const key = pairKey({ channel, user });
    const cached = this.cache.get(key);
    if (cached !== undefined && cached.until > this.now()) return cached.allowed;
    const asked = this.options.decide({ channel, user }).then(
      (outcomes) => outcomes.find((o) => pairKey(o.pair) === key)?.allowed ?? true, // no outcome: excluded or our bot
      () => true, // decide never throws; a failing predicate already abstained
    );
    this.store(key, asked);
    return asked;
  }

  /** Keeps the decisions of a verification (replacing earlier ones for the same pairs). */
  remember(outcomes: readonly AccessOutcome[]): void {
    for (const outcome of outcomes) this.store(pairKey(outcome.pair), outcome.allowed);
  }

  /** How many decisions are cached (for tests and status). */
  get size(): number {
    return this.cache.size;
  }

  private store(key: string, allowed: boolean | Promise<boolean>): void {
    this.cache.delete(key);
    this.cache.set(key, { allowed, until: this.now() + this.options.ttlMs });
    if (this.cache.size > MAX_ENTRIES) this.cache.delete(this.cache.keys().next().value!);
  }
}
