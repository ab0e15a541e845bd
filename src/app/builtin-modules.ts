/**
 * Modules shipped with Switchboard, loadable by name in `modules:` (e.g. `- module: relay`).
 * They are written against the same public module API as third-party modules.
 */
import type { BuiltinModules } from '../modules/loader.js';

/** Name → lazy loader of every built-in module. */
export function builtinModules(): BuiltinModules {
  return {
    access: async () => (await import('../features/access/module.js')).default,
    relay: async () => (await import('../features/relay/index.js')).default,
  };
}
