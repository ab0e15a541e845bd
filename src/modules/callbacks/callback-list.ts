/**
 * The callbacks registered under one name, kept in module order.
 */
import type { Disposer } from '../../core/disposer.js';

/** One registered callback and the module it belongs to. */
export interface Registered<F> {
  readonly module: string;
  /** The module's position in `modules:` (lower is asked first). */
  readonly order: number;
  readonly fn: F;
}

/** Callbacks in module order; within one module, in registration order. */
export class CallbackList<F> {
  private list: Array<Registered<F>> = [];

  add(module: string, order: number, fn: F): Disposer {
    const entry = { module, order, fn };
    const index = this.list.findIndex((e) => e.order > order);
    if (index === -1) this.list.push(entry);
    else this.list.splice(index, 0, entry);
    return () => {
      this.list = this.list.filter((e) => e !== entry);
    };
  }

  /** The callbacks in the order they are asked (a snapshot: safe while registrations change). */
  get entries(): ReadonlyArray<Registered<F>> {
    return this.list;
  }

  get size(): number {
    return this.list.length;
  }
}
