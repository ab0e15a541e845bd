/**
 * The event envelope: `{ network, sender, command, args, ts }`.
 */
import type { ChannelRef } from './refs.js';
import type { Command, EventArgsMap } from './catalog.js';

export type { Command, EventArgsMap } from './catalog.js';

/** One event, as listeners see it. `ts` is always set. */
export interface HubEvent<C extends Command = Command> {
  /** The configured network the event came from. */
  readonly network: string;
  /**
   * Who caused it: a user id (nick, JID) or a server name on that network; for events the
   * hub itself makes (ENDBURST, DISCONNECT) the network name.
   */
  readonly sender: string;
  readonly command: C;
  readonly args: EventArgsMap[C];
  /** Milliseconds since the Unix epoch. */
  readonly ts: number;
}

/** Any event in the catalog, discriminated by `command`. */
export type AnyEvent = { [C in Command]: HubEvent<C> }[Command];

/** What a producer hands to the hub: `ts` may be missing and is then stamped with the current time. */
export type EventInput<C extends Command = Command> = Omit<HubEvent<C>, 'ts'> & { readonly ts?: number };
export type AnyEventInput = { [C in Command]: EventInput<C> }[Command];

/** Applies the catalog's ts rule: keep a producer's `ts`, otherwise stamp `now()`. */
export function stampEvent<E extends AnyEventInput>(input: E, now: () => number = Date.now): E & { ts: number } {
  if (typeof input.ts === 'number' && Number.isFinite(input.ts)) return input as E & { ts: number };
  return { ...input, ts: now() };
}

/** The channel an event is scoped to, if any. */
export function channelOf(event: AnyEventInput): ChannelRef | undefined {
  const args = event.args as { channel?: ChannelRef };
  return args.channel;
}

/**
 * The key that orders an event: events with the same key are handled one after another in
 * arrival order. Channel events are keyed by channel; other events by their network.
 */
export function orderingKey(event: AnyEventInput): string {
  const channel = channelOf(event);
  return channel ? `${channel.network}\u0000${channel.id}` : `${event.network}\u0000`;
}
