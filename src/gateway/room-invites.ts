/**
 * Invitations to gateway rooms (ADR 0010 §9, docs/gateway.md "Group chats"), pure: the person's
 * mediated invitation (XEP-0045 §7.8.2, `<x xmlns=muc#user><invite to=…>` sent to the room) read
 * into the legacy user to invite, and a legacy user's invitation of the person built as a
 * mediated invitation from the room JID (with a body for clients that show none).
 *
 * Only users of the legacy network can be invited from XMPP: the invitee is a contact JID of the
 * gateway (`nick@gateway`). Another XMPP address is refused (the room lives on the legacy
 * network; an XMPP user joins it by registering with the gateway), as is more than one invitee
 * per message (IRC has one INVITE per person; a client sends one message each).
 */
import xml, { type Element } from '@xmpp/xml';
import { stripInvalidXmlChars as clean } from '../networks/xmpp/xml-chars.js';
import { contactKeyOf, contactLocalpart } from './contacts.js';
import { NS } from './xmpp/namespaces.js';

/** The most characters of an invitation's reason. */
const MAX_REASON = 300;

/** A mediated invitation read: the legacy user and why, or why not. */
export type InviteRequest =
  | { readonly ok: true; readonly invitee: string; readonly reason?: string }
  | { readonly ok: false; readonly text: string };

/** The `invite` elements of `message` (none: it is not an invitation). */
export function invitesOf(message: Element): Element[] {
  return message.getChild('x', NS.mucUser)?.getChildren('invite') ?? [];
}

/** The legacy user `invites` (from {@link invitesOf}, at least one) ask for, on the gateway `domain`. */
export function readInvite(invites: readonly Element[], domain: string): InviteRequest {
  if (invites.length !== 1) return { ok: false, text: 'invite one person per message' };
  const to = String(invites[0]?.attrs.to ?? '');
  const at = to.indexOf('@');
  const bare = to.split('/')[0] ?? '';
  const invitee = at > 0 && bare.slice(at + 1).toLowerCase() === domain.toLowerCase() ? contactKeyOf(bare.slice(0, at)) : undefined;
  if (invitee === undefined) return { ok: false, text: `only people of the network (nick@${domain}) can be invited to this room; others join by registering with ${domain}` };
  const reason = (invites[0]?.getChildText('reason') ?? '').replace(/\s+/gu, ' ').trim().slice(0, MAX_REASON);
  return { ok: true, invitee, ...(reason === '' ? {} : { reason }) };
}

/**
 * The mediated invitation of `person` (bare JID) to `roomJid`, from the legacy user `by` (a contact
 * key: shown as their contact JID) on the gateway `domain`.
 */
export function invitation(roomJid: string, roomName: string, person: string, by: string, domain: string, reason?: string): Element {
  const local = contactLocalpart(by);
  const inviter = local === undefined ? domain : `${local}@${domain}`;
  const text = `${by} invites you to ${roomName}${reason === undefined ? '' : `: ${reason}`} (join ${roomJid})`;
  return xml('message', { from: roomJid, to: person },
    xml('x', { xmlns: NS.mucUser }, xml('invite', { from: inviter }, reason === undefined ? null : xml('reason', {}, clean(reason)))),
    xml('body', {}, clean(text)));
}
