/**
 * Turns received stanzas into catalog events: room messages, corrections, retractions,
 * reactions, chat states, subjects, occupant presence and one-to-one messages. Changes that
 * concern the bot itself in a room (joined, join error, removed, renamed) go back to the
 * adapter through `onSelfChange`.
 */
import { randomUUID } from 'node:crypto';
import type { Element } from '@xmpp/xml';
import type { Command, EventArgsMap } from '../../core/catalog.js';
import type { AnyEventInput } from '../../core/event.js';
import type { Attachment, Message } from '../../core/message.js';
import type { NetworkContext } from '../../core/network.js';
import type { ChannelRef, UserRef } from '../../core/refs.js';
import { bareJid, resourceOf } from './jid.js';
import { OWN_SENDER, type MessageIds } from './message-ids.js';
import { capText } from '../../core/body-cap.js';
import { optional, type MucRoom, type Occupant, type RoomChange } from './muc-room.js';
import type { ReactionSets } from './reactions.js';
import { contactRef, occupantRef, presenceState } from './refs.js';
import { child, groupchatIds, parseContactPresence, parseMessage, parseMucPresence, type ParsedMessage } from './stanza-parse.js';
import { parseStyling } from './styling-parse.js';
import type { LogOnce } from '../log-once.js';
import type { Confirmations } from './confirmations.js';
import { archivedRealJid, type ArchivedMessage } from './archive.js';
import type { RoomCursor } from '../catch-up/scan.js';
import { NS } from './namespaces.js';

/** Most live messages of one room held while its catch-up runs; one more gives the catch-up up. */
export const MAX_HELD = 5000;

/** What the inbound side needs from the adapter. */
export interface InboundDeps {
  readonly ctx: NetworkContext;
  readonly rooms: ReadonlyMap<string, MucRoom>;
  readonly ids: MessageIds;
  readonly reactions: ReactionSets;
  readonly logOnce: LogOnce;
  /** Our account's bare JID. */
  readonly account: string;
  /** Sends waiting for the room to reflect them. */
  readonly confirmations: Confirmations;
  /** Bare JIDs (lower case) of the bridges whose hop marker is believed (`peerBridges`). */
  readonly peerBridges: ReadonlySet<string>;
  /** Longest body (UTF-8 bytes) parsed as it is; a longer one is cut with a marker. */
  readonly maxBodyBytes: number;
  /** A change about the bot itself in a room. */
  onSelfChange(room: MucRoom, change: RoomChange): void;
  /** A room bounced one of our stanzas (we may no longer be in it). */
  onRoomError(room: MucRoom, condition: string): void;
  /**
   * Notes a room's newest message once what it caused was handled (../catch-up/cursors.ts), for the
   * catch-up after an outage; absent: not noted.
   */
  readonly cursors?: { note(room: string, cursor: RoomCursor, handled: Promise<void>): void };
  /** A room holds {@link MAX_HELD} live messages: its catch-up must give up and release them. */
  onHoldFull?(room: MucRoom): void;
  /**
   * True when the occupant `nick` of `room` is one of the hub's own besides the bot (an XMPP
   * component's puppets): its messages count as our own echoes, its presence is not reported.
   */
  isOwnOccupant?(room: string, nick: string): boolean;
  /**
   * The recipient of a one-to-one message sent to `to` when it is not the account itself (an
   * XMPP component's puppet); undefined or absent: the account. The author of a message to such
   * a recipient is named by their bare JID (`nick`), not its localpart.
   */
  recipientOf?(to: string): UserRef | undefined;
}

/** Who wrote a message, where, and how its ids are scoped. */
interface Origin {
  readonly scope: string;
  /** Who chose the message's own ids (MessageIds): the real JID when known, else the occupant id (XEP-0421), else the occupant or contact JID. */
  readonly sender: string;
  /** The sender's real bare JID, when known (rooms hide it unless non-anonymous or we moderate). */
  readonly realJid?: string;
  /** The room assigned the stanza-id (an id no sender could choose), or none is used. */
  readonly stanzaIdTrusted: boolean;
  readonly author: UserRef;
  readonly channel?: ChannelRef;
  readonly recipient?: UserRef;
  /** Caught up from the room's archive after an outage, not received live. */
  readonly late?: boolean;
}

