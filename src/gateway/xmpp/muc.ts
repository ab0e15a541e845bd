/**
 * The stanzas of a room the gateway hosts (XEP-0045 from the room's side), pure: occupant
 * presences with their role, affiliation and status codes, groupchat messages, the subject,
 * disco#info of the room. Every text goes through `stripInvalidXmlChars` (IRC control codes
 * cannot reach the stream); occupants carry no real JID (the room is semi-anonymous, ADR 0010).
 */
import xml, { type Element } from '@xmpp/xml';
import { stripInvalidXmlChars as clean } from '../../networks/xmpp/xml-chars.js';
import type { RoomParticipant } from '../api.js';
import { NS } from './namespaces.js';

/** The room features a gateway room announces (an IRC channel: public, open, semi-anonymous, not persistent). */
export const ROOM_FEATURES: readonly string[] = [
  NS.muc, NS.discoInfo, NS.ping, 'muc_public', 'muc_open', 'muc_semianonymous', 'muc_unmoderated', 'muc_unsecured', 'muc_temporary', NS.stableIds,
];

/** XEP-0045 status codes the gateway uses. */
export const STATUS = {
  /** Non-anonymous room: not ours. */
  self: '110',
  /** The room changed the person's nick on join. */
  renamedOnJoin: '210',
  /** A nick change (with the new nick in the item). */
  nickChange: '303',
  kicked: '307',
  /** The join created the room. */
  created: '201',
  /** Removed because the service (the legacy connection) went away. */
  shutdown: '332',
  /** The room may show every occupant's real JID: not used. */
  nonAnonymous: '100',
} as const;

/** How an occupant presence is sent. */
export interface OccupantPresenceOptions {
  readonly codes?: readonly string[];
  readonly unavailable?: boolean;
  /** The new nick of a nick change (status 303). */
  readonly newNick?: string;
  /** A reason (a part message, why the person was removed). */
  readonly status?: string;
}

/** The occupant JID `room/nick`. */
export function occupantJid(room: string, nick: string): string {
  return `${room}/${clean(nick)}`;
}

/** An occupant's presence in `room` to `to` (a full JID of the person); a kick's reason also in the item (XEP-0045 §8.2). */
export function occupantPresence(room: string, to: string, participant: RoomParticipant, options: OccupantPresenceOptions = {}): Element {
  const item = xml('item', {
    affiliation: participant.affiliation,
    role: options.unavailable === true ? 'none' : participant.role,
    ...(options.newNick === undefined ? {} : { nick: clean(options.newNick) }),
  }, options.status !== undefined && options.codes?.includes(STATUS.kicked) === true ? xml('reason', {}, clean(options.status)) : null);
  return xml('presence', { from: occupantJid(room, participant.nick), to, ...(options.unavailable === true ? { type: 'unavailable' } : {}) },
    options.status === undefined ? null : xml('status', {}, clean(options.status)),
    xml('x', { xmlns: NS.mucUser }, item, ...(options.codes ?? []).map((code) => xml('status', { code }))),
    participant.hats === undefined || participant.hats.length === 0 || options.unavailable === true ? null
      : xml('hats', { xmlns: NS.hats }, participant.hats.map((hat) => xml('hat', { uri: hat.uri, title: clean(hat.title) }))));
}

/**
 * A groupchat message in `room` from `nick` (undefined: the room itself) to `to`: `id` is the
 * stanza's id (the sender's own, for a reflection), `stanzaId` the room's unique id for it (XEP-0359).
 */
export function roomMessage(room: string, to: string, nick: string | undefined, body: string, id: string, stanzaId: string = id): Element {
  return xml('message', { type: 'groupchat', from: nick === undefined ? room : occupantJid(room, nick), to, id },
    xml('body', {}, clean(body)),
    xml('stanza-id', { xmlns: NS.stableIds, by: room, id: stanzaId }));
}

/** The room's subject (empty: none), from who set it when known (XEP-0045 §7.2.15: no body). */
export function subjectMessage(room: string, to: string, subject: string, by: string | undefined): Element {
  return xml('message', { type: 'groupchat', from: by === undefined ? room : occupantJid(room, by), to }, xml('subject', {}, clean(subject)));
}

/** The person's self-presence when the room was ended (XEP-0045 §10.9: `destroy` with the reason). */
export function destroyedPresence(room: string, to: string, self: RoomParticipant, reason: string): Element {
  return xml('presence', { from: occupantJid(room, self.nick), to, type: 'unavailable' },
    xml('x', { xmlns: NS.mucUser }, xml('item', { affiliation: 'none', role: 'none' }), xml('destroy', {}, reason === '' ? null : xml('reason', {}, clean(reason))), xml('status', { code: STATUS.self })));
}

/** disco#info of a room JID: a text conference named after the channel, with its features. */
export function roomInfo(name: string, extraFeatures: readonly string[] = []): Element {
  return xml('query', { xmlns: NS.discoInfo },
    xml('identity', { category: 'conference', type: 'text', name: clean(name) }),
    [...ROOM_FEATURES, ...extraFeatures].map((f) => xml('feature', { var: f })));
}
