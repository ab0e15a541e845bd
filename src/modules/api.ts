/**
 * The API a module receives in `setup(api, config)`.
 */
import type { AnyEvent, Command, HubEvent } from '../core/event.js';
import type { Logger } from '../core/log.js';
import type { KeyValueStore, QueueStore } from '../core/store.js';
import type { MessageMapStore } from '../store/message-map.js';
import type { BridgeConfig } from '../config/types.js';
import type { ChannelRef, UserRef } from '../core/refs.js';
import type { RichText } from '../core/richtext.js';
import type { MessageKind } from '../core/message.js';
import type {
  AccountDataCallbacks,
  AccountValidityCallbacks,
  AddExtraFieldsToUnsignedClientEventCallbacks,
  BackgroundUpdateControllerCallbacks,
  PasswordAuthProviderCallbacks,
  PresenceRouterCallbacks,
  RelayCallbacks,
  SpamCheckerCallbacks,
  ThirdPartyRulesCallbacks,
} from './callbacks/types.js';
import type { BackgroundUpdate, BackgroundUpdateResult } from './callbacks/background-updates.js';
import type { AccountDataStore } from './callbacks/account-data.js';
import type { JoinRefusedListener } from './callbacks/join-guard.js';
import type { AnyAsyncFunction, CacheOptions } from './cache.js';
import type { WebHandler } from './web-resources.js';
import type { HealthCheck } from './health.js';
import type { AccessPredicate } from './access-predicate.js';
import type { EgressClient } from '../net/egress/index.js';
import type { SendResult } from '../core/network.js';
import type { Disposer } from '../core/disposer.js';
import type { NetworkHandle } from '../core/network-handle.js';
import type { LegacyNetworkFactory } from '../gateway/api.js';

/** A listener for one command. It may be async; its errors are logged and isolated. */
export type EventListener<C extends Command> = (event: HubEvent<C>) => void | Promise<void>;

/** A listener for every event. */
export type AnyEventListener = (event: AnyEvent) => void | Promise<void>;

/** The module API. One instance per module, scoped to it (logger, storage namespace). */
export interface ModuleApi {
  /** The module's name. */
  readonly name: string;
  /** A logger whose lines carry `module: <name>`. */
  readonly log: Logger;
  /** Key-value storage private to this module. */
  readonly store: KeyValueStore;
  /** Durable first-in-first-out queues private to this module (the relay keeps its deliveries here). */
  readonly queues: QueueStore;
  /**
   * The hub's persisted message id map (shared by every module): which message was sent where
   * for which source message. The relay records every delivery here; modules may read it to
   * find the copies of a message on other networks, or record their own sends.
   */
  readonly messages: MessageMapStore;
  /**
   * The hub's HTTP client under the `egress:` policy (docs/configuration.md): fetch every URL
   * that comes from a chat message through it, never with the global fetch.
   */
  readonly egress: EgressClient;

  /** Listens to one command, or to every event with `'*'`. Listeners run in module order, one after another. */
  on<C extends Command>(command: C, listener: EventListener<C>): Disposer;
  on(command: '*', listener: AnyEventListener): Disposer;
  /** Listens to every event (same as `on('*', …)`). Runs in module order along with per-command listeners. */
  onEvent(listener: AnyEventListener): Disposer;
  /** Called once when every network has connected or failed its first attempt. */
  onReady(callback: () => void | Promise<void>): Disposer;
  /** Called at shutdown, after networks have flushed and before storage closes (reverse module order). */
  onShutdown(callback: () => void | Promise<void>): Disposer;
  /** Called for every join to a bridged channel that userMayJoinRoom refused (module order). */
  onJoinRefused(listener: JoinRefusedListener): Disposer;