export class Inbound {
  private readonly network: string;
  /** While one room message is handled: the promises of its events being handled by the hub. */
  private handling: Promise<void>[] | undefined;

  constructor(private readonly deps: InboundDeps) {
    this.network = deps.ctx.name;
  }

  /** Handles one stanza. Never throws: a stanza that cannot be handled is logged once. */
  handle(el: Element): void {
    try {
      if (el.name === 'message') this.message(el);
      else if (el.name === 'presence') this.presence(el);
    } catch (error) {
      this.deps.logOnce.log('warn', `stanza:${el.name}:${(error as Error).message}`, { err: error, stanza: el.name, from: el.attrs.from }, 'could not handle a stanza; ignored');
    }
  }

  private emit<C extends Command>(command: C, sender: string, args: EventArgsMap[C]): void {
    const event = { network: this.network, sender, command, args } as AnyEventInput;
    const { ctx } = this.deps;
    if (this.handling !== undefined && ctx.emitHandled !== undefined) this.handling.push(ctx.emitHandled(event));
    else ctx.emit(event);
  }

  /**
   * Runs `work` (which handles one message of `room`) and, when the room's stanza-id of that
   * message can be believed, notes it as the room's newest once its events were handled.
   */
  private tracked(room: MucRoom, stanzaId: string | undefined, ts: number, work: () => void): void {
    const cursors = this.deps.cursors;
    if (cursors === undefined || stanzaId === undefined || !room.assignsStanzaIds) return work();
    const outer = this.handling;
    const handling: Promise<void>[] = [];
    this.handling = handling;
    try {
      work();
    } finally {
      this.handling = outer;
      cursors.note(room.id, { id: stanzaId, ts }, handling.length === 0 ? Promise.resolve() : Promise.all(handling).then(() => undefined));
    }
  }

  // --- messages ---------------------------------------------------------------------------

  private message(el: Element): void {
    if (this.held(el)) return;
    if (this.ownEcho(el)) return;
    const m = parseMessage(el);
    if (m === undefined) return;
    if (m.type === 'error') return this.messageError(m);
    if (m.invite !== undefined) return this.invite(m.invite);
    if (m.type === 'groupchat') return this.groupchat(m);
    if (m.type === 'chat' || m.type === 'normal') return this.direct(m);
  }

  /**
   * Holds a live message of a room whose catch-up runs (handled when it is over). Our own
   * messages coming back are confirmed at once all the same: a send must not wait for it.
   */
  private held(el: Element): boolean {
    if (el.attrs.type !== 'groupchat' || child(el, 'subject') !== undefined) return false;
    const from = typeof el.attrs.from === 'string' ? el.attrs.from : '';
    const room = this.deps.rooms.get(bareJid(from));
    if (room?.held === undefined || !room.joined || !room.historyDone) return false;
    if (this.isOurs(room, resourceOf(from))) {
      const ids = groupchatIds(el);
      for (const id of new Set([ids.originId, ids.id])) if (id !== undefined) this.deps.confirmations.echoed(room.id, id);
    }
    if (room.held.length >= MAX_HELD) {
      this.deps.onHoldFull?.(room); // releases what is held
      if (room.held === undefined) return false;
    }
    room.held.push(el);
    return true;
  }

  /**
   * Our own message reflected by a room (outside the join-time history): confirms the send and
   * learns the room's stanza-id, without parsing the rest. Every relayed message comes back
   * this way, so this is half of a busy room's inbound traffic.
   */
  private ownEcho(el: Element): boolean {
    if (el.attrs.type !== 'groupchat' || child(el, 'subject') !== undefined) return false;
    const from = typeof el.attrs.from === 'string' ? el.attrs.from : '';
    const room = this.deps.rooms.get(bareJid(from));
    if (room === undefined || !room.joined || !room.historyDone || !this.isOurs(room, resourceOf(from))) return false;
    const ids = groupchatIds(el);
    this.tracked(room, ids.stanzaId, Date.now(), () => this.echoOfOurs(room, ids));
    return true;
  }

