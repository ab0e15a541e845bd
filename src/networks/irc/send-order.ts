/**
 * Keeps sends to one target in order when some of them have to wait (a paste upload): a step
 * queued for a key runs after every step queued before for the same key; keys are independent.
 */
export class SendOrder {
  private readonly tails = new Map<string, Promise<void>>();

  /** true while a step for `key` is queued or running. */
  busy(key: string): boolean {
    return this.tails.has(key);
  }

  /** Runs `step` after the earlier steps for `key` (whether they succeeded or not). */
  run<T>(key: string, step: () => Promise<T> | T): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(step);
    const tail = result.then(() => undefined, () => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }

  /** Resolves once every step queued so far has finished. */
  async idle(): Promise<void> {
    await Promise.all(this.tails.values());
  }
}
