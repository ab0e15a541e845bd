/**
 * Builds the ModuleApi each module receives, scoped to that module.
 */
import type { AnyEvent, Command } from '../core/event.js';
import type { Logger } from '../core/log.js';
import type { ChannelRef } from '../core/refs.js';
import type { HubStore } from '../store/hub-store.js';
import type { BridgeConfig } from '../config/types.js';
import type { AnyEventListener, EventListener, ModuleApi } from './api.js';
import type { Disposer } from '../core/disposer.js';
import type { NetworkHandle } from '../core/network-handle.js';
import type { ListenerRegistry } from '../core/listeners.js';
import type { LifecycleCallbacks } from './lifecycle.js';
import type { ThirdPartyRulesCallbacks } from './callbacks/types.js';
import { callbackOperations, type ModuleCallbacks } from './callbacks/index.js';
import { ACCOUNT_DATA_NAMESPACE, AccountDataStore } from './callbacks/account-data.js';
import { cached, invalidateCache } from './cache.js';
import type { WebResourceRegistry } from './web-resources.js';
import type { ModuleHealthChecks } from './health.js';
import type { AccessPredicateRegistry } from './access-predicates.js';
import { defaultEgressClient, type EgressClient } from '../net/egress/index.js';
import { PendingCallbackWarnings } from './callbacks/pending-warning.js';
import type { Category } from './callbacks/types.js';
import { grantOperations, type ModuleGrants } from './operations.js';
import type { PluginRegistry } from '../core/plugins.js';
import { LEGACY_NETWORK_PLUGIN } from '../gateway/legacy-networks.js';

/** What the hub provides to every module's API. */
export interface ModuleHost {
  readonly log: Logger;
  readonly store: HubStore;
  readonly listeners: ListenerRegistry;
  readonly ready: LifecycleCallbacks;
  readonly shutdown: LifecycleCallbacks;
  readonly callbacks: ModuleCallbacks;
  readonly webResources: WebResourceRegistry;
  networks(): readonly NetworkHandle[];
  /** One network's handle, found without building the list (`networks()`): asked for every delivery. */
  network?(name: string): NetworkHandle | undefined;
  bridges(): readonly BridgeConfig[];
  /** Access predicates by name (absent in hosts without access control). */
  readonly accessPredicates?: AccessPredicateRegistry;
  /** Modules' /health details (absent in hosts without /health). */
  readonly health?: ModuleHealthChecks;
  /** The hub's egress client (absent: one with the default policy). */
  readonly egress?: EgressClient;
  /** What modules add for networks to use (absent: registerLegacyNetwork throws). */
  readonly plugins?: PluginRegistry;
}

/** The key-value namespace of a module. */
export function moduleNamespace(moduleName: string): string {
  return `module:${moduleName}`;
}

function sameChannel(a: ChannelRef, b: ChannelRef): boolean {
  return a.network === b.network && a.id === b.id;
}

/**
 * The API of the module `name` at position `order` in `modules:`. `grants` adds what third-party
 * modules do not get (see operations.ts); the hub grants it to its built-in modules only.
 */
