/**
 * Implementations that modules add for networks to use, by kind and name (a gateway's legacy
 * networks: kind `gateway.legacy-network`, name the `legacy.protocol` it serves). Core only keeps
 * them: the layer that defines a kind also defines its type and checks what it gets back.
 */
import type { Disposer } from './disposer.js';

/** What a network may look up (NetworkContext.plugins). */
export interface PluginLookup {
  /** The implementation registered as `name` for `kind`, if any (unchecked: the caller narrows it). */
  get(kind: string, name: string): unknown;
  /** The names registered for `kind` (for error messages). */
  names(kind: string): readonly string[];
}

/** The hub's plugins. A name is taken by the first registration until its disposer runs. */
export class PluginRegistry implements PluginLookup {
  readonly #plugins = new Map<string, Map<string, unknown>>();

  /** Registers `value` as `name` of `kind`; throws when the name is taken. */
  add(kind: string, name: string, value: unknown): Disposer {
    const names = this.#plugins.get(kind) ?? new Map<string, unknown>();
    this.#plugins.set(kind, names);
    if (names.has(name)) throw new Error(`a ${kind} named "${name}" is already registered`);
    names.set(name, value);
    return () => {
      if (names.get(name) === value) names.delete(name);
    };
  }

  get(kind: string, name: string): unknown {
    return this.#plugins.get(kind)?.get(name);
  }

  names(kind: string): readonly string[] {
    return [...(this.#plugins.get(kind)?.keys() ?? [])];
  }
}