  /** The bot itself, or another occupant of the hub's own (`isOwnOccupant`). */
  private isOurs(room: MucRoom, nick: string): boolean {
    return nick === room.nick || this.deps.isOwnOccupant?.(room.id, nick) === true;
  }

  /** Our own message came back from `room`: its send is confirmed; the room's stanza-id is learnt. */
  private echoOfOurs(room: MucRoom, ids: { readonly id?: string; readonly originId?: string; readonly stanzaId?: string }): void {
    for (const id of new Set([ids.originId, ids.id])) if (id !== undefined) this.deps.confirmations.echoed(room.id, id);
    const stanzaId = room.assignsStanzaIds ? ids.stanzaId : undefined;
    this.deps.ids.record(room.id, OWN_SENDER, { ...optional('senderId', ids.originId ?? ids.id), ...optional('stanzaId', stanzaId) });
  }

  private messageError(m: ParsedMessage): void {
    const room = this.deps.rooms.get(bareJid(m.from));
    if (room !== undefined && m.id !== undefined) this.deps.confirmations.refused(room.id, m.id, m.error ?? 'undefined-condition');
    if (room !== undefined) this.deps.onRoomError(room, m.error ?? 'undefined-condition');
    else this.deps.logOnce.log('warn', `message-error:${bareJid(m.from)}:${m.error}`, { to: m.from, condition: m.error }, 'a message we sent bounced');
  }

  private invite(invite: NonNullable<ParsedMessage['invite']>): void {
    // Rooms may name the inviter by occupant JID (semi-anonymous rooms).
    const viaRoom = bareJid(invite.from) === invite.room || this.deps.rooms.has(bareJid(invite.from));
    const by = contactRef(this.network, invite.from, viaRoom && resourceOf(invite.from) !== '');
    const target: UserRef = { network: this.network, id: this.deps.account, account: this.deps.account };
    this.emit('INVITE', by.id, { channel: { network: this.network, id: invite.room }, target, by });
  }

  private groupchat(m: ParsedMessage): void {
    const room = this.deps.rooms.get(bareJid(m.from));
    if (room === undefined || !room.joined) return; // not a room we are in (a late stanza after leaving)
    const channel: ChannelRef = { network: this.network, id: room.id };
    const nick = resourceOf(m.from);
    if (m.subject !== undefined && m.body === undefined) return this.subject(room, channel, nick, m.subject);
    if (m.delayed && !room.historyDone) return; // join-time history: never relayed as new
    // The time of arrival, not a delay stamp the sender may have put in (the cursor's time bounds the next catch-up's read).
    this.tracked(room, m.stanzaId, Date.now(), () => this.roomMessage(room, m, room.occupant(nick), false));
  }

  /**
   * A message from the room's archive (XEP-0313), caught up after an outage: handled as a live
   * one would be (corrections, retractions and reactions apply to their targets), marked as
   * late, with the archive's stanza-id and time. The caller has left out our own messages.
   */
  replay(room: MucRoom, archived: ArchivedMessage): void {
    try {
      const parsed = parseMessage(archived.message);
      if (parsed === undefined || bareJid(parsed.from) !== room.id || !room.joined) return;
      if (parsed.subject !== undefined && parsed.body === undefined) return; // an old subject change: the current one is known
      const m: ParsedMessage = { ...parsed, type: 'groupchat', stanzaId: archived.id, delayed: true, ...optional('sentAt', archived.stamp ?? parsed.sentAt) };
      const nick = resourceOf(m.from);
      const occupant = archivedOccupant(room, nick, archived.message);
      this.tracked(room, archived.id, Math.min(archived.stamp ?? Date.now(), Date.now()), () => this.roomMessage(room, m, occupant, true));
    } catch (error) {
      this.deps.logOnce.log('warn', `replay:${room.id}:${(error as Error).message}`, { err: error, room: room.id }, 'could not handle a message from the room\'s archive; skipped');
    }
  }

