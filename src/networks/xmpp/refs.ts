/**
 * UserRefs and presence states for XMPP entities.
 */
import type { UserRef } from '../../core/refs.js';
import type { PresenceArgs } from '../../core/catalog.js';
import { bareJid, resourceOf } from './jid.js';
import type { Occupant } from './muc-room.js';
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
