/**
 * The NetworkHandle modules use: a configured network plus its supervisor, with sends counted.
 */
import type { NetworkHandle } from '../modules/api.js';
import type { ChannelRef, UserRef } from './refs.js';
import type { Network, OutgoingMessage, SendResult } from './network.js';
import type { NetworkSupervisor } from './supervisor.js';

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
    async deleteMessage(channel: ChannelRef, messageId: string): Promise<void> {
      if (!network.deleteMessage) return unsupported('deleting messages');
      await network.deleteMessage(channel, messageId);
      countSend(network.name, 'DELETE');
    },
    async react(channel: ChannelRef, messageId: string, reaction: string, remove: boolean): Promise<void> {
      if (!network.react) return unsupported('reactions');
      await network.react(channel, messageId, reaction, remove);
      countSend(network.name, 'REACT');
    },
    findDelivered: (channel: ChannelRef, deliveryIds: readonly string[], since: number) =>
      network.findDelivered?.(channel, deliveryIds, since) ?? Promise.resolve(undefined),
    ...(network.moderation ? { moderation: network.moderation } : {}),
  };
}
