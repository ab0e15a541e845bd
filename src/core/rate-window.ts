/**
 * A bounded per-key rate limit: at most `count` events per key within `windowMs`. Used against
 * loops (a service that kills a virtual client as soon as it comes back) and floods (private
 * messages relayed to remote people). Memory is bounded: at most `maxKeys` keys are kept; past
 * that the oldest key is forgotten.
 */
export class RateWindow {
  private readonly times = new Map<string, number[]>();

  constructor(private readonly count: number, private readonly windowMs: number, private readonly maxKeys = 10_000) {}

  /** Records an event for `key` at `now` (ms) and tells whether it is within the limit. */
  allow(key: string, now: number): boolean {
    const recent = (this.times.get(key) ?? []).filter((t) => now - t < this.windowMs);
    if (recent.length >= this.count) {
      this.times.set(key, recent);
      return false;
    }
    recent.push(now);
    this.times.delete(key);
    this.times.set(key, recent);
    if (this.times.size > this.maxKeys) {
      const oldest = this.times.keys().next().value;
      if (oldest !== undefined) this.times.delete(oldest);
    }
    return true;
  }
}
