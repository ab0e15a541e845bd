/**
 * Modules shipped with Switchboard, loadable by name in `modules:` (e.g. `- module: relay`).
 * They are written against the same public module API as third-party modules.
 */
import type { ModuleDefinition } from './define.js';

type BuiltinLoader = () => Promise<ModuleDefinition<unknown>>;

/** Name → lazy loader of every built-in module. */
export function builtinModules(): Readonly<Record<string, BuiltinLoader>> {
  return {
    access: async () => (await import('../features/access/module.js')).default as ModuleDefinition<unknown>,
    relay: async () => (await import('../features/relay/index.js')).default as ModuleDefinition<unknown>,
  };
}