  // --- callbacks (docs/modules.md lists each one's combination rule and call site) -------
  registerSpamCheckerCallbacks(callbacks: SpamCheckerCallbacks): Disposer;
  registerThirdPartyRulesCallbacks(callbacks: ThirdPartyRulesCallbacks): Disposer;
  /** getUsersForStates and getInterestedUsers must be registered together. */
  registerPresenceRouterCallbacks(callbacks: PresenceRouterCallbacks): Disposer;
  /** Throws (the hub does not start) when another module registered one of the login types with different fields. */
  registerPasswordAuthProviderCallbacks(callbacks: PasswordAuthProviderCallbacks): Disposer;
  registerAccountValidityCallbacks(callbacks: AccountValidityCallbacks): Disposer;
  registerAccountDataCallbacks(callbacks: AccountDataCallbacks): Disposer;
  /** Only the first module to call this is used; later calls are ignored with a warning. onUpdate is required. */
  registerBackgroundUpdateControllerCallbacks(callbacks: BackgroundUpdateControllerCallbacks): Disposer;
  registerAddExtraFieldsToUnsignedClientEventCallbacks(callbacks: AddExtraFieldsToUnsignedClientEventCallbacks): Disposer;
  registerRelayCallbacks(callbacks: RelayCallbacks): Disposer;
  /**
   * Runs a batch job of the module's own in batches paced by the background update controller
   * (the callbacks of `registerBackgroundUpdateControllerCallbacks`, or Switchboard's defaults).
   */
  runBackgroundUpdate(update: BackgroundUpdate): Promise<BackgroundUpdateResult>;

  // --- services ----------------------------------------------------------------------------
  /**
   * Serves `handler` at `path` on the hub's HTTP server. Register in `setup`. The first module
   * to register a path wins (later ones are ignored with a warning, and this returns false);
   * paths under `/_switchboard/` belong to Switchboard and throw.
   */
  registerWebResource(path: string, handler: WebHandler): boolean;
  /**
   * Registers a channel access predicate (IMMP's AccessPredicate) under the module's name, or
   * `<module>/<name>`; the `access` module consults the names its config lists. Throws when
   * the name is taken or the predicate has neither channelAccess nor channelAccessMulti.
   */
  registerAccessPredicate(predicate: AccessPredicate, name?: string): Disposer;
  /** The access predicate registered under `name` (`<module>` or `<module>/<name>`), if any. */
  accessPredicate(name: string): AccessPredicate | undefined;
  /**
   * Adds a legacy network for gateways (docs/gateway.md, ADR 0009): a gateway network whose
   * `legacy.protocol` is `protocol` gets its legacy network from `factory` (called with the
   * `legacy:` options when the gateway first connects). Register in `setup`. Throws when the name
   * is taken (by another module, or `irc`, built in) or not lower-case letters, digits and `-`.
   */
  registerLegacyNetwork(protocol: string, factory: LegacyNetworkFactory): Disposer;
  /** Adds the module's details to GET /health; `degraded` makes the hub's status `degraded`. */
  registerHealthCheck(check: HealthCheck): Disposer;
  /** Wraps an async function with a cache keyed by its (JSON-serialisable) arguments. */
  cached<F extends AnyAsyncFunction>(fn: F, options?: CacheOptions): F;
  /** Forgets the cached result of `fn` for the argument list `key`; true when there was one. */
  invalidateCache(fn: AnyAsyncFunction, key: readonly unknown[]): boolean;
  /** Per-user settings; every change runs the onAccountDataUpdated callbacks. */
  readonly accountData: AccountDataStore;
  /** Sends a message into a channel through its network (not through the relay: no beforeSend). */
  sendMessage(channel: ChannelRef, body: RichText, kind?: MessageKind): Promise<SendResult>;

  /** Every configured network. */
  networks(): readonly NetworkHandle[];
  /** One network by name. */
  network(name: string): NetworkHandle | undefined;
  /** The configured bridges. */
  bridges(): readonly BridgeConfig[];
  /** One bridge by name. */
  bridge(name: string): BridgeConfig | undefined;
  /** The bridges that contain `channel`. */
  bridgesOf(channel: ChannelRef): readonly BridgeConfig[];
  /** The known members of a channel (empty when its network is unknown or not joined). */
  members(channel: ChannelRef): readonly UserRef[];
}