  /** A line from the room itself (not from an occupant), e.g. what a catch-up did not relay. */
  roomNotice(room: MucRoom, text: string): void {
    const channel: ChannelRef = { network: this.network, id: room.id };
    const author: UserRef = { network: this.network, id: room.id, nick: room.id.split('@')[0] ?? room.id };
    const message: Message = { id: randomUUID(), channel, author, kind: 'notice', body: [{ type: 'text', text }], attachments: [], ts: Date.now() };
    this.emit('MESSAGE', room.id, { channel, message });
  }

  /** A message someone (or we) said in `room`, live or caught up (`late`). */
  private roomMessage(room: MucRoom, m: ParsedMessage, known: Occupant | undefined, late: boolean): void {
    const nick = resourceOf(m.from);
    if (nick === '') return; // the room's own notices
    if (nick === room.nick && !late) return this.echoOfOurs(room, m);
    const occupant: Occupant = known ?? { nick, jid: `${room.id}/${nick}` };
    const realJid = occupant.realJid === undefined ? undefined : bareJid(occupant.realJid).toLowerCase();
    // An occupant id (XEP-0421) outlives nick changes; believed only where the room adds them (ours is known).
    const occupantId = room.ownOccupantId === undefined ? undefined : occupant.occupantId;
    this.content(m, {
      scope: room.id, sender: realJid ?? (occupantId === undefined ? occupant.jid : `occupant-id:${occupantId}`), ...optional('realJid', realJid),
      stanzaIdTrusted: room.assignsStanzaIds,
      author: occupantRef(this.network, occupant), channel: { network: this.network, id: room.id },
      ...(late ? { late: true } : {}),
    });
  }

  private subject(room: MucRoom, channel: ChannelRef, setter: string, text: string): void {
    const oldText = room.subject;
    const initial = !room.historyDone; // the subject a room sends right after our join
    room.subjectReceived(text);
    if (oldText === text) return; // the same subject again (a rejoin)
    this.emit('TOPIC', setter === '' ? room.id : `${room.id}/${setter}`, {
      channel,
      text,
      ...optional('oldText', oldText),
      ...optional('setter', setter === '' ? undefined : setter),
      initial,
    });
  }

  private direct(m: ParsedMessage): void {
    if (bareJid(m.from) === this.deps.account) return; // our own other sessions
    const viaRoom = this.deps.rooms.has(bareJid(m.from)) && resourceOf(m.from) !== '';
    const toPuppet = this.deps.recipientOf?.(m.to);
    const contact = contactRef(this.network, m.from, viaRoom);
    // Someone writing to a person from anywhere is named by their whole JID: `bob` of another server is someone else.
    const author = toPuppet !== undefined && !viaRoom ? { ...contact, nick: contact.id } : contact;
    const recipient: UserRef = toPuppet ?? { network: this.network, id: this.deps.account, account: this.deps.account };
    const realJid = viaRoom ? this.deps.rooms.get(bareJid(m.from))?.occupant(resourceOf(m.from))?.realJid : m.from;
    const realBare = realJid === undefined ? undefined : bareJid(realJid).toLowerCase();
    // One-to-one stanza-ids come from our own server, which strips forged ones only with MAM: not used.
    this.content(m, { scope: viaRoom ? m.from : bareJid(m.from), sender: realBare ?? m.from, ...optional('realJid', realBare), stanzaIdTrusted: false, author, recipient });
  }

