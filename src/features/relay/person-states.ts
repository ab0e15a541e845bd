/**
 * Away and typing of people in bridged channels, shown natively where a target shows people as
 * users of their own (Network.puppetChange kinds `away` and `typing`: an XMPP component's
 * puppets), never as notices, and only where the bridge relays that side's messages.
 *
 * Away goes in line with the messages (a queued native-only notice): it is state, and must not
 * overtake the message that brings the person's puppet. Typing goes straight to the target, not
 * stored: stale long before a queue held up by an outage would deliver it, so it is dropped
 * while the target is down, and shown only by a user of their own already in the target.
 */
import type { HubEvent } from '../../core/event.js';
import type { PuppetChange } from '../../core/network.js';
import type { ChannelRef, UserRef } from '../../core/refs.js';
import type { ModuleApi } from '../../modules/api.js';
import type { RelayBridge } from './config.js';
import { describe, type NoticeJob } from './jobs.js';

/** What the relay lends. */
export interface PersonStatesDeps {
  readonly api: ModuleApi;
  /** The bridge `channel` is in. */
  bridgeOf(channel: ChannelRef): RelayBridge | undefined;
  /** Bridged channels of `network` where `nick` is a member. */
  channelsWith(network: string, nick: string): ChannelRef[];
  /** Whether an event of `network` at `ts` belongs to its (re)connect (not relayed). */
  fromBurst(network: string, ts: number): boolean;
  /** Whether what `user` does in `channel` may be relayed (the modules' userMayRelay). */
  mayRelay(channel: ChannelRef, user: UserRef): boolean | Promise<boolean>;
  /** Queues a job for its target, in line with the messages. */
  push(job: NoticeJob): void;
}

export class PersonStates {
  private failureLogged = false;

  constructor(private readonly deps: PersonStatesDeps) {}

  /** AWAY: the person's users of their own in the bridges' other channels show it (queued). */
  async away(event: HubEvent<'AWAY'>): Promise<void> {
    const { user, text } = event.args;
    const change: PuppetChange = { kind: 'away', text };
    for (const channel of this.deps.channelsWith(event.network, user.nick ?? user.id)) {
      for (const target of await this.targets(channel, user, event.ts)) {
        const message = describe(channel, user, text === '' ? [] : [{ type: 'text', text }], event.ts, `away:${event.ts}`);
        this.deps.push({ op: 'notice', bridge: target.bridge, target: target.channel, message, native: { actor: user, change }, nativeOnly: true });
      }
    }
  }

  /** TYPING in a channel: shown at once by the person's users of their own that are in the targets (not queued). */
  async typing(event: HubEvent<'TYPING'>): Promise<void> {
    const { channel, user, state } = event.args;
    if (channel === undefined) return;
    for (const { channel: target } of await this.targets(channel, user, event.ts)) {
      const handle = this.deps.api.network(target.network);
      if (!handle?.puppetChange || !handle.capabilities.typing || handle.state() !== 'connected') continue;
      // Not awaited: a slow target never holds up the events behind this one (the order of one
      // person's states is kept: the network takes each in the order it is called).
      void handle.puppetChange(target, user, { kind: 'typing', state }).catch((error: unknown) => this.failed(error, target));
    }
  }

  /**
   * The other channels of `channel`'s bridge whose network shows people's changes natively and
   * that take `channel`'s messages; none for the bridge's own users, during a (re)connect, or
   * for someone the modules do not let through.
   */
  private async targets(channel: ChannelRef, user: UserRef, ts: number): Promise<{ readonly bridge: string; readonly channel: ChannelRef }[]> {
    const bridge = this.deps.bridgeOf(channel);
    const handle = this.deps.api.network(channel.network);
    if (!bridge || !handle || this.deps.fromBurst(channel.network, ts)) return [];
    if (handle.botUser(channel)?.id === user.id || handle.puppetOf(user) !== undefined) return [];
    const targets = bridge.channels.filter((target) =>
      target.network !== channel.network
      && this.deps.api.network(target.network)?.puppetChange !== undefined
      && bridge.optionsFor(target.network, channel.network).events.messages);
    if (targets.length === 0 || !(await this.deps.mayRelay(channel, user))) return [];
    return targets.map((target) => ({ bridge: bridge.name, channel: target }));
  }

  private failed(error: unknown, target: ChannelRef): void {
    if (this.failureLogged) return;
    this.failureLogged = true;
    this.deps.api.log.info({ err: error, target }, 'relay: a typing notification could not be shown (logged once)');
  }
}
