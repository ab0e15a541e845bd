/**
 * Builds the ModuleApi each module receives, scoped to that module.
 */
import type { AnyEvent, Command } from '../core/event.js';
import type { Logger } from '../core/log.js';
import type { Store } from '../store/types.js';
import type { BridgeConfig } from '../config/types.js';
import type { AnyEventListener, EventListener, ModuleApi, NetworkHandle } from './api.js';
import type { ListenerRegistry } from './listeners.js';
import type { LifecycleCallbacks } from './lifecycle.js';

/** What the hub provides to every module's API. */
export interface ModuleHost {
  readonly log: Logger;
  readonly store: Store;
  readonly listeners: ListenerRegistry;
  readonly ready: LifecycleCallbacks;
  readonly shutdown: LifecycleCallbacks;
  networks(): readonly NetworkHandle[];
  bridges(): readonly BridgeConfig[];
}

/** The key-value namespace of a module. */
export function moduleNamespace(moduleName: string): string {
  return `module:${moduleName}`;
}

export function createModuleApi(host: ModuleHost, name: string, order: number): ModuleApi {
  const log = host.log.child({ module: name });
  return {
    name,
    log,
    store: host.store.kv(moduleNamespace(name)),
    on<C extends Command>(command: C, listener: EventListener<C>) {
      return host.listeners.add({ module: name, order, command, listener: listener as (event: AnyEvent) => void | Promise<void> });
    },
    onEvent(listener: AnyEventListener) {
      return host.listeners.add({ module: name, order, command: '*', listener });
    },
    onReady: (callback) => host.ready.add(name, order, callback),
    onShutdown: (callback) => host.shutdown.add(name, order, callback),
    networks: () => host.networks(),
    network: (networkName) => host.networks().find((n) => n.name === networkName),
    bridges: () => host.bridges(),
  };
}
