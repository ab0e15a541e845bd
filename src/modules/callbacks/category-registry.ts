/**
 * The registrations of one callback category: one ordered list per callback name, and the
 * checks every `register…Callbacks` call makes (known names, functions).
 */
import type { Disposer } from '../../core/disposer.js';
import { CallbackList } from './callback-list.js';
import { CALLBACK_RULES } from './rules.js';
import type { CallbackName, CallbacksByCategory, Category } from './types.js';

/** A `register…Callbacks` call was wrong (unknown name, not a function, a conflict). Stops the module's setup. */
export class CallbackRegistrationError extends Error {
  override readonly name = 'CallbackRegistrationError';
}

type CallbackFn<C extends Category, N extends CallbackName<C>> = NonNullable<CallbacksByCategory[C][N]>;

export class CategoryRegistry<C extends Category> {
  private readonly lists = new Map<string, CallbackList<unknown>>();

  constructor(
    readonly category: C,
    /** The `register…Callbacks` method name, for error messages. */
    readonly method: string,
    /** Names whose value is not a function (e.g. authCheckers); checked by the category itself. */
    private readonly nonFunctions: ReadonlySet<string> = new Set(),
  ) {
    for (const name of Object.keys(CALLBACK_RULES[category])) this.lists.set(name, new CallbackList());
  }

  /** The registered callbacks of `name`, in module order. */
  list<N extends CallbackName<C>>(name: N): CallbackList<CallbackFn<C, N>> {
    return this.lists.get(name) as CallbackList<CallbackFn<C, N>>;
  }

  /**
   * Checks every entry of `callbacks` (throws CallbackRegistrationError naming the module)
   * and adds the functions; `aliases` maps deprecated names to the list they join.
   */
  register(module: string, order: number, callbacks: CallbacksByCategory[C], aliases: Readonly<Record<string, string>> = {}): Disposer {
    const entries = this.check(module, callbacks);
    const disposers = entries
      .filter(([name]) => !this.nonFunctions.has(name))
      .map(([name, fn]) => this.lists.get(aliases[name] ?? name)!.add(module, order, fn));
    return () => disposers.forEach((dispose) => dispose());
  }

  /** Validates a registration and returns its defined entries. */
  check(module: string, callbacks: CallbacksByCategory[C]): Array<[string, unknown]> {
    if (typeof callbacks !== 'object' || callbacks === null) {
      throw new CallbackRegistrationError(`module ${module}: ${this.method} expects an object of callbacks`);
    }
    const entries = Object.entries(callbacks).filter(([, value]) => value !== undefined);
    for (const [name, value] of entries) {
      if (!this.lists.has(name)) {
        throw new CallbackRegistrationError(
          `module ${module}: ${this.method}: unknown callback "${name}"; known: ${[...this.lists.keys()].join(', ')}`,
        );
      }
      if (!this.nonFunctions.has(name) && typeof value !== 'function') {
        throw new CallbackRegistrationError(`module ${module}: ${this.method}: ${name} must be a function`);
      }
    }
    return entries;
  }
}
