/**
 * A bound on the room joins in flight on one connection: a crowd speaking at once (500 people,
 * or every puppet rejoining after a reconnect) sends its joins a batch at a time, not all at
 * once, so that each join's time limit runs only while the room is actually handling it and
 * the server is not flooded. Waiters are served in order.
 */
export class JoinSlots {
  private inUse = 0;
  private readonly waiting: (() => void)[] = [];

  /** @param max - how many joins may be in flight at once (at least 1) */
  constructor(private readonly max: number) {}

  /** Runs `work` once a slot is free; the slot is freed when it settles. */
  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.inUse >= Math.max(1, this.max)) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.inUse++;
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next === undefined) this.inUse--;
      else next(); // the slot passes to the next waiter
    }
  }

  /** Joins waiting for a slot. */
  get queued(): number {
    return this.waiting.length;
  }
}