  /** The content of a message from someone else: edit, retraction, reactions, typing or text. */
  private content(m: ParsedMessage, origin: Origin): void {
    const { scope, sender, author, channel } = origin;
    const where = optional('channel', channel);
    const stanzaId = origin.stanzaIdTrusted ? m.stanzaId : undefined;
    const hubId = this.deps.ids.record(scope, sender, { ...optional('senderId', m.originId ?? m.id), ...optional('stanzaId', stanzaId) }) ?? randomUUID();
    if (m.retractId !== undefined) {
      this.emit('DELETE', author.id, { ...where, messageId: this.deps.ids.retractedHubId(scope, sender, m.retractId), by: author });
      return;
    }
    if (m.reactions !== undefined) {
      const messageId = this.deps.ids.hubId(scope, m.reactions.id);
      const diff = this.deps.reactions.replace(scope, messageId, author.id, m.reactions.emojis);
      for (const reaction of diff.added) this.emit('REACT', author.id, { ...where, messageId, user: author, reaction, removed: false });
      for (const reaction of diff.removed) this.emit('REACT', author.id, { ...where, messageId, user: author, reaction, removed: true });
      return;
    }
    if (m.body === undefined && m.links.length === 0) {
      if (m.chatState !== undefined) this.emit('TYPING', author.id, { ...where, user: author, state: m.chatState });
      return;
    }
    const message = this.toMessage(m, origin, hubId);
    if (m.replaceId !== undefined) {
      const messageId = this.deps.ids.correctedHubId(scope, sender, m.replaceId);
      this.emit('EDIT', author.id, { ...where, messageId, message: { ...message, editOf: messageId } });
    } else {
      this.emit('MESSAGE', author.id, { ...where, message });
    }
  }

  private toMessage(m: ParsedMessage, origin: Origin, id: string): Message {
    const text = this.capped(m.body ?? '', origin);
    // Clients send a file as a body holding just its URL plus the same URL as OOB data.
    const bodyIsLink = m.links.some((link) => link.url === text.trim());
    const content = bodyIsLink ? '' : text;
    const isAction = content.startsWith('/me ');
    const shown = isAction ? content.slice(4) : content;
    const attachments: Attachment[] = m.links.map((link) => ({ url: link.url, name: link.desc ?? fileNameOf(link.url) }));
    return {
      id,
      ...optional('channel', origin.channel),
      ...optional('recipient', origin.recipient),
      author: origin.author,
      kind: isAction ? 'action' : 'message',
      body: m.unstyled ? (shown === '' ? [] : [{ type: 'text', text: shown }]) : parseStyling(shown),
      attachments,
      ...optional('replyTo', m.reply === undefined ? undefined : this.deps.ids.hubId(origin.scope, m.reply.id)),
      ts: m.sentAt ?? Date.now(),
      ...optional('relayed', m.relayed === true && this.isPeerBridge(origin) ? (true as const) : undefined),
      ...(origin.late === true ? { delayed: true } : {}),
    };
  }

  /** The body within `maxBodyBytes`, cut with a marker when longer (logged once per conversation). */
  private capped(body: string, origin: Origin): string {
    const capped = capText(body, this.deps.maxBodyBytes);
    if (capped.truncated) {
      this.deps.logOnce.log('warn', `truncated:${origin.scope}`, { from: origin.author.id, chars: body.length, maxBodyBytes: this.deps.maxBodyBytes },
        'a received message is longer than maxBodyBytes: cut, with a marker (logged once per conversation)');
    }
    return capped.text;
  }

  /** true when the sender is a configured peer bridge (its real JID is known and listed): only then is its hop marker believed. */
  private isPeerBridge(origin: Origin): boolean {
    if (origin.realJid !== undefined && this.deps.peerBridges.has(origin.realJid)) return true;
    this.deps.logOnce.log('info', `untrusted-hop-marker:${origin.sender}`, { from: origin.author.id, realJidKnown: origin.realJid !== undefined },
      'a message carries the hop marker but its sender is not in peerBridges (or the room hides its real JID): treated as an ordinary message');
    return false;
  }

  // --- presence ---------------------------------------------------------------------------

