/**
 * Roles and affiliations from XMPP (XEP-0045 §8.4-8.6, §9.3-9.5, §9.8, §10.3-10.7; ADR 0010 "Room
 * configuration, voice, persistent rooms"), pure: a `muc#admin` set giving a role (`moderator`,
 * `participant`, `visitor`) or an affiliation (`admin`, `member`, `none`) becomes a
 * {@link RoomRoleChange} for the legacy session; a `muc#admin` get of one role or affiliation
 * (the voice list, the moderator list, the member, admin and owner lists) is answered from the
 * room's participants, and `outcast` (the ban list) by the legacy network. Kicks and bans
 * (role `none`, affiliation `outcast` in a set) stay room-admin.ts's.
 */
import xml, { type Element } from '@xmpp/xml';
import type { RoomAffiliation, RoomBan, RoomParticipant, RoomRole, RoomRoleChange } from './api.js';
import { contactLocalpart } from './contacts.js';
import { readAdminRequest } from './room-admin.js';
import { stripInvalidXmlChars as clean } from '../networks/xmpp/xml-chars.js';
import { NS } from './xmpp/namespaces.js';

const ROLES: ReadonlySet<string> = new Set<RoomRole>(['moderator', 'participant', 'visitor']);
const AFFILIATIONS: ReadonlySet<string> = new Set<RoomAffiliation>(['owner', 'admin', 'member', 'none']);

/**
 * The role change a `muc#admin` set asks, or undefined when it asks something else (a kick, a
 * ban: room-admin.ts answers those, and its errors).
 */
export function readRoleChange(query: Element, roomJid: string, domain: string): RoomRoleChange | undefined {
  const items = query.getChildren('item');
  const item = items[0];
  if (item === undefined || items.length > 1) return undefined;
  const { role, affiliation } = item.attrs as { role?: string; affiliation?: string };
  const byRole = role !== undefined && affiliation === undefined && ROLES.has(role);
  const byAffiliation = affiliation !== undefined && role === undefined && AFFILIATIONS.has(affiliation);
  if (!byRole && !byAffiliation) return undefined;
  // The participant is named as for a kick (nick, occupant JID or contact JID).
  const { nick, jid } = item.attrs as { nick?: string; jid?: string };
  const named = readAdminRequest(xml('query', {}, xml('item', { role: 'none', ...(nick === undefined ? {} : { nick }), ...(jid === undefined ? {} : { jid }) })), roomJid, domain);
  if (!named.ok) return undefined;
  return byRole ? { nick: named.action.nick, role: role as RoomRole } : { nick: named.action.nick, affiliation: affiliation as RoomAffiliation };
}

/** The list a `muc#admin` get asks (one item with a role or an affiliation), or undefined. */
export function readListRequest(query: Element): { readonly role: RoomRole } | { readonly affiliation: RoomAffiliation | 'outcast' } | undefined {
  const items = query.getChildren('item');
  const item = items[0];
  if (item === undefined || items.length > 1) return undefined;
  const { role, affiliation } = item.attrs as { role?: string; affiliation?: string };
  if (role !== undefined && affiliation === undefined && ROLES.has(role)) return { role: role as RoomRole };
  if (affiliation !== undefined && role === undefined && (AFFILIATIONS.has(affiliation) || affiliation === 'outcast')) return { affiliation: affiliation as RoomAffiliation | 'outcast' };
  return undefined;
}

/** The `muc#admin` result listing the participants (the person included) who have the role or affiliation asked. */
export function participantList(everyone: Iterable<RoomParticipant>, asked: { readonly role: RoomRole } | { readonly affiliation: RoomAffiliation | 'outcast' }): Element {
  const matches = [...everyone].filter((p) => ('role' in asked ? p.role === asked.role : p.affiliation === asked.affiliation));
  // Semi-anonymous: no real JIDs; each item names the occupant by nick.
  return xml('query', { xmlns: NS.mucAdmin }, matches.map((p) => xml('item', { nick: clean(p.nick), role: p.role, affiliation: p.affiliation })));
}

/**
 * The ban list as a `muc#admin` result: each mask as an outcast whose JID is the mask escaped on
 * the gateway domain (a mask is no JID; XEP-0106 escaping keeps it readable), with who set it.
 */
export function banList(domain: string, bans: readonly RoomBan[]): Element {
  return xml('query', { xmlns: NS.mucAdmin }, bans.flatMap((ban) => {
    const local = contactLocalpart(ban.mask);
    return local === undefined ? [] : [xml('item', { affiliation: 'outcast', jid: `${local}@${domain}` }, xml('reason', {}, clean(`ban mask ${ban.mask}${ban.by === undefined ? '' : ` (set by ${ban.by})`}`)))];
  }));
}
