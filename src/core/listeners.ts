/**
 * Listener registrations, kept in module order.
 */
import type { AnyEvent, Command } from './event.js';
import type { Disposer } from './disposer.js';

/** One registered listener, with the module it belongs to. */
export interface ListenerEntry {
  readonly module: string;
  /** The module's position in `modules:` (lower runs first). */
  readonly order: number;
  /** The command, or `*` for every event. */
  readonly command: Command | '*';
  readonly listener: (event: AnyEvent) => void | Promise<void>;
}

/** Keeps listeners sorted by module order, then by registration order within a module. */
export class ListenerRegistry {
  private entries: ListenerEntry[] = [];
  /** `for(command)` answers, computed on first use and dropped whenever a listener is added or removed. */
  private readonly byCommand = new Map<Command, readonly ListenerEntry[]>();

  add(entry: ListenerEntry): Disposer {
    // Insert after every entry of the same or an earlier module: stable order within a module.
    const index = this.entries.findIndex((e) => e.order > entry.order);
    if (index === -1) this.entries.push(entry);
    else this.entries.splice(index, 0, entry);
    this.byCommand.clear();
    return () => {
      this.entries = this.entries.filter((e) => e !== entry);
      this.byCommand.clear();
    };
  }

  /**
   * The listeners for `command`, in the order they must run. The array is shared between
   * calls until the registrations change (an array handed out earlier is never modified).
   */
  for(command: Command): readonly ListenerEntry[] {
    let listeners = this.byCommand.get(command);
    if (!listeners) {
      listeners = this.entries.filter((e) => e.command === command || e.command === '*');
      this.byCommand.set(command, listeners);
    }
    return listeners;
  }

  /** Every listener of one module (e.g. to count them). */
  ofModule(module: string): readonly ListenerEntry[] {
    return this.entries.filter((e) => e.module === module);
  }
}
