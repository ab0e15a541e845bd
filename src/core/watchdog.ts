/**
 * Time limits for many waits with one timer.
 */

interface Waiting {
  /** performance.now() past which the wait has overrun. */
  readonly overrunAt: number;
  expire(): void;
}

/**
 * `within(work)` settles like `work`, or with `onTimeout` once `work` has run past `limitMs`.
 * One timer checks every wait at a coarse tick (a quarter of the limit, at most 1 s), so a wait
 * is given up between `limitMs` and `limitMs` + a tick; the timer keeps the process alive only
 * while something waits, and is not set again once nothing does. For waits that are many and short (the dispatcher
 * waits for every listener that returns a promise): a timer per wait cost more than most
 * listeners (~30 µs per wait, setTimeout's list insertion, in the server-link profile).
 */
export class Watchdog<F> {
  private readonly waiting = new Set<Waiting>();
  private timer: NodeJS.Timeout | undefined;
  private readonly tickMs: number;

  constructor(private readonly limitMs: number, private readonly onTimeout: F) {
    this.tickMs = Math.max(1, Math.min(1000, Math.ceil(limitMs / 4)));
  }

  /** Settles like `work`, or with `onTimeout` once it has run past the limit. */
  within<T>(work: PromiseLike<T>): Promise<T | F> {
    return new Promise<T | F>((resolve, reject) => {
      const waiting: Waiting = { overrunAt: performance.now() + this.limitMs, expire: () => resolve(this.onTimeout) };
      this.waiting.add(waiting);
      this.arm();
      work.then(
        (value) => {
          this.done(waiting);
          resolve(value);
        },
        (error: unknown) => {
          this.done(waiting);
          reject(error);
        },
      );
    });
  }

  /** The timer runs while something waits (and keeps the process alive only then). */
  private arm(): void {
    if (this.timer === undefined) this.timer = setTimeout(() => this.check(), this.tickMs);
    else if (this.waiting.size === 1) this.timer.ref();
  }

  private done(waiting: Waiting): void {
    if (this.waiting.delete(waiting) && this.waiting.size === 0) this.timer?.unref();
  }

  private check(): void {
    this.timer = undefined;
    const now = performance.now();
    for (const waiting of this.waiting) {
      if (waiting.overrunAt > now) continue;
      this.waiting.delete(waiting);
      waiting.expire();
    }
    if (this.waiting.size > 0) this.arm();
  }
}
