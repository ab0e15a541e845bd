/**
 * Outgoing flood control: a token bucket in front of a fair queue.
 *
 * Lines are queued per key (one key per channel or private target). Sending takes one token
 * per line; tokens refill one per `intervalMs` up to `burst`. When several keys wait, they
 * take turns (round robin), so one busy channel does not stall the rest; within a key the
 * order is kept.
 */

/** Flood-control settings. */
export interface FloodOptions {
  /** Lines that may be sent back to back after a quiet period. */
  readonly burst: number;
  /** Milliseconds per line once the burst is used up. */
  readonly intervalMs: number;
}

/** A token bucket on an injectable clock. */
export class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  constructor(private readonly options: FloodOptions, private readonly now: () => number = Date.now) {
    this.tokens = options.burst;
    this.updatedAt = now();
  }

  private refill(): void {
    const now = this.now();
    const earned = (now - this.updatedAt) / this.options.intervalMs;
    this.tokens = Math.min(this.options.burst, this.tokens + earned);
    this.updatedAt = now;
  }

  /** Takes a token if one is available. */
  tryTake(): boolean {
    this.refill();
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Milliseconds until a token will be available (0 when one is). */
  waitMs(): number {
    this.refill();
    return this.tokens >= 1 ? 0 : Math.ceil((1 - this.tokens) * this.options.intervalMs);
  }
}

/** Per-key FIFO queues served round robin. */
export class FairQueue<T> {
  private readonly queues = new Map<string, T[]>();
  private readonly turn: string[] = [];
  private count = 0;

  push(key: string, item: T): void {
    let queue = this.queues.get(key);
    if (!queue) {
      queue = [];
      this.queues.set(key, queue);
      this.turn.push(key);
    }
    queue.push(item);
    this.count++;
  }

  /** Puts an item back at the front of its key's queue and gives that key the next turn. */
  unshift(key: string, item: T): void {
    const queue = this.queues.get(key);
    if (queue) {
      queue.unshift(item);
      this.turn.splice(this.turn.indexOf(key), 1);
    } else this.queues.set(key, [item]);
    this.turn.unshift(key);
    this.count++;
  }

  /** The next item: the oldest of the key whose turn it is. */
  shift(): T | undefined {
    const key = this.turn.shift();
    if (key === undefined) return undefined;
    const queue = this.queues.get(key) as T[];
    const item = queue.shift() as T;
    this.count--;
    if (queue.length > 0) this.turn.push(key);
    else this.queues.delete(key);
    return item;
  }

  get size(): number {
    return this.count;
  }

  /** Removes everything; returns what was queued. */
  clear(): T[] {
    const all: T[] = [];
    for (let item = this.shift(); item !== undefined; item = this.shift()) all.push(item);
    return all;
  }
}

/** One queued line and the callback to run once it was written (or dropped). */
interface QueuedLine {
  readonly key: string;
  readonly line: string;
  readonly done: (written: boolean) => void;
}

/**
 * The per-connection outgoing queue. `write` puts one line on the wire and returns false when
 * it could not (not connected); the queue is paused until `resume()`.
 */
export class OutgoingQueue {
  private readonly queue = new FairQueue<QueuedLine>();
  private readonly bucket: TokenBucket;
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private idleWaiters: Array<() => void> = [];

  constructor(options: FloodOptions, private readonly write: (line: string) => boolean, now: () => number = Date.now) {
    this.bucket = new TokenBucket(options, now);
  }

  /** Queues lines under a key; the promise resolves when they were all written (false if dropped). */
  enqueue(key: string, lines: readonly string[]): Promise<boolean> {
    const results = lines.map((line) => new Promise<boolean>((done) => this.queue.push(key, { key, line, done })));
    this.pump();
    return Promise.all(results).then((written) => written.every(Boolean));
  }

  /** Lines waiting to be written. */
  depth(): number {
    return this.queue.size;
  }

  /** Starts writing (after connecting). */
  resume(): void {
    this.running = true;
    this.pump();
  }

  /** Stops writing; queued lines stay queued (e.g. while reconnecting). */
  pause(): void {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Resolves when the queue is empty or after `deadlineMs`, whichever comes first. */
  drain(deadlineMs: number): Promise<void> {
    if (this.queue.size === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timeout = setTimeout(finish, Math.max(0, deadlineMs));
      function finish(): void {
        clearTimeout(timeout);
        resolve();
      }
      this.idleWaiters.push(finish);
    });
  }

  /** Drops everything still queued (their promises resolve with false). */
  discard(): number {
    const dropped = this.queue.clear();
    for (const item of dropped) item.done(false);
    this.notifyIdle();
    return dropped.length;
  }

  private notifyIdle(): void {
    if (this.queue.size > 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const waiter of waiters) waiter();
  }

  private pump(): void {
    if (!this.running || this.timer) return;
    while (this.queue.size > 0) {
      const wait = this.bucket.waitMs();
      if (wait > 0) {
        this.timer = setTimeout(() => {
          this.timer = undefined;
          this.pump();
        }, wait);
        return;
      }
      this.bucket.tryTake();
      const item = this.queue.shift() as QueuedLine;
      if (!this.write(item.line)) {
        // Not connected: keep it first in line until resume().
        this.queue.unshift(item.key, item);
        this.running = false;
        return;
      }
      item.done(true);
    }
    this.notifyIdle();
  }
}
