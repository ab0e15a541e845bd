/**
 * The gateway's group chats (ADR 0010, docs/gateway.md "Group chats"; slidge's MUC dispatcher):
 * a person's XEP-0045 join presence to a room JID joins the legacy room as them (the legacy
 * session's `joinRoom`), then every participant's presence, the self-presence (status 110, 210
 * when the network kept another nick) and the subject go to that resource, in XEP-0045's order
 * (§7.2.3, §7.2.16: the subject comes last and tells the client the join is complete).
 * Afterwards the legacy side's room events become presences and messages to every resource of
 * the person in the room; their groupchat messages and subject changes go to the legacy room, a
 * message reflected once (with its id) when the network took it; the last resource leaving leaves
 * the legacy room. Refusals (invite-only, banned, …) are presence errors with the network's
 * words; the session goes on. Protocol-neutral: it knows the {@link LegacySession} room handlers.
 */
import xml, { type Element } from '@xmpp/xml';
import { randomUUID } from 'node:crypto';
import type { Logger } from '../core/log.js';
import type { RoomHooks } from '../core/room-hooks.js';
import { LegacyRefusal, type RoomEvent, type RoomParticipant } from './api.js';
import { contactKeyOf, contactLocalpart } from './contacts.js';
import { RoomActions } from './room-actions.js';
import { invitesOf } from './room-invites.js';
import { MAX_RESOURCES, Room } from './rooms.js';
import type { UserSession } from './session.js';
import { occupantPresence, roomInfo, roomMessage, STATUS, subjectMessage } from './xmpp/muc.js';
import { NS } from './xmpp/namespaces.js';
import { errorReply, firstChild, iqResult, type ErrorCondition } from './xmpp/stanzas.js';

/** How long a join may wait for the legacy network. */
const JOIN_TIMEOUT_MS = 20_000;
/** Most rooms one person is in (the legacy side may bound them lower). */
const MAX_ROOMS = 100;

/** What group chats need from the gateway. */
export interface GroupChatHost {
  readonly domain: string;
  readonly log: Logger;
  /** Whether the legacy network offers groups (its settings). */
  readonly enabled: boolean;
  /** The module callbacks (room-hooks.ts). */
  readonly hooks: RoomHooks;
  /** The longest body taken from a person's message. */
  readonly maxBodyChars: number;
  send(stanza: Element): void;
}

export class GroupChats {
  readonly #rooms = new WeakMap<UserSession, Map<string, Room>>();
  readonly #actions: RoomActions;
  /** The last message check of each room (checkEventAllowed), so checks finish in order. */
  readonly #checks = new WeakMap<Room, Promise<unknown>>();

  constructor(private readonly host: GroupChatHost) {
    this.#actions = new RoomActions(host);
  }

  /** disco#items of the gateway domain for `session`'s person (room-actions.ts). */
  items(session: UserSession | undefined): Promise<Element> {
    return this.#actions.items(session, session === undefined ? [] : this.#roomsOf(session).values());
  }

  /** The room key `local` (a JID localpart) names in `session`, if it names a room. */
  roomKey(session: UserSession, local: string): string | undefined {
    if (!this.host.enabled) return undefined;
    const id = contactKeyOf(local);
    return id === undefined ? undefined : session.legacy.roomKey?.(id);
  }

  /** A stanza to the room `key` (or an occupant of it) from `session`'s person. */
  async route(stanza: Element, session: UserSession, key: string): Promise<void> {
    const to = String(stanza.attrs.to ?? '');
    const slash = to.indexOf('/');
    const nick = slash < 0 ? undefined : to.slice(slash + 1);
    const from = String(stanza.attrs.from ?? '');
    if (stanza.is('presence')) return this.#presence(stanza, session, key, from, nick);
    if (stanza.is('message')) return this.#message(stanza, session, key, from, nick);
    if (stanza.is('iq')) return this.#iq(stanza, session, key, from, nick);
  }

  /** A MUC join to a JID that names no room (or from someone not registered): a presence error. */
  notARoom(presence: Element, registered: boolean): void {
    if (!registered) return this.host.send(errorReply(presence, 'registration-required', `register with ${this.host.domain} first`));
    if (!this.host.enabled) return this.host.send(errorReply(presence, 'feature-not-implemented', 'group chats are not offered on this network'));
    this.host.send(errorReply(presence, 'item-not-found', 'not a valid room name on this network (IRC: #channel@gateway)'));
  }

