/**
 * Who a person is after a rename, for networks whose user ids carry the name: an IRC user's id
 * is their (folded) nick, an XMPP occupant's id is `room@service/nick`. The relay needs the new
 * identity to move a person's user of their own elsewhere (a virtual client) to the new name.
 */
import type { UserRef } from '../../core/refs.js';

/**
 * `user` (as known before the change) renamed from `oldNick` to `newNick`: the id follows the
 * nick where it is the nick (compared without case, keeping the id's own case: lower case stays
 * lower case) or ends with `/<oldNick>`; any other id (an account, a stable occupant id) stays.
 */
export function renamedUser(user: UserRef, oldNick: string, newNick: string): UserRef {
  let id = user.id;
  if (id.toLowerCase() === oldNick.toLowerCase()) id = id === id.toLowerCase() && id !== oldNick ? newNick.toLowerCase() : newNick;
  else if (id.endsWith(`/${oldNick}`)) id = `${id.slice(0, id.length - oldNick.length)}${newNick}`;
  return { ...user, id, nick: newNick };
}

/** The member of a room whose nick is `nick` (without case), if there is one. */
export function memberNamed(members: readonly UserRef[], nick: string): UserRef | undefined {
  const folded = nick.toLowerCase();
  return members.find((m) => (m.nick ?? m.id).toLowerCase() === folded);
}
