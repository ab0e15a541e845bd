/**
 * Outgoing flood control: a token bucket in front of two lanes.
 *
 * - The control lane (JOIN, PART, KICK, MODE, NickServ, nick reclaim) is a plain FIFO served
 *   first; it opens right after registration, before the channels are joined.
 * - The message lane is queued per key (one key per channel or private target). When several
 *   keys wait, they take turns (round robin), so one busy channel does not stall the rest;
 *   within a key the order is kept. It opens once the connection is ready.
 *
 * Sending takes `cost` tokens per line (1 for most lines; servers charge more for some
 * commands, e.g. InspIRCd for JOIN); tokens refill one per `intervalMs` up to `burst`. Both
 * lanes share one bucket, so a join storm cannot flood the server either.
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
    const earned = this.options.intervalMs === 0 ? Infinity : (now - this.updatedAt) / this.options.intervalMs;
    this.tokens = Math.min(this.options.burst, this.tokens + earned);
    this.updatedAt = now;
  }

  /** A cost the bucket can ever pay: at least 1, at most `burst`. */
  private payable(cost: number): number {
    return Math.min(Math.max(1, cost), this.options.burst);
  }

  /** Takes `cost` tokens (default 1; capped at `burst`) if they are available. */
  tryTake(cost = 1): boolean {
    this.refill();
    const need = this.payable(cost);
    if (this.tokens < need) return false;
    this.tokens -= need;
    return true;
  }

  /** Milliseconds until `cost` tokens will be available (0 when they are). */
  waitMs(cost = 1): number {
    this.refill();
    const need = this.payable(cost);
    return this.tokens >= need ? 0 : Math.ceil((need - this.tokens) * this.options.intervalMs);
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

  /** The item {@link shift} would return, left in place. */
  peek(): T | undefined {
    const key = this.turn[0];
    return key === undefined ? undefined : this.queues.get(key)?.[0];
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

/** One queued line, its token cost and the callback to run once it was written (or dropped). */
interface QueuedLine {
  readonly key: string;
  readonly line: string;
  readonly cost: number;
  readonly done: (written: boolean) => void;
}

/** Which lanes are open: none, the control lane only (registered, joining), or both. */
export type QueueGate = 'closed' | 'control' | 'all';

/**
 * The per-connection outgoing queue. `write` puts one line on the wire and returns false when
 * it could not (not connected); the queue then closes until `resume()`.
 */
export class OutgoingQueue {
  private readonly messages = new FairQueue<QueuedLine>();
  private readonly control: QueuedLine[] = [];
  private readonly bucket: TokenBucket;
  private timer: NodeJS.Timeout | undefined;
  private gate: QueueGate = 'closed';
  private idleWaiters: Array<() => void> = [];

  constructor(options: FloodOptions, private readonly write: (line: string) => boolean, now: () => number = Date.now) {
    this.bucket = new TokenBucket(options, now);
  }

  /** Queues lines under a key; the promise resolves when they were all written (false if dropped). */
  enqueue(key: string, lines: readonly string[]): Promise<boolean> {
    if (lines.length === 1) {
      // One line (most messages): its own promise, without the gathering below.
      const result = new Promise<boolean>((done) => this.messages.push(key, { key, line: lines[0] as string, cost: 1, done }));
      this.pump();
      return result;
    }
    const results = lines.map((line) => new Promise<boolean>((done) => this.messages.push(key, { key, line, cost: 1, done })));
    this.pump();
    return Promise.all(results).then((written) => written.every(Boolean));
  }

  /**
   * Queues one control line (JOIN, PART, KICK, MODE, ...) ahead of all messages. Resolves true
   * once written, false when dropped (connection lost, disconnect).
   */
  enqueueControl(line: string, cost = 1): Promise<boolean> {
    const result = new Promise<boolean>((done) => this.control.push({ key: '', line, cost, done }));
    this.pump();
    return result;
  }

  /** Lines waiting to be written (both lanes). */
  depth(): number {
    return this.messages.size + this.control.length;
  }

  /** Opens the control lane only (`'control'`) or both lanes (`'all'`, the default). */
  resume(gate: Exclude<QueueGate, 'closed'> = 'all'): void {
    this.gate = gate;
    this.pump();
  }

  /** Stops writing; queued lines stay queued (e.g. while reconnecting). */
  pause(): void {
    this.gate = 'closed';
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Resolves when the queue is empty or after `deadlineMs`, whichever comes first. */
  drain(deadlineMs: number): Promise<void> {
    if (this.depth() === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timeout = setTimeout(finish, Math.max(0, deadlineMs));
      function finish(): void {
        clearTimeout(timeout);
        resolve();
      }
      this.idleWaiters.push(finish);
    });
  }

  /**
   * Drops the control lane (its lines belong to a connection that is gone: the next one
   * joins afresh). Returns how many lines were dropped.
   */
  discardControl(): number {
    const dropped = this.control.splice(0);
    for (const item of dropped) item.done(false);
    this.notifyIdle();
    return dropped.length;
  }

  /** Drops everything still queued (their promises resolve with false). */
  discard(): number {
    const dropped = [...this.control.splice(0), ...this.messages.clear()];
    for (const item of dropped) item.done(false);
    this.notifyIdle();
    return dropped.length;
  }

  private notifyIdle(): void {
    if (this.depth() > 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const waiter of waiters) waiter();
  }

  /** The line to write next, without taking it: control first, then messages when open. */
  private peek(): { item: QueuedLine; lane: 'control' | 'messages' } | undefined {
    const control = this.control[0];
    if (control && this.gate !== 'closed') return { item: control, lane: 'control' };
    const message = this.gate === 'all' ? this.messages.peek() : undefined;
    return message ? { item: message, lane: 'messages' } : undefined;
  }

  private pump(): void {
    if (this.gate === 'closed' || this.timer) return;
    for (let next = this.peek(); next; next = this.peek()) {
      const wait = this.bucket.waitMs(next.item.cost);
      if (wait > 0) {
        this.timer = setTimeout(() => {
          this.timer = undefined;
          this.pump();
        }, wait);
        return;
      }
      const item = next.lane === 'control' ? (this.control.shift() as QueuedLine) : (this.messages.shift() as QueuedLine);
      let written: boolean;
      try {
        written = this.write(item.line);
      } catch {
        // A line the writer refuses (it checks for CR, LF and NUL) is dropped, not retried.
        item.done(false);
        continue;
      }
      if (!written) {
        // Not connected: keep it first in line until resume().
        if (next.lane === 'control') this.control.unshift(item);
        else this.messages.unshift(item.key, item);
        this.gate = 'closed';
        return;
      }
      this.bucket.tryTake(item.cost);
      item.done(true);
    }
    this.notifyIdle();
  }
}
