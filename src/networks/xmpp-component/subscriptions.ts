/**
 * Who subscribed to which puppet's presence (RFC 6121 §3): `subscriber` bare JID → puppet bare
 * JIDs, kept in the network's store (one key per pair, `sub <puppet> <subscriber>`: no JID holds a space) and in
 * memory. Bounded: at most `maxTotal` subscriptions and `maxPerSubscriber` per subscriber, so
 * that nobody can fill the store by subscribing to made-up people.
 */
import type { KeyValueStore } from '../../core/store.js';

const PREFIX = 'sub ';
const SEPARATOR = ' ';

/** Default limits. */
export const SUBSCRIPTION_LIMITS = { maxTotal: 100_000, maxPerSubscriber: 1000 } as const;

/** What {@link Subscriptions.add} did. */
export type AddOutcome = 'added' | 'present' | 'full';

export class Subscriptions {
  private readonly byPuppet = new Map<string, Set<string>>();
  private readonly perSubscriber = new Map<string, number>();
  private total = 0;
  private loading: Promise<void> | undefined;

  constructor(
    private readonly store: KeyValueStore,
    private readonly limits: { readonly maxTotal: number; readonly maxPerSubscriber: number } = SUBSCRIPTION_LIMITS,
  ) {}

  /** Reads the stored subscriptions (once; later calls wait for the same read). */
  load(): Promise<void> {
    if (this.loading === undefined) {
      const loading = this.store.keys(PREFIX).then((keys) => {
        for (const key of keys) {
          const [puppet, subscriber] = key.slice(PREFIX.length).split(SEPARATOR);
          if (puppet && subscriber && this.total < this.limits.maxTotal) this.note(puppet, subscriber);
        }
      });
      loading.catch(() => {
        if (this.loading === loading) this.loading = undefined; // the next call reads again
      });
      this.loading = loading;
    }
    return this.loading;
  }

  has(puppet: string, subscriber: string): boolean {
    return this.byPuppet.get(puppet)?.has(subscriber) === true;
  }

  /** The subscribers of `puppet` (bare JIDs). */
  subscribersOf(puppet: string): ReadonlySet<string> {
    return this.byPuppet.get(puppet) ?? EMPTY;
  }

  /** Every puppet with subscribers. */
  puppets(): IterableIterator<string> {
    return this.byPuppet.keys();
  }

  /** Adds (and stores) a subscription; `full` when a limit is reached. */
  async add(puppet: string, subscriber: string): Promise<AddOutcome> {
    await this.load();
    if (this.has(puppet, subscriber)) return 'present';
    if (puppet.includes(SEPARATOR) || subscriber.includes(SEPARATOR)) return 'full'; // no JID has one
    if (this.total >= this.limits.maxTotal || (this.perSubscriber.get(subscriber) ?? 0) >= this.limits.maxPerSubscriber) return 'full';
    this.note(puppet, subscriber);
    await this.store.set(`${PREFIX}${puppet}${SEPARATOR}${subscriber}`, 1);
    return 'added';
  }

  /** Removes a subscription; true when there was one. */
  async remove(puppet: string, subscriber: string): Promise<boolean> {
    await this.load();
    const set = this.byPuppet.get(puppet);
    if (set?.delete(subscriber) !== true) return false;
    if (set.size === 0) this.byPuppet.delete(puppet);
    this.total -= 1;
    const left = (this.perSubscriber.get(subscriber) ?? 1) - 1;
    if (left <= 0) this.perSubscriber.delete(subscriber);
    else this.perSubscriber.set(subscriber, left);
    await this.store.delete(`${PREFIX}${puppet}${SEPARATOR}${subscriber}`);
    return true;
  }

  private note(puppet: string, subscriber: string): void {
    let set = this.byPuppet.get(puppet);
    if (set === undefined) {
      set = new Set();
      this.byPuppet.set(puppet, set);
    }
    if (set.has(subscriber)) return;
    set.add(subscriber);
    this.total += 1;
    this.perSubscriber.set(subscriber, (this.perSubscriber.get(subscriber) ?? 0) + 1);
  }
}

const EMPTY: ReadonlySet<string> = new Set();
