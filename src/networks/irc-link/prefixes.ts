/**
 * Prefix modes carried to virtual clients (PyLink): the prefix modes each remote person's
 * virtual client should hold per channel (what the relay asked through `puppetChange` kind
 * `prefix`), kept also while the client is not there yet (it gets them when it joins), and the
 * mode changes that bring a client from what it holds to what it should hold.
 */
import type { ModeChange } from '../../core/catalog.js';
import type { UserRef } from '../../core/refs.js';

/** Most (person, channel) entries kept; the oldest go first. */
const MAX_ENTRIES = 50_000;

/** The prefix mode letters wanted per remote person and channel (folded name). */
export class WantedPrefixes {
  private readonly wanted = new Map<string, readonly string[]>();

  private static key(remote: UserRef, folded: string): string {
    return `${remote.network}\u0000${remote.id}\u0000${folded}`;
  }

  /** What `remote`'s virtual client should hold in the channel (none when never said). */
  get(remote: UserRef, folded: string): readonly string[] {
    return this.wanted.get(WantedPrefixes.key(remote, folded)) ?? [];
  }

  set(remote: UserRef, folded: string, modes: readonly string[]): void {
    const key = WantedPrefixes.key(remote, folded);
    this.wanted.delete(key);
    if (modes.length === 0) return;
    this.wanted.set(key, [...new Set(modes)]);
    if (this.wanted.size > MAX_ENTRIES) this.wanted.delete(this.wanted.keys().next().value!);
  }

  /** Forgets `remote` in one channel (`folded`) or everywhere. */
  forget(remote: UserRef, folded?: string): void {
    if (folded !== undefined) {
      this.wanted.delete(WantedPrefixes.key(remote, folded));
      return;
    }
    const prefix = `${remote.network}\u0000${remote.id}\u0000`;
    for (const key of [...this.wanted.keys()]) if (key.startsWith(prefix)) this.wanted.delete(key);
  }

  /** Forgets every person of `network`. */
  forgetNetwork(network: string): void {
    const prefix = `${network}\u0000`;
    for (const key of [...this.wanted.keys()]) if (key.startsWith(prefix)) this.wanted.delete(key);
  }

  /** `before` (a person renamed to `after`, with a new id) keeps what they should hold. */
  rename(before: UserRef, after: UserRef): void {
    const prefix = `${before.network}\u0000${before.id}\u0000`;
    for (const [key, modes] of [...this.wanted]) {
      if (!key.startsWith(prefix)) continue;
      this.wanted.delete(key);
      this.set(after, key.slice(prefix.length), modes);
    }
  }

  get size(): number {
    return this.wanted.size;
  }
}

/**
 * The changes that take a member holding the prefix modes `held` from what the relay wanted
 * `before` to what it wants now (`wanted`), for member `nick` (only letters `isPrefix` accepts):
 * removals first (letters wanted before, held, and no longer wanted), then additions. Letters the
 * relay never asked for (given on the ircd by people there) are left alone.
 */
export function prefixChanges(held: ReadonlySet<string>, before: readonly string[], wanted: readonly string[], nick: string, isPrefix: (letter: string) => boolean): ModeChange[] {
  // The usual case (a virtual client joining where the relay wants no prefix): nothing to build.
  if (before.length === 0 && wanted.length === 0) return [];
  const target = new Set(wanted.filter(isPrefix));
  const removals = [...new Set(before)].filter((m) => isPrefix(m) && held.has(m) && !target.has(m)).map((m) => ({ mode: `-${m}`, arg: nick }));
  const additions = [...target].filter((m) => !held.has(m)).map((m) => ({ mode: `+${m}`, arg: nick }));
  return [...removals, ...additions];
}
