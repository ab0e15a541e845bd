/**
 * Comparing channels and channel-user pairs by value. Channel ids compare case-insensitively
 * (IRC channel names and XMPP room JIDs both do); user ids compare exactly, as the networks
 * hand them out (IRC: casefolded nick; XMPP: occupant JID).
 */
import type { ChannelRef, UserRef } from '../../core/refs.js';
import type { AccessPair } from '../../modules/access-predicate.js';

/** A string that is equal for equal channels. */
export function channelKey(channel: ChannelRef): string {
  return `${channel.network}\u0000${channel.id.toLowerCase()}`;
}

/** A string that is equal for the same user on the same network. */
export function userKey(user: UserRef): string {
  return `${user.network}\u0000${user.id}`;
}

/** A string that is equal for the same user in the same channel. */
export function pairKey(pair: AccessPair): string {
  return `${channelKey(pair.channel)}\u0000${userKey(pair.user)}`;
}

/** true when both refs name the same channel. */
export function sameChannel(a: ChannelRef, b: ChannelRef): boolean {
  return channelKey(a) === channelKey(b);
}

/** `network:id nick` for logs and replies. */
export function describePair(pair: AccessPair): string {
  const nick = pair.user.nick && pair.user.nick !== pair.user.id ? ` (${pair.user.nick})` : '';
  return `${pair.channel.network}:${pair.channel.id} ${pair.user.id}${nick}`;
}
