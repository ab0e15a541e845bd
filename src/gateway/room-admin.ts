/**
 * Moderation of a gateway room from XMPP (ADR 0010 §9, docs/gateway.md "Group chats"): a
 * `muc#admin` set with one item, role `none` (XEP-0045 §8.2, kick) or affiliation `outcast`
 * (§9.1, ban), becomes the legacy session's `moderateRoom`. Pure reading of the request here;
 * whether the person may do it is the legacy network's call (IRC: their prefix in the channel).
 *
 * The participant is named by `nick`, or by a `jid`: an occupant JID of this room (`room/nick`)
 * or a contact JID of the gateway (`nick@gateway`, how the person knows an IRC user one-to-one;
 * occupants carry no real JID, the room is semi-anonymous). Anything else is `bad-request`.
 */
import type { Element } from '@xmpp/xml';
import type { RoomModeration } from './api.js';
import { contactKeyOf } from './contacts.js';

/** The most characters of a reason taken from the request. */
const MAX_REASON = 300;

/** A request read: the action, or why it cannot be done (an XMPP error). */
export type AdminRequest =
  | { readonly ok: true; readonly action: RoomModeration }
  | { readonly ok: false; readonly condition: 'bad-request' | 'feature-not-implemented'; readonly text: string };

/**
 * The moderation asked by a `muc#admin` `query` sent to `roomJid` (bare) on the gateway `domain`.
 * Only one item per request (a list change of several is refused: IRC has no transaction).
 */
export function readAdminRequest(query: Element, roomJid: string, domain: string): AdminRequest {
  const items = query.getChildren('item');
  const item = items[0];
  if (item === undefined || items.length > 1) return { ok: false, condition: 'bad-request', text: 'give exactly one item' };
  const role = item.attrs.role;
  const affiliation = item.attrs.affiliation;
  let kind: RoomModeration['kind'];
  if (role === 'none' && affiliation === undefined) kind = 'kick';
  else if (affiliation === 'outcast' && role === undefined) kind = 'ban';
  else return { ok: false, condition: 'feature-not-implemented', text: 'only kicks (role none) and bans (affiliation outcast) are done from XMPP; give roles with the network (IRC: MODE)' };
  const nick = nickOf(item, roomJid, domain);
  if (nick === undefined) return { ok: false, condition: 'bad-request', text: 'name the participant by nick, occupant JID or nick@gateway' };
  const reason = (item.getChildText('reason') ?? '').replace(/\s+/gu, ' ').trim().slice(0, MAX_REASON);
  return { ok: true, action: { kind, nick, ...(reason === '' ? {} : { reason }) } };
}

function nickOf(item: Element, roomJid: string, domain: string): string | undefined {
  const nick = item.attrs.nick;
  if (typeof nick === 'string' && nick !== '') return nick;
  const jid = item.attrs.jid;
  if (typeof jid !== 'string') return undefined;
  if (jid.toLowerCase().startsWith(`${roomJid.toLowerCase()}/`)) return jid.slice(roomJid.length + 1) || undefined;
  const at = jid.indexOf('@');
  if (at <= 0 || jid.includes('/') || jid.slice(at + 1).toLowerCase() !== domain.toLowerCase()) return undefined;
  return contactKeyOf(jid.slice(0, at));
}
