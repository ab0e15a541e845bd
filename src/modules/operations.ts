/**
 * The privileged side of the module system: performing the operations whose callbacks modules
 * register (asking the spam checkers whether a user may join, running every beforeSend on a
 * relayed delivery, checking a password, ...). It is not on the public `ModuleApi`: the host
 * grants it explicitly, per module, when it creates that module's API (`createModuleApi`'s
 * `grants`). The hub grants it only to the built-in modules it loads by name (`relay`,
 * `access`), which otherwise use the same public API as third-party modules; such a module
 * reads it with `operationsOf(api)`.
 */
import type { ModuleApi } from './api.js';
import type { CallbackOperations } from './callbacks/index.js';

/** What the host grants a module beyond the public API. */
export interface ModuleGrants {
  /** The callback operations (`operationsOf(api)`). Default false. */
  readonly operations?: boolean;
}

const granted = new WeakMap<ModuleApi, CallbackOperations>();

/** Grants `api`'s module the callback operations (called by `createModuleApi` only). */
export function grantOperations(api: ModuleApi, operations: CallbackOperations): void {
  granted.set(api, operations);
}

/** The callback operations granted to `api`'s module; throws when the host did not grant them. */
export function operationsOf(api: ModuleApi): CallbackOperations {
  const operations = granted.get(api);
  if (operations === undefined) {
    throw new Error(`module ${api.name}: the callback operations are granted only to Switchboard's built-in modules`);
  }
  return operations;
}
