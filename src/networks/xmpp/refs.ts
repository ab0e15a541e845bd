/**
 * UserRefs and presence states for XMPP entities.
 */
import type { ChannelRef, UserRef } from '../../core/refs.js';
import type { PresenceArgs } from '../../core/catalog.js';
import { bareJid, resourceOf } from './jid.js';
import type { MucRoom, Occupant } from './muc-room.js';
import { optional } from './muc-room.js';

/** A room occupant: id is the occupant JID, nick the room nick, account the real bare JID when known. */
export function occupantRef(network: string, occupant: Occupant): UserRef {
  return {
    network,
    id: occupant.jid,
    nick: occupant.nick,
    ...optional('account', occupant.realJid === undefined ? undefined : bareJid(occupant.realJid)),
  };
}

/** The occupants of a joined room as UserRefs (Network.members); none when not joined. */
export function roomMembers(rooms: ReadonlyMap<string, MucRoom>, network: string, channel: ChannelRef): UserRef[] {
  const room = rooms.get(bareJid(channel.id));
  return room?.joined ? room.members().map((o) => occupantRef(network, o)) : [];
}

/**
 * Network.isModerator: a room moderator (role `moderator`: owners, admins and those granted it)
 * is; others are not; undefined when the room is not joined or the occupant is unknown.
 */
export function isRoomModerator(rooms: ReadonlyMap<string, MucRoom>, channel: ChannelRef, user: UserRef): boolean | undefined {
  const room = rooms.get(bareJid(channel.id));
  const occupant = room?.joined ? room.members().find((o) => o.jid === user.id) : undefined;
  return occupant?.role === undefined ? undefined : occupant.role === 'moderator';
}

/** A contact (one-to-one chat): id is the bare JID, or the occupant JID for a private MUC message. */
export function contactRef(network: string, jid: string, viaRoom: boolean): UserRef {
  if (viaRoom) return { network, id: jid, nick: resourceOf(jid) };
  const bare = bareJid(jid);
  return { network, id: bare, nick: bare.split('@')[0] ?? bare, account: bare };
}

/** Maps an XMPP presence (type + show) to the catalog's presence state. */
export function presenceState(type: string, show: string | undefined): PresenceArgs['state'] {
  if (type === 'unavailable') return 'offline';
  switch (show) {
    case 'away':
      return 'away';
    case 'dnd':
      return 'dnd';
    case 'xa':
      return 'xa';
    default:
      return 'online';
  }
}
