/**
 * The channels whose member list (NAMES, ending with 366) is still arriving after our JOIN. The
 * adapter waits for them before it reports its (re)connect done (ENDBURST), so that whoever asks
 * who is in a channel then (the relay showing the people present on other networks) gets the
 * whole list, as a server link's burst gives it. Bounded: a server that never ends a list does
 * not hold the connect up for longer than the wait given.
 */
export class NamesPending {
  private readonly pending = new Set<string>();
  private waiters: Array<() => void> = [];

  /** @param fold the server's casemapping (a channel's name may come back in another case). */
  constructor(private readonly fold: (channel: string) => string) {}

  /** We joined `channel`: its member list follows. */
  joined(channel: string): void {
    this.pending.add(this.fold(channel));
  }

  /** The list of `channel` ended (366), or the channel is no longer ours. */
  ended(channel: string): void {
    if (!this.pending.delete(this.fold(channel)) || this.pending.size > 0) return;
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  /** Forgets every pending list (the connection ended), waking whoever waits. */
  clear(): void {
    this.pending.clear();
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  /** Resolves when no list is pending, or after `timeoutMs`. Never rejects. */
  settled(timeoutMs: number): Promise<void> {
    if (this.pending.size === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, timeoutMs);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.waiters.push(done);
    });
  }
}
