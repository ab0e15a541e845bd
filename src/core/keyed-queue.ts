/**
 * Runs tasks one after another per key, and different keys concurrently.
 *
 * The dispatcher uses it to keep the order of events per channel while a slow channel
 * never delays another one.
 */

type Task = () => Promise<void>;

export class KeyedQueue {
  private readonly queues = new Map<string, Task[]>();
  private pendingCount = 0;
  private idleWaiters: Array<() => void> = [];

  /** Tasks waiting or running, over all keys. */
  get pending(): number {
    return this.pendingCount;
  }

  /** Number of keys with work. */
  get activeKeys(): number {
    return this.queues.size;
  }

  /** Queues `task` behind the earlier tasks of `key`. A task's rejection is the caller's job to avoid. */
  push(key: string, task: Task): void {
    this.pendingCount++;
    const queue = this.queues.get(key);
    if (queue) {
      queue.push(task);
      return;
    }
    this.queues.set(key, [task]);
    void this.run(key);
  }

  /** Resolves once every queued task has finished. */
  idle(): Promise<void> {
    if (this.pendingCount === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private async run(key: string): Promise<void> {
    const queue = this.queues.get(key);
    while (queue && queue.length > 0) {
      const task = queue[0]!;
      try {
        await task();
      } catch {
        // Tasks handle their own errors; a rejection here must not stop the key's queue.
      }
      queue.shift();
      this.pendingCount--;
    }
    this.queues.delete(key);
    if (this.pendingCount === 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const resolve of waiters) resolve();
    }
  }
}
