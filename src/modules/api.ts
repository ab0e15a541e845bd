/**
 * The API a module receives in `setup(api, config)`.
 */
import type { AnyEvent, Command, HubEvent } from '../core/event.js';
import type { Logger } from '../core/log.js';
import type { KeyValueStore } from '../store/types.js';
import type { BridgeConfig } from '../config/types.js';
import type { ChannelRef, UserRef } from '../core/refs.js';
import type {
  ModerationActions,
  NetworkCapabilities,
  NetworkState,
  OutgoingMessage,
  SendResult,
} from '../core/network.js';

/** A listener for one command. It may be async; its errors are logged and isolated. */
export type EventListener<C extends Command> = (event: HubEvent<C>) => void | Promise<void>;

/** A listener for every event. */
export type AnyEventListener = (event: AnyEvent) => void | Promise<void>;

/** Undoes a registration. */
export type Disposer = () => void;

/** What modules can see of and do with a configured network. */
export interface NetworkHandle {
  readonly name: string;
  readonly protocol: string;
  readonly capabilities: NetworkCapabilities;
  state(): NetworkState;
  /** Sends through the network's outgoing queue; counted in metrics. */
  send(message: OutgoingMessage): Promise<SendResult>;
  join(channel: ChannelRef): Promise<void>;
  part(channel: ChannelRef, reason?: string): Promise<void>;
  members(channel: ChannelRef): readonly UserRef[];
  deleteMessage(channel: ChannelRef, messageId: string): Promise<void>;
  react(channel: ChannelRef, messageId: string, reaction: string, remove: boolean): Promise<void>;
  /** Present when the network supports moderation. */
  readonly moderation?: ModerationActions;
}

/** The module API. One instance per module, scoped to it (logger, storage namespace). */
export interface ModuleApi {
  /** The module's name. */
  readonly name: string;
  /** A logger whose lines carry `module: <name>`. */
  readonly log: Logger;
  /** Key-value storage private to this module. */
  readonly store: KeyValueStore;

  /** Listens to one command. Listeners run in module order, one after another. */
  on<C extends Command>(command: C, listener: EventListener<C>): Disposer;
  /** Listens to every event. Runs in module order along with per-command listeners. */
  onEvent(listener: AnyEventListener): Disposer;
  /** Called once when every network has connected or failed its first attempt. */
  onReady(callback: () => void | Promise<void>): Disposer;
  /** Called at shutdown, after networks have flushed and before storage closes (reverse module order). */
  onShutdown(callback: () => void | Promise<void>): Disposer;

  /** Every configured network. */
  networks(): readonly NetworkHandle[];
  /** One network by name. */
  network(name: string): NetworkHandle | undefined;
  /** The configured bridges. */
  bridges(): readonly BridgeConfig[];
}
