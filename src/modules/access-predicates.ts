/**
 * Access predicates registered by modules (`api.registerAccessPredicate`), by name. The
 * `access` module looks them up by the names its config lists, when it verifies (so module
 * order does not matter).
 */
import type { Disposer } from '../core/disposer.js';
import { assertAccessPredicate, type AccessPredicate } from './access-predicate.js';

export class AccessPredicateRegistry {
  private readonly predicates = new Map<string, AccessPredicate>();

  /**
   * Registers `predicate` as `<module>` (or `<module>/<name>` when a name is given).
   * Throws when the name is taken or the predicate has neither check.
   */
  register(module: string, predicate: AccessPredicate, name?: string): Disposer {
    const key = name === undefined ? module : `${module}/${name}`;
    assertAccessPredicate(predicate, `module ${module}: registerAccessPredicate(${key})`);
    if (this.predicates.has(key)) throw new Error(`module ${module}: an access predicate named "${key}" is already registered; pass a distinct name`);
    this.predicates.set(key, predicate);
    return () => {
      if (this.predicates.get(key) === predicate) this.predicates.delete(key);
    };
  }

  /** The predicate registered under `name`, if any. */
  get(name: string): AccessPredicate | undefined {
    return this.predicates.get(name);
  }

  /** Every registered name, for error messages. */
  names(): string[] {
    return [...this.predicates.keys()];
  }
}