  /** What the legacy side reports about the room `key` of `session`. */
  event(session: UserSession, key: string, event: RoomEvent): void {
    if (event.kind === 'invited') return this.#actions.invited(session, key, event.by, event.reason);
    const room = this.#roomsOf(session).get(key);
    if (room === undefined || !room.joined) return;
    const each = (build: (to: string) => Element): void => {
      for (const resource of room.resources) this.host.send(build(resource));
    };
    switch (event.kind) {
      case 'joined':
        if (room.put(event.participant)) each((to) => occupantPresence(room.jid, to, event.participant));
        return;
      case 'left': {
        const gone = room.participants.get(event.nick);
        if (gone === undefined) return;
        room.participants.delete(event.nick);
        each((to) => occupantPresence(room.jid, to, gone, { unavailable: true, ...(event.reason === undefined ? {} : { status: event.reason }), codes: event.kicked === true ? [STATUS.kicked] : [] }));
        return;
      }
      case 'renamed': {
        const self = room.isSelf(event.nick);
        const before = self ? room.self : room.participants.get(event.nick);
        const after = room.rename(event.nick, event.to);
        if (before === undefined || after === undefined) return;
        const codes = self ? [STATUS.self] : [];
        each((to) => occupantPresence(room.jid, to, before, { unavailable: true, newNick: event.to, codes: [STATUS.nickChange, ...codes] }));
        each((to) => occupantPresence(room.jid, to, after, { codes }));
        return;
      }
      case 'role': {
        const self = room.isSelf(event.participant.nick);
        if (!room.put(event.participant)) return;
        each((to) => occupantPresence(room.jid, to, event.participant, { codes: self ? [STATUS.self] : [] }));
        return;
      }
      case 'message': {
        const id = event.legacyId ?? randomUUID();
        each((to) => roomMessage(room.jid, to, event.nick, event.action ? `/me ${event.text}` : event.text, id));
        return;
      }
      case 'subject':
        room.subject = event.subject;
        each((to) => subjectMessage(room.jid, to, event.subject.text, event.subject.by));
        return;
      case 'refused':
        each((to) => roomMessage(room.jid, to, undefined, event.text, randomUUID()));
        return;
      case 'removed':
        this.#remove(session, room, event.reason, event.kicked ? STATUS.kicked : STATUS.shutdown);
    }
  }

  /** The session's legacy connection is gone or closed: the person is out of every room, told so. */
  drop(session: UserSession, reason: string): void {
    for (const room of [...this.#roomsOf(session).values()]) this.#remove(session, room, reason, STATUS.shutdown);
  }

  #roomsOf(session: UserSession): Map<string, Room> {
    let rooms = this.#rooms.get(session);
    if (rooms === undefined) {
      rooms = new Map();
      this.#rooms.set(session, rooms);
    }
    return rooms;
  }

  #remove(session: UserSession, room: Room, reason: string, code: string): void {
    this.#roomsOf(session).delete(room.key);
    const self = room.self;
    for (const resource of [...room.resources, ...room.waiting]) {
      if (self !== undefined) this.host.send(occupantPresence(room.jid, resource, self, { unavailable: true, status: reason, codes: [STATUS.self, code] }));
    }
    room.resources.clear();
    room.waiting.clear();
  }

  // --- presences ------------------------------------------------------------------------------

