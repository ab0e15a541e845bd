/**
 * Lifecycle callbacks (onReady, onShutdown) registered by modules, run in module order with
 * each module's failure logged and isolated.
 */
import type { Logger } from '../core/log.js';
import type { Disposer } from '../core/disposer.js';

interface Entry {
  readonly module: string;
  readonly order: number;
  readonly callback: () => void | Promise<void>;
}

export class LifecycleCallbacks {
  private entries: Entry[] = [];

  constructor(private readonly what: string) {}

  add(module: string, order: number, callback: () => void | Promise<void>): Disposer {
    const entry = { module, order, callback };
    this.entries.push(entry);
    this.entries.sort((a, b) => a.order - b.order);
    return () => {
      this.entries = this.entries.filter((e) => e !== entry);
    };
  }

  /** Runs every callback, in module order (or reversed), one after another. */
  async run(log: Logger, reverse = false): Promise<void> {
    const entries = reverse ? [...this.entries].reverse() : this.entries;
    for (const entry of entries) {
      try {
        await entry.callback();
      } catch (error) {
        log.error({ module: entry.module, err: error }, `${this.what} callback failed`);
      }
    }
  }
}