  private presence(el: Element): void {
    const muc = parseMucPresence(el);
    const room = muc === undefined ? undefined : this.deps.rooms.get(muc.room);
    if (muc !== undefined && room !== undefined) {
      if (muc.nick !== room.nick && this.deps.isOwnOccupant?.(room.id, muc.nick) === true) return;
      for (const change of room.apply(muc)) this.roomChange(room, change);
      return;
    }
    const contact = parseContactPresence(el);
    if (contact === undefined || bareJid(contact.from) === this.deps.account) return;
    if (contact.type !== 'available' && contact.type !== 'unavailable') return;
    const user = contactRef(this.network, contact.from, false);
    this.emit('PRESENCE', user.id, { user, state: presenceState(contact.type, contact.show), ...optional('status', contact.status) });
  }

  private roomChange(room: MucRoom, change: RoomChange): void {
    const channel: ChannelRef = { network: this.network, id: room.id };
    const ref = (occupant: Occupant): UserRef => occupantRef(this.network, occupant);
    switch (change.kind) {
      case 'joined':
        this.emit('JOIN', `${room.id}/${room.nick}`, { channel, users: change.occupants.map(ref) });
        return this.deps.onSelfChange(room, change);
      case 'join':
        return this.emit('JOIN', change.occupant.jid, { channel, users: [ref(change.occupant)] });
      case 'part':
        return this.emit('PART', change.occupant.jid, { channel, user: ref(change.occupant), reason: change.reason });
      case 'nick':
        // `user` is the occupant as known before the change (docs/events.md).
        return this.emit('NICK', `${room.id}/${change.oldNick}`, {
          user: ref({ ...change.occupant, nick: change.oldNick, jid: `${room.id}/${change.oldNick}` }),
          oldNick: change.oldNick,
          newNick: change.occupant.nick,
          channel,
        });
      case 'kick':
        return this.emit('KICK', change.actor?.jid ?? room.id, {
          channel,
          target: ref(change.occupant),
          ...optional('by', change.actor && ref(change.actor)),
          reason: change.reason,
          ban: change.ban,
        });
      case 'moderator':
        // As an IRC network reports a channel operator: +o / -o on the occupant's nick.
        return this.emit('MODE', change.actor?.jid ?? room.id, { channel, modes: [{ mode: change.moderator ? '+o' : '-o', arg: change.occupant.nick }] });
      case 'presence':
        return this.emit('PRESENCE', change.occupant.jid, {
          user: ref(change.occupant),
          state: presenceState('available', change.occupant.show),
          ...optional('status', change.occupant.status),
        });
      default:
        return this.deps.onSelfChange(room, change);
    }
  }
}

/** The last path segment of a URL, decoded, as a file name. */
export function fileNameOf(url: string): string {
  try {
    const segment = new URL(url).pathname.split('/').filter((s) => s !== '').pop();
    return segment === undefined ? url : decodeURIComponent(segment);
  } catch {
    return url;
  }
}

/**
 * Who said an archived message. The nick may belong to someone else by now, so the occupant
 * there now is only believed when the archive names the same person: the same occupant id
 * (XEP-0421, in a room that adds them), or the same real JID. Otherwise only the nick (and the
 * archived occupant id, in such a room) is known.
 */
function archivedOccupant(room: MucRoom, nick: string, archived: Element): Occupant {
  const bare: Occupant = { nick, jid: `${room.id}/${nick}` };
  const present = room.occupant(nick);
  const archivedId = archived.getChild('occupant-id', NS.occupantId)?.attrs.id;
  if (room.ownOccupantId !== undefined && typeof archivedId === 'string' && archivedId !== '') {
    return present?.occupantId === archivedId ? present : { ...bare, occupantId: archivedId };
  }
  const archivedJid = archivedRealJid(archived);
  const sameJid = present?.realJid !== undefined && typeof archivedJid === 'string' && archivedJid === bareJid(present.realJid).toLowerCase();
  return sameJid ? present : bare;
}