  async #presence(presence: Element, session: UserSession, key: string, from: string, nick: string | undefined): Promise<void> {
    const type = presence.attrs.type;
    const room = this.#roomsOf(session).get(key);
    if (type === 'unavailable') {
      if (room === undefined || !(room.resources.delete(from) || room.waiting.delete(from))) return;
      const self = room.self ?? { nick: nick ?? '', role: 'participant', affiliation: 'none' };
      this.host.send(occupantPresence(room.jid, from, self, { unavailable: true, codes: [STATUS.self] }));
      if (room.resources.size === 0 && room.waiting.size === 0) {
        this.#roomsOf(session).delete(key);
        await session.legacy.leaveRoom?.(key);
        this.host.log.info({ user: session.jid, room: key }, 'gateway: left a room');
      }
      return;
    }
    if (type !== undefined) return; // probes, subscriptions: rooms have none
    const refuse = (condition: ErrorCondition, text: string): void => this.host.send(errorReply(presence, condition, text));
    if (nick === undefined || nick === '') return refuse('bad-request', 'join a room as room@gateway/nick');
    if (room?.resources.has(from) === true) {
      // Already in: a status update (same nick) is fine; a nick change is not done here.
      if (room.self !== undefined && nick !== room.self.nick) refuse('not-acceptable', `your nick on the network is ${room.self.nick}; change it with the gateway's "nick" command`);
      return;
    }
    if (session.legacy.joinRoom === undefined) return refuse('feature-not-implemented', 'group chats are not supported on this network');
    if (!session.ready) return refuse('remote-server-timeout', 'not connected to the network yet; try again in a moment');
    if (room !== undefined) {
      if (room.resources.size + room.waiting.size >= MAX_RESOURCES) return refuse('not-acceptable', `at most ${MAX_RESOURCES} of your devices may be in one room`);
      if (room.joined) return this.#welcome(room, from, nick);
      room.waiting.add(from);
      return;
    }
    if (this.#roomsOf(session).size >= MAX_ROOMS) return refuse('not-acceptable', `you are in ${MAX_ROOMS} rooms already; leave one first`);
    const local = contactLocalpart(key);
    if (local === undefined) return refuse('bad-request', 'this room name is too long');
    const fresh = new Room(key, `${local}@${this.host.domain}`);
    fresh.waiting.add(from);
    this.#roomsOf(session).set(key, fresh);
    const rooms = this.#roomsOf(session);
    let created = false;
    try {
      const allowed = await this.host.hooks.mayJoin({ jid: session.jid, nick }, key, this.#actions.wasInvited(session, key));
      if (!allowed.allowed) throw new LegacyRefusal(allowed.reason, 'forbidden');
      const snapshot = await session.legacy.joinRoom(key, nick, AbortSignal.timeout(JOIN_TIMEOUT_MS));
      if (rooms.get(key) !== fresh) return; // every resource left meanwhile (the legacy room was left)
      if (snapshot.created === true) {
        // The join created the room on the network: the modules may still say no (then it is left at once).
        const may = await this.host.hooks.mayCreate({ jid: session.jid, nick: snapshot.self.nick }, key);
        if (!may.allowed) {
          await session.legacy.leaveRoom?.(key);
          throw new LegacyRefusal(may.reason, 'forbidden');
        }
        created = true;
      }
      fresh.fill(snapshot);
    } catch (error) {
      if (rooms.get(key) === fresh) rooms.delete(key);
      const refusal = error instanceof LegacyRefusal ? error : undefined;
      if (refusal === undefined) this.host.log.warn({ user: session.jid, room: key, err: error }, 'gateway: joining a room failed');
      else this.host.log.info({ user: session.jid, room: key, reason: refusal.message }, 'gateway: a room join was refused');
      for (const waiting of fresh.waiting) {
        this.host.send(errorReply(xml('presence', { from: waiting, to: presence.attrs.to }), refusal?.condition ?? 'internal-server-error', refusal?.message ?? 'internal error'));
      }
      return;
    }
    this.host.log.info({ user: session.jid, room: key, participants: fresh.participants.size }, 'gateway: joined a room');
    for (const waiting of [...fresh.waiting]) this.#welcome(fresh, waiting, nick, created);
  }

  /**
   * The room as XEP-0045 §7.2 shows it to a joining resource: the participants, the self-presence,
   * (history: a later slice), then the subject, which ends the join for the client.
   */
  #welcome(room: Room, to: string, asked: string, created = false): void {
    room.waiting.delete(to);
    room.resources.add(to);
    for (const participant of room.participants.values()) this.host.send(occupantPresence(room.jid, to, participant));
    const self: RoomParticipant = room.self ?? { nick: asked, role: 'participant', affiliation: 'none' };
    const codes = [STATUS.self, ...(self.nick === asked ? [] : [STATUS.renamedOnJoin]), ...(created ? [STATUS.created] : [])];
    this.host.send(occupantPresence(room.jid, to, self, { codes }));
    this.host.send(subjectMessage(room.jid, to, room.subject.text, room.subject.by));
  }

