/**
 * The NetworkHandle modules use: a configured network plus its supervisor, with sends counted.
 */
import type { ChannelRef, UserRef } from './refs.js';
import type { ChannelRestore, MemberStatus, ModerationActions, Network, PuppetChange, NetworkCapabilities, NetworkState, OutgoingMessage, SendResult } from './network.js';
import type { NetworkSupervisor } from './supervisor.js';
import type { PresenceArgs } from './catalog.js';

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
  /** Outgoing items the network has accepted but not yet written (its flood-control queue). */
  queueDepth(): number;
  /** The bot itself as seen in `channel`, when the network can tell (see Network.botUser). */
  botUser(channel: ChannelRef): UserRef | undefined;
  /**
   * Whether `user` may moderate `channel` as far as the network says (IRC channel operator,
   * XMPP room moderator); `undefined` when the network cannot tell (see Network.isModerator).
   */
  isModerator(channel: ChannelRef, user: UserRef): boolean | undefined;
  /**
   * `user`'s standing in `channel` (see Network.memberStatus), read through `isModerator` where
   * the network has no finer answer; `undefined` when the network cannot tell.
   */
  memberStatus(channel: ChannelRef, user: UserRef): MemberStatus | undefined;
  /** A remote person left `channel`: their puppet leaves it too, where the network has one (see Network.leave). */
  leave?(channel: ChannelRef, user: UserRef, reason: string, quit: boolean): Promise<void>;
  /** Shows a remote person's change natively, where the network can (see Network.puppetChange); absent otherwise. */
  puppetChange?(channel: ChannelRef, user: UserRef, change: PuppetChange): Promise<boolean>;
  /** The remote person one of the network's own users stands for (see Network.puppetOf). */
  puppetOf(user: UserRef): UserRef | undefined;
  /** Tells the network remote people's availability (see Network.presence); absent when it does not show it. */
  presence?(updates: readonly PresenceArgs[]): Promise<void>;
  /** Undoes a refused change to a channel, where the network can (see Network.restoreChannel); absent otherwise. */
  restoreChannel?(channel: ChannelRef, what: ChannelRestore): Promise<boolean>;
  /** The people of network `network` are gone: their users of their own here quit (see Network.leaveAll). */
  leaveAll(network: string, reason: string): Promise<void>;
  deleteMessage(channel: ChannelRef, messageId: string): Promise<void>;
  /** Adds or withdraws a reaction; `asUser`: the remote person reacting (see Network.react). */
  react(channel: ChannelRef, messageId: string, reaction: string, remove: boolean, asUser?: UserRef): Promise<void>;
  /**
   * The ids of the messages that sends with delivery ids `deliveryIds` already put in `channel`
   * since `since` (ms since the epoch), per delivery id, looked up on the server; `undefined`
   * when the network cannot tell (see Network.findDelivered).
   */
  findDelivered(channel: ChannelRef, deliveryIds: readonly string[], since: number): Promise<ReadonlyMap<string, readonly string[]> | undefined>;
  /** Present when the network supports moderation. */
  readonly moderation?: ModerationActions;
}

/** Counts what is sent, per network and command (MESSAGE, EDIT, DELETE, REACT). */
export type SendCounter = (network: string, command: string) => void;

export function createNetworkHandle(network: Network, supervisor: NetworkSupervisor, countSend: SendCounter): NetworkHandle {
  const unsupported = (what: string) =>
    Promise.reject(new Error(`network ${network.name} (${network.protocol}) does not support ${what}`));
  return {
    name: network.name,
    protocol: network.protocol,
    capabilities: network.capabilities,
    state: () => supervisor.status.state,
    async send(message: OutgoingMessage): Promise<SendResult> {
      const result = await network.send(message);
      countSend(network.name, message.editOf ? 'EDIT' : 'MESSAGE');
      return result;
    },
    join: (channel: ChannelRef) => network.join(channel),
    part: (channel: ChannelRef, reason?: string) => network.part(channel, reason),
    members: (channel: ChannelRef) => network.members(channel),
    queueDepth: () => network.queueDepth(),
    botUser: (channel: ChannelRef) => network.botUser?.(channel),
    isModerator: (channel: ChannelRef, user: UserRef) => network.isModerator?.(channel, user),
    memberStatus(channel: ChannelRef, user: UserRef): MemberStatus | undefined {
      if (network.memberStatus) return network.memberStatus(channel, user);
      const moderator = network.isModerator?.(channel, user);
      return moderator === undefined ? undefined : moderator ? 'op' : 'none';
    },
    leave: (channel: ChannelRef, user: UserRef, reason: string, quit: boolean) => network.leave?.(channel, user, reason, quit) ?? Promise.resolve(),
    ...(network.puppetChange ? { puppetChange: (channel: ChannelRef, user: UserRef, change: PuppetChange) => network.puppetChange!(channel, user, change) } : {}),
    puppetOf: (user: UserRef) => network.puppetOf?.(user),
    leaveAll: (gone: string, reason: string) => network.leaveAll?.(gone, reason) ?? Promise.resolve(),
    ...(network.presence ? { presence: (updates: readonly PresenceArgs[]) => network.presence!(updates) } : {}),
    ...(network.restoreChannel ? { restoreChannel: (channel: ChannelRef, what: ChannelRestore) => network.restoreChannel!(channel, what) } : {}),
    async deleteMessage(channel: ChannelRef, messageId: string): Promise<void> {
      if (!network.deleteMessage) return unsupported('deleting messages');
      await network.deleteMessage(channel, messageId);
      countSend(network.name, 'DELETE');
    },
    async react(channel: ChannelRef, messageId: string, reaction: string, remove: boolean, asUser?: UserRef): Promise<void> {
      if (!network.react) return unsupported('reactions');
      await network.react(channel, messageId, reaction, remove, asUser);
      countSend(network.name, 'REACT');
    },
    findDelivered: (channel: ChannelRef, deliveryIds: readonly string[], since: number) =>
      network.findDelivered?.(channel, deliveryIds, since) ?? Promise.resolve(undefined),
    ...(network.moderation ? { moderation: network.moderation } : {}),
  };
}