export function createModuleApi(host: ModuleHost, name: string, order: number, grants: ModuleGrants = {}): ModuleApi {
  const log = host.log.child({ module: name });
  const { callbacks } = host;
  const pending = new PendingCallbackWarnings(log);
  /** Registers, then warns about the callbacks no running hub calls yet. */
  const register = <T extends object>(category: Category, registration: T, add: (registration: T) => Disposer): Disposer => {
    const dispose = add(registration);
    pending.check(category, registration);
    return dispose;
  };
  const listen = (command: Command | '*', listener: (event: AnyEvent) => void | Promise<void>): Disposer =>
    host.listeners.add({ module: name, order, command, listener });
  const network = (networkName: string) => (host.network ? host.network(networkName) : host.networks().find((n) => n.name === networkName));
  const api: ModuleApi = {
    name,
    log,
    store: host.store.kv(moduleNamespace(name)),
    queues: host.store.queues(moduleNamespace(name)),
    messages: host.store.messages,
    egress: host.egress ?? defaultEgressClient(),
    on<C extends Command>(command: C | '*', listener: EventListener<C> | AnyEventListener) {
      return listen(command, listener as (event: AnyEvent) => void | Promise<void>);
    },
    onEvent: (listener: AnyEventListener) => listen('*', listener),
    onReady: (callback) => host.ready.add(name, order, callback),
    onShutdown: (callback) => host.shutdown.add(name, order, callback),
    onJoinRefused: (listener) => callbacks.joins.onJoinRefused(name, order, listener),

    registerSpamCheckerCallbacks: (c) => register('spamChecker', c, (r) => callbacks.spamChecker.registry.register(name, order, r)),
    registerThirdPartyRulesCallbacks: (c) => register('thirdPartyRules', c, (r) => registerThirdPartyRules(host, name, order, r)),
    registerPresenceRouterCallbacks: (c) => register('presenceRouter', c, (r) => callbacks.presenceRouter.register(name, order, r)),
    registerPasswordAuthProviderCallbacks: (c) => register('passwordAuthProvider', c, (r) => callbacks.passwordAuth.register(name, order, r)),
    registerAccountValidityCallbacks: (c) => register('accountValidity', c, (r) => callbacks.accountValidity.registry.register(name, order, r)),
    registerAccountDataCallbacks: (c) => register('accountData', c, (r) => callbacks.accountData.registry.register(name, order, r)),
    registerBackgroundUpdateControllerCallbacks: (c) => register('backgroundUpdateController', c, (r) => callbacks.backgroundUpdates.register(name, order, r)),
    registerAddExtraFieldsToUnsignedClientEventCallbacks: (c) =>
      register('addExtraFieldsToUnsignedClientEvent', c, (r) => callbacks.unsignedFields.registry.register(name, order, r)),
    registerRelayCallbacks: (c) => register('relay', c, (r) => callbacks.relay.registry.register(name, order, r)),
    runBackgroundUpdate: (update) => callbacks.backgroundUpdater.run(update),

    registerWebResource: (path, handler) => host.webResources.register(name, path, handler),
    registerAccessPredicate(predicate, predicateName) {
      if (!host.accessPredicates) throw new Error(`module ${name}: this host has no access control`);
      return host.accessPredicates.register(name, predicate, predicateName);
    },
    accessPredicate: (predicateName) => host.accessPredicates?.get(predicateName),
    registerLegacyNetwork(protocol, factory) {
      if (!host.plugins) throw new Error(`module ${name}: this host runs no gateways`);
      if (!/^[a-z][a-z0-9-]{0,63}$/.test(protocol) || protocol === 'irc') throw new Error(`module ${name}: registerLegacyNetwork: "${protocol}" is not a legacy network name of its own (lower-case letters, digits, -; irc is built in)`);
      if (typeof factory !== 'function') throw new Error(`module ${name}: registerLegacyNetwork: the factory must be a function`);
      return host.plugins.add(LEGACY_NETWORK_PLUGIN, protocol, factory);
    },
    registerHealthCheck: (check) => host.health?.add(name, check) ?? (() => undefined),
    cached: (fn, options) => cached(fn, options),
    invalidateCache: (fn, key) => invalidateCache(fn, key),
    accountData: new AccountDataStore(host.store.kv(ACCOUNT_DATA_NAMESPACE), callbacks.accountData),
    async sendMessage(channel, body, kind = 'message') {
      const target = network(channel.network);
      if (!target) throw new Error(`module ${name}: sendMessage: no network named "${channel.network}"`);
      return target.send({ target: { channel }, kind, body });
    },

    networks: () => host.networks(),
    network,
    bridges: () => host.bridges(),
    bridge: (bridgeName) => host.bridges().find((b) => b.name === bridgeName),
    bridgesOf: (channel) => host.bridges().filter((b) => b.channels.some((c) => sameChannel(c, channel))),
    members: (channel) => network(channel.network)?.members(channel) ?? [],
  };
  if (grants.operations === true) grantOperations(api, callbackOperations(callbacks));
  return api;
}

/**
 * Third-party rules: the callbacks join their registry, and onNewEvent also becomes a
 * listener for every event in the module's position, so it runs after the checks, in module
 * order with the other listeners, isolated like them (a throw is logged; the others run).
 */
function registerThirdPartyRules(host: ModuleHost, module: string, order: number, callbacks: ThirdPartyRulesCallbacks): Disposer {
  const disposeRegistry = host.callbacks.thirdPartyRules.register(module, order, callbacks);
  const onNewEvent = callbacks.onNewEvent;
  if (!onNewEvent) return disposeRegistry;
  const disposeListener = host.listeners.add({ module, order, command: '*', listener: (event) => onNewEvent(event) });
  return () => {
    disposeRegistry();
    disposeListener();
  };
}
