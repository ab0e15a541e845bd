/**
 * Spreads legacy logins over time: at most one login starts every `intervalMs`, so that 500
 * people registered with one gateway do not connect to one legacy server at once at start-up
 * (an IRC server would take it for a flood). Logins are started in the order they were asked.
 */
export class LoginPacer {
  readonly #queue: Array<() => void> = [];
  #timer: NodeJS.Timeout | undefined;
  #lastStart = Number.NEGATIVE_INFINITY;
  #stopped = false;

  constructor(
    private readonly intervalMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Runs `start` when its turn comes; the returned function withdraws it if it has not started. */
  enqueue(start: () => void): () => void {
    if (this.#stopped) return () => undefined;
    this.#queue.push(start);
    this.#pump();
    return () => {
      const index = this.#queue.indexOf(start);
      if (index >= 0) this.#queue.splice(index, 1);
    };
  }

  /** How many logins wait for their turn. */
  get waiting(): number {
    return this.#queue.length;
  }

  /** Drops everything waiting; nothing starts any more. */
  stop(): void {
    this.#stopped = true;
    this.#queue.length = 0;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #pump(): void {
    if (this.#timer !== undefined || this.#stopped) return;
    const wait = this.#lastStart + this.intervalMs - this.now();
    if (wait > 0) {
      this.#timer = setTimeout(() => {
        this.#timer = undefined;
        this.#pump();
      }, wait);
      return;
    }
    const next = this.#queue.shift();
    if (next === undefined) return;
    this.#lastStart = this.now();
    next();
    if (this.#queue.length > 0) this.#pump();
  }
}