  // --- messages -------------------------------------------------------------------------------

  async #message(message: Element, session: UserSession, key: string, from: string, nick: string | undefined): Promise<void> {
    const room = this.#roomsOf(session).get(key);
    const refuse = (condition: ErrorCondition, text: string): void => this.host.send(errorReply(message, condition, text));
    const invites = invitesOf(message);
    if (nick === undefined && invites.length > 0) return this.#actions.invite(message, invites, session, room, from);
    if (nick !== undefined) return refuse('feature-not-implemented', 'private messages through the room are not supported yet: write to nick@' + this.host.domain);
    if (message.attrs.type !== 'groupchat') return refuse('bad-request', 'send groupchat messages to a room');
    if (room === undefined || !room.resources.has(from) || room.self === undefined) return refuse('not-acceptable', 'you are not in this room; join it first');
    const body = message.getChildText('body');
    const subject = message.getChildText('subject');
    if (body === null) {
      if (subject === null) return; // a chat state or a marker: nothing for the legacy room
      if (session.legacy.setRoomSubject === undefined) return refuse('feature-not-implemented', 'changing the subject is not supported on this network');
      if (subject.length > this.host.maxBodyChars) return refuse('not-acceptable', 'the subject is too long');
      return session.legacy.setRoomSubject(key, subject);
    }
    if (session.legacy.onRoomText === undefined) return refuse('feature-not-implemented', 'group messages are not supported on this network');
    if (body.length > this.host.maxBodyChars) return refuse('not-acceptable', `the message is too long (at most ${this.host.maxBodyChars} characters)`);
    let reported = false;
    const undelivered = (reason: string): void => {
      if (reported) return;
      reported = true;
      this.host.send(errorReply(message, 'recipient-unavailable', `not delivered: ${reason.slice(0, 300)}`));
    };
    const action = body.startsWith('/me ');
    // Checked in the order sent: a slow module answer must not let a later message overtake this one.
    const verdict = (this.#checks.get(room) ?? Promise.resolve()).then(() => this.host.hooks.maySend({ jid: session.jid, nick: room.self?.nick ?? '' }, key, action ? body.slice(4) : body, action));
    this.#checks.set(room, verdict.catch(() => undefined));
    const allowed = await verdict;
    if (!allowed.allowed) return refuse('forbidden', allowed.reason);
    const legacyId = await session.legacy.onRoomText(key, action ? body.slice(4) : body, { action, undelivered });
    // Reflected once to every resource in the room, with the sender's id (XEP-0045 §7.2.2).
    const stanzaId = legacyId ?? randomUUID();
    const id = typeof message.attrs.id === 'string' && message.attrs.id !== '' ? message.attrs.id : stanzaId;
    const self = room.self;
    for (const resource of room.resources) this.host.send(roomMessage(room.jid, resource, self.nick, body, id, stanzaId));
  }


  // --- iq ------------------------------------------------------------------------------------

  async #iq(iq: Element, session: UserSession, key: string, from: string, nick: string | undefined): Promise<void> {
    const type = iq.attrs.type;
    if (type !== 'get' && type !== 'set') return;
    const child = firstChild(iq);
    const room = this.#roomsOf(session).get(key);
    if (type === 'get' && nick === undefined && child?.is('query', NS.discoInfo) === true && child.attrs.node === undefined) {
      return this.host.send(iqResult(iq, roomInfo(room?.name ?? key)));
    }
    if (type === 'get' && child?.is('ping', NS.ping) === true) {
      // XEP-0410 self-ping: answered while this resource is in the room.
      if (room?.resources.has(from) === true && (nick === undefined || nick === room.self?.nick)) return this.host.send(iqResult(iq));
      return this.host.send(errorReply(iq, 'not-acceptable', 'you are not in this room'));
    }
    if (type === 'set' && nick === undefined && child?.is('query', NS.mucAdmin) === true) return this.#actions.moderate(iq, child, session, room, from);
    if (type === 'set' && nick === undefined && child?.is('query', NS.mucOwner) === true && child.getChild('destroy') !== undefined) return this.#actions.destroy(iq, child, session, room, from, (gone) => this.#roomsOf(session).delete(gone.key));
    return this.host.send(errorReply(iq, 'service-unavailable'));
  }

}
