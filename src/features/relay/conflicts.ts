/**
 * PyLink's conflict rules on the relay's side, for networks whose remote people are users of
 * their own (irc-link virtual clients):
 * - a KILL of one is relayed as kicks of the person, where the killer may kick (the link has
 *   brought the user back already);
 * - a kick of a remote person's user of their own is relayed as a kick of the person on their
 *   own network when the kicker is a moderator on a network that passes the bridge's claim (and
 *   the person's network can kick: a link kicks natively, others through `moderation`);
 *   otherwise it is undone (the user of their own rejoins) and the kicker gets a notice saying why;
 * - a topic or mode change made by a person on a network that fails the claim is undone there
 *   (Network.restoreChannel) and not relayed.
 */
import type { ModeChange } from '../../core/catalog.js';
import type { ChannelRef, UserRef } from '../../core/refs.js';
import type { ModuleApi } from '../../modules/api.js';
import { byServer, inverseModes, passesClaim } from './claim.js';
import type { RelayBridge } from './config.js';

export interface ConflictOptions {
  readonly api: ModuleApi;
  /** The bridge a channel is in. */
  bridgeOf(channel: ChannelRef): RelayBridge | undefined;
  /** Every bridge. */
  bridges(): readonly RelayBridge[];
  /** Logs at info once per key. */
  logOnce(key: string, fields: object, message: string): void;
}

export class Conflicts {
  constructor(private readonly options: ConflictOptions) {}

  /**
   * A KICK in `channel`: when its target is a remote person's user of their own, handles it as
   * PyLink does and returns true (the event is not relayed as an ordinary kick).
   */
  async kicked(channel: ChannelRef, target: UserRef, by: UserRef | undefined, reason: string): Promise<boolean> {
    const { api } = this.options;
    const here = api.network(channel.network);
    const remote = here?.puppetOf(target);
    const bridge = this.options.bridgeOf(channel);
    if (!here || !remote || !bridge) return false;
    const home = bridge.channels.find((c) => c.network === remote.network);
    let why: string | undefined;
    if (!by) why = 'only a person may kick a remote user';
    else if (!passesClaim(bridge.claim, channel.network)) why = `this channel belongs to ${bridge.claim.join(', ')}`;
    else if (here.isModerator(channel, by) === false) why = 'you are not a channel operator here';
    else if (!home) why = `${remote.network} is not in this bridge`;
    else if (!(await this.kickAt(home, by, remote, reason))) why = `the bridge cannot kick on ${remote.network}`;
    if (why === undefined) {
      // Out of the channel on this side already; out of the network when it was its last one.
      await here.leave?.(channel, remote, reason, false).catch(() => undefined);
      return true;
    }
    this.options.logOnce(`kick-undone\u0000${channel.network}\u0000${channel.id}\u0000${why}`, { channel, why }, 'relay: a kick of a remote user was undone (they rejoin)');
    await here.puppetChange?.(channel, remote, { kind: 'join' }).catch(() => false);
    if (by) {
      const text = `${remote.nick ?? remote.id} is on ${remote.network} and was not kicked there: ${why}; they rejoined.`;
      await here.send({ target: { user: by }, kind: 'notice', body: [{ type: 'text', text }] }).catch(() => undefined);
    }
    return true;
  }

  /**
   * A KILL of a remote person's user of their own on `network` (PyLink turns it into kicks):
   * the link brings the user back at once (it rejoins its channels); here, in every bridge that
   * joins a channel of `network` with the person's own room, the killer's KILL is relayed as a
   * kick of the person there when the killer may (a channel operator in the bridged channel, a
   * network passing the claim) and the bridge can kick there. Otherwise the user simply stays.
   */
  async killed(network: string, target: UserRef, by: UserRef | undefined, reason: string): Promise<void> {
    const { api } = this.options;
    const here = api.network(network);
    const remote = here?.puppetOf(target);
    if (!here || !remote || !by) return;
    for (const bridge of this.bridgesWith(network, remote.network)) {
      const channel = bridge.channels.find((c) => c.network === network);
      const home = bridge.channels.find((c) => c.network === remote.network);
      if (!channel || !home || !passesClaim(bridge.claim, network) || here.isModerator(channel, by) !== true) continue;
      if (await this.kickAt(home, by, remote, `killed${reason ? ` (${reason})` : ''}`)) {
        this.options.logOnce(`kill-kick\u0000${network}\u0000${home.id}`, { channel, home }, 'relay: a KILL of a remote user was relayed as a kick in their own room');
      }
    }
  }

  /** The bridges with a channel on both networks. */
  private bridgesWith(network: string, other: string): RelayBridge[] {
    return this.options.bridges().filter((b) => b.channels.some((c) => c.network === network) && b.channels.some((c) => c.network === other));
  }

  /** Kicks `remote` from their own room `home` for `by` (natively on a link, else as the bot). */
  private async kickAt(home: ChannelRef, by: UserRef, remote: UserRef, reason: string): Promise<boolean> {
    const handle = this.options.api.network(home.network);
    if (!handle) return false;
    try {
      if (handle.puppetChange) return await handle.puppetChange(home, by, { kind: 'kick', target: remote, reason });
      if (!handle.moderation) return false;
      await handle.moderation.kick(home, remote, `${by.nick ?? by.id}@${by.network}${reason ? `: ${reason}` : ''}`);
      return true;
    } catch {
      return false;
    }
  }

  /**
   * A topic change: true when it fails the bridge's claim (made by a person on a network that
   * does not own the channel); it is then set back to `oldText` where the network can.
   */
  async topicRefused(channel: ChannelRef, setter: string, oldText: string | undefined): Promise<boolean> {
    const bridge = this.options.bridgeOf(channel);
    if (!bridge || passesClaim(bridge.claim, channel.network) || byServer(setter)) return false;
    const restore = this.options.api.network(channel.network)?.restoreChannel;
    const done = oldText !== undefined && restore !== undefined && await restore(channel, { topic: oldText }).catch(() => false);
    this.options.logOnce(`claim-topic\u0000${channel.network}\u0000${channel.id}`, { channel, setter, reverted: done }, 'relay: a topic change on a network outside the bridge\'s claim is not relayed (reverted where the network can)');
    return true;
  }

  /** A channel mode change: undone when it fails the bridge's claim (as for topics). */
  async modesChanged(channel: ChannelRef, setter: string, modes: readonly ModeChange[]): Promise<void> {
    const bridge = this.options.bridgeOf(channel);
    if (!bridge || passesClaim(bridge.claim, channel.network) || byServer(setter)) return;
    const restore = this.options.api.network(channel.network)?.restoreChannel;
    const undo = inverseModes(modes);
    const done = restore !== undefined && undo.length > 0 && await restore(channel, { modes: undo }).catch(() => false);
    this.options.logOnce(`claim-mode\u0000${channel.network}\u0000${channel.id}`, { channel, setter, reverted: done }, 'relay: a mode change on a network outside the bridge\'s claim (reverted where the network can)');
  }
}
