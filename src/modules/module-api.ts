/**
 * Builds the ModuleApi each module receives, scoped to that module.
 */
import type { AnyEvent, Command } from '../core/event.js';
import type { Logger } from '../core/log.js';
import type { ChannelRef } from '../core/refs.js';
import type { HubStore } from '../store/hub-store.js';
import type { BridgeConfig } from '../config/types.js';
import type { AnyEventListener, Disposer, EventListener, ModuleApi, NetworkHandle } from './api.js';
import type { ListenerRegistry } from './listeners.js';
import type { LifecycleCallbacks } from './lifecycle.js';
import type { ThirdPartyRulesCallbacks } from './callbacks/types.js';
import { callbackOperations, type ModuleCallbacks } from './callbacks/index.js';
import { ACCOUNT_DATA_NAMESPACE, AccountDataStore } from './callbacks/account-data.js';
import { cached, invalidateCache } from './cache.js';
import type { WebResourceRegistry } from './web-resources.js';
import type { ModuleHealthChecks } from './health.js';
import type { AccessPredicateRegistry } from '../features/access/registry.js';
import { defaultEgressClient, type EgressClient } from '../net/egress/index.js';

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
  bridges(): readonly BridgeConfig[];
  /** Access predicates by name (absent in hosts without access control). */
  readonly accessPredicates?: AccessPredicateRegistry;
  /** Modules' /health details (absent in hosts without /health). */
  readonly health?: ModuleHealthChecks;
  /** The hub's egress client (absent: one with the default policy). */
  readonly egress?: EgressClient;
}

/** The key-value namespace of a module. */
export function moduleNamespace(moduleName: string): string {
  return `module:${moduleName}`;
}

function sameChannel(a: ChannelRef, b: ChannelRef): boolean {
  return a.network === b.network && a.id === b.id;
}

export function createModuleApi(host: ModuleHost, name: string, order: number): ModuleApi {
  const log = host.log.child({ module: name });
  const { callbacks } = host;
  const listen = (command: Command | '*', listener: (event: AnyEvent) => void | Promise<void>): Disposer =>
    host.listeners.add({ module: name, order, command, listener });
  const network = (networkName: string) => host.networks().find((n) => n.name === networkName);
  return {
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

    registerSpamCheckerCallbacks: (c) => callbacks.spamChecker.registry.register(name, order, c),
    registerThirdPartyRulesCallbacks: (c) => registerThirdPartyRules(host, name, order, c),
    registerPresenceRouterCallbacks: (c) => callbacks.presenceRouter.register(name, order, c),
    registerPasswordAuthProviderCallbacks: (c) => callbacks.passwordAuth.register(name, order, c),
    registerAccountValidityCallbacks: (c) => callbacks.accountValidity.registry.register(name, order, c),
    registerAccountDataCallbacks: (c) => callbacks.accountData.registry.register(name, order, c),
    registerBackgroundUpdateControllerCallbacks: (c) => callbacks.backgroundUpdates.register(name, order, c),
    registerAddExtraFieldsToUnsignedClientEventCallbacks: (c) => callbacks.unsignedFields.registry.register(name, order, c),
    registerRelayCallbacks: (c) => callbacks.relay.registry.register(name, order, c),
    callbacks: callbackOperations(callbacks),

    registerWebResource: (path, handler) => host.webResources.register(name, path, handler),
    registerAccessPredicate(predicate, predicateName) {
      if (!host.accessPredicates) throw new Error(`module ${name}: this host has no access control`);
      return host.accessPredicates.register(name, predicate, predicateName);
    },
    accessPredicate: (predicateName) => host.accessPredicates?.get(predicateName),
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
