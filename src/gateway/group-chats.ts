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
import type { AccountVerdict } from '../core/account-hooks.js';
import type { Logger } from '../core/log.js';
import type { RoomHooks } from '../core/room-hooks.js';
import { LegacyRefusal, type RoomEvent, type RoomParticipant } from './api.js';
import { contactKeyOf, contactLocalpart } from './contacts.js';
import type { KeptRooms } from './kept-rooms.js';
import { RoomActions } from './room-actions.js';
import { answerRoomConfig } from './room-config.js';
import { RoomEdits, roomEditOf } from './room-edits.js';
import { invitesOf } from './room-invites.js';
import { privateTarget } from './room-private.js';
import { MAX_RESOURCES, Room } from './rooms.js';
import type { UserSession } from './session.js';
import { occupantPresence, roomInfo, roomMessage, STATUS, subjectMessage } from './xmpp/muc.js';
import type { AnyEvent } from '../core/event.js';
import { answerMam } from './room-mam.js';
import { backfillRoom } from './room-backfill.js';
import type { RoomHistory } from './room-history.js';
import { historyMessage, historyRequest, type HistoryRequest } from './xmpp/room-archive-stanzas.js';
import { NS } from './xmpp/namespaces.js';
import { errorReply, firstChild, iqResult, type ErrorCondition } from './xmpp/stanzas.js';
import { withTimeoutSignal } from './timeout-signal.js';

/** How long a join may wait for the legacy network. */
const JOIN_TIMEOUT_MS = 20_000;
/** Most rooms one person is in (the legacy side may bound them lower). */
const MAX_ROOMS = 100;
/** Refusals of a rejoin after which the room stays kept (the next login tries again). */
const RETRYABLE: ReadonlySet<ErrorCondition> = new Set(['remote-server-timeout', 'service-unavailable', 'internal-server-error']);
/** The longest room password taken (XEP-0045 `<password/>`). */
const MAX_PASSWORD_CHARS = 256;

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
  /** The gateway network's name (module events). */
  readonly network?: string;
  /** The rooms' archive (history on join, MAM); absent: rooms keep no history. */
  readonly history?: RoomHistory;
  /** The modules' extra fields for what the archive serves (addFieldToUnsigned). */
  readonly unsignedFields?: (event: AnyEvent) => Promise<Record<string, unknown>>;
  /** The rooms each person is in, rejoined after a restart or a lost legacy connection. */
  readonly kept: KeptRooms;
  /**
   * Whether the resource (a full JID) is online: it answers a ping (XEP-0199); undefined when
   * it cannot be asked now (no component link). Never rejects.
   */
  present(resource: string): Promise<boolean | undefined>;
  /**
   * A private message through a room (room-private.ts) to the participant `nick`: the gateway's
   * one-to-one path to that contact (same bounds; errors answer `message`, failures reject as there).
   */
  privateMessage(message: Element, session: UserSession, nick: string): Promise<void>;
  /**
   * Renames the person on the legacy network (the gateway's `nick` command; rejects with a
   * LegacyRefusal when the network refuses). Absent: a nick change in a room is refused.
   */
  readonly rename?: (jid: string, nick: string) => Promise<void>;
  /**
   * Whether the person chose to keep their rooms joined when their last device leaves
   * (room-persistence.ts); absent: never.
   */
  keepsRooms?(jid: string): Promise<boolean>;
}

export class GroupChats {
  readonly #rooms = new WeakMap<UserSession, Map<string, Room>>();
  /** The history each waiting resource asked for in its join presence. */
  readonly #asked = new WeakMap<Room, Map<string, HistoryRequest>>();
  readonly #actions: RoomActions;
  /** Corrections, retractions and reactions (room-edits.ts). */
  readonly #edits: RoomEdits;
  /** The last message check of each room (checkEventAllowed), so checks finish in order. */
  readonly #checks = new WeakMap<Room, Promise<unknown>>();

  constructor(private readonly host: GroupChatHost) {
    this.#actions = new RoomActions(host);
    this.#edits = new RoomEdits(host);
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
        this.host.history?.record(session.jid, key, { stanzaId: id, nick: event.nick ?? '', body: event.text, action: event.action });
        this.#edits.said(room, { stanzaId: id, nick: event.nick ?? '', body: event.text, own: false });
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
        void this.host.kept.forget(session.jid, room.key);
    }
  }

  /**
   * The session is (again) connected: the rooms kept for the person (ADR 0010 "Rooms kept across
   * restarts") that it is not in are joined again, each for the kept resources that still answer
   * a ping; those resources get the room again (occupants, self-presence, subject). A room none
   * of whose resources answers is forgotten (not joined). Never rejects.
   */
  async rejoin(session: UserSession): Promise<void> {
    if (!this.host.enabled || session.legacy.joinRoom === undefined) return;
    const kept = await this.host.kept.load(session.jid);
    const answers = new Map<string, Promise<boolean | undefined>>();
    const present = (resource: string): Promise<boolean | undefined> => {
      let answer = answers.get(resource);
      if (answer === undefined) {
        answer = this.host.present(resource);
        answers.set(resource, answer);
      }
      return answer;
    };
    await Promise.all(kept.filter((entry) => !this.#roomsOf(session).has(entry.room)).map(async (entry) => {
      const answered = await Promise.all(entry.resources.map(async (r) => [r, await present(r)] as const));
      // No link to the XMPP server: nothing can be told; the room stays kept for the next try (attach).
      if (answered.some(([, online]) => online === undefined)) return;
      const resources = answered.filter(([, online]) => online === true).map(([r]) => r);
      if (!session.ready || this.#roomsOf(session).has(entry.room)) return;
      if (resources.length === 0 && !(await this.#persistent(session))) {
        this.host.log.info({ user: session.jid, room: entry.room }, 'gateway: a kept room has none of its devices online; forgotten');
        return this.host.kept.forget(session.jid, entry.room);
      }
      const room = this.#open(session, entry.room);
      if (room === undefined) return this.host.kept.forget(session.jid, entry.room);
      for (const resource of resources) room.waiting.add(resource);
      await this.#join(session, room, entry.nick, (to, condition, text) => {
        // A refusal another try cannot fix (banned, keyed, gone) forgets the room; a lost connection or a timeout keeps it.
        if (!RETRYABLE.has(condition)) void this.host.kept.forget(session.jid, entry.room);
        // The client thinks it is in the room: out of it, with the network's words.
        this.host.send(occupantPresence(room.jid, to, { nick: entry.nick, role: 'participant', affiliation: 'none' }, { unavailable: true, status: `could not rejoin: ${text} (${condition})`, codes: [STATUS.self, STATUS.shutdown] }));
      }, entry.password);
    }));
  }

  /** The rooms kept for `jid` (joined again at their next login), with their JIDs. */
  async kept(jid: string): Promise<Array<{ readonly name: string; readonly jid: string }>> {
    return (await this.host.kept.load(jid)).flatMap((r) => {
      const local = contactLocalpart(r.room);
      return local === undefined ? [] : [{ name: r.room, jid: `${local}@${this.host.domain}` }];
    });
  }

  /**
   * The person leaves the room `name` (`#lobby` or its JID) for good, from every device, whatever
   * their `keepRooms` preference (the `leave` chat command): the legacy room is left and forgotten.
   * Answers what was done, in words.
   */
  async leave(session: UserSession, name: string): Promise<string> {
    const local = name.includes('@') ? name.slice(0, name.lastIndexOf('@')) : name;
    const key = this.roomKey(session, local) ?? session.legacy.roomKey?.(local);
    if (key === undefined) return `"${name.slice(0, 80)}" is no room name on this network.`;
    const room = this.#roomsOf(session).get(key);
    const kept = (await this.host.kept.load(session.jid)).some((r) => r.room === key);
    if (room === undefined && !kept) return `You are not in ${key}.`;
    if (room !== undefined) {
      this.#roomsOf(session).delete(key);
      const self = room.self ?? { nick: '', role: 'participant', affiliation: 'none' };
      for (const resource of [...room.resources, ...room.waiting]) this.host.send(occupantPresence(room.jid, resource, self, { unavailable: true, status: 'you left the room', codes: [STATUS.self] }));
      room.resources.clear();
      room.waiting.clear();
      await session.legacy.leaveRoom?.(key);
    }
    await this.host.kept.forget(session.jid, key);
    this.host.log.info({ user: session.jid, room: key }, 'gateway: left a room (leave command)');
    return `You left ${room?.name ?? key}.`;
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
        // The "keep my channels joined" preference: the channel stays joined (and archived) without devices.
        if (room.joined && (await this.#persistent(session))) return this.#keep(session, room);
        if (room.resources.size > 0 || room.waiting.size > 0 || this.#roomsOf(session).get(key) !== room) return; // a device came back meanwhile
        this.#roomsOf(session).delete(key);
        void this.host.kept.forget(session.jid, key);
        await session.legacy.leaveRoom?.(key);
        this.host.log.info({ user: session.jid, room: key }, 'gateway: left a room');
      } else this.#keep(session, room);
      return;
    }
    if (type !== undefined) return; // probes, subscriptions: rooms have none
    const refuse = (condition: ErrorCondition, text: string): void => this.host.send(errorReply(presence, condition, text));
    if (nick === undefined || nick === '') return refuse('bad-request', 'join a room as room@gateway/nick');
    if (room?.resources.has(from) === true) {
      // Already in: a status update (same nick) is fine; a new nick renames the person (XEP-0045 §7.6).
      if (room.self !== undefined && nick !== room.self.nick) await this.#rename(session, room.self.nick, nick, refuse);
      return;
    }
    if (session.legacy.joinRoom === undefined) return refuse('feature-not-implemented', 'group chats are not supported on this network');
    if (!session.ready) return refuse('remote-server-timeout', 'not connected to the network yet; try again in a moment');
    const asked = historyRequest(presence, { amount: this.host.history?.limits.onJoin ?? 0, cap: this.host.history?.limits.maxOnJoin ?? 0 }, Date.now());
    if (room !== undefined) {
      if (room.resources.size + room.waiting.size >= MAX_RESOURCES) return refuse('not-acceptable', `at most ${MAX_RESOURCES} of your devices may be in one room`);
      if (room.joined) {
        await this.#welcome(session, room, from, nick, asked);
        return this.#keep(session, room);
      }
      room.waiting.add(from);
      this.#askedOf(room).set(from, asked);
      return;
    }
    if (this.#roomsOf(session).size >= MAX_ROOMS) return refuse('not-acceptable', `you are in ${MAX_ROOMS} rooms already; leave one first`);
    const password = presence.getChild('x', NS.muc)?.getChildText('password') ?? undefined;
    if (password !== undefined && password.length > MAX_PASSWORD_CHARS) return refuse('not-acceptable', `the room password is too long (at most ${MAX_PASSWORD_CHARS} characters)`);
    const fresh = this.#open(session, key);
    if (fresh === undefined) return refuse('bad-request', 'this room name is too long');
    fresh.waiting.add(from);
    this.#askedOf(fresh).set(from, asked);
    await this.#join(session, fresh, nick, (to, condition, text) => {
      this.host.send(errorReply(xml('presence', { from: to, to: presence.attrs.to }), condition, text));
    }, password === '' ? undefined : password);
  }

  /**
   * A nick change from a room (XEP-0045 §7.6): the legacy network renames the person everywhere
   * (an IRC nick is one per connection), so every room shows it (status 303 with 110) once the
   * network confirms; a refusal (nick taken: `conflict`) answers the presence.
   */
  async #rename(session: UserSession, current: string, nick: string, refuse: (condition: ErrorCondition, text: string) => void): Promise<void> {
    if (this.host.rename === undefined) return refuse('not-acceptable', `your nick on the network is ${current}; it cannot be changed here`);
    try {
      await this.host.rename(session.jid, nick);
    } catch (error) {
      if (!(error instanceof LegacyRefusal)) this.host.log.warn({ user: session.jid, err: error }, 'gateway: a nick change from a room failed');
      refuse(error instanceof LegacyRefusal ? error.condition : 'internal-server-error', error instanceof LegacyRefusal ? error.message : 'the nick change failed (see the log)');
    }
  }

  /** A new room object for `key` in `session` (undefined when the key cannot be a JID). */
  #open(session: UserSession, key: string): Room | undefined {
    const local = contactLocalpart(key);
    if (local === undefined) return undefined;
    const room = new Room(key, `${local}@${this.host.domain}`);
    this.#roomsOf(session).set(key, room);
    return room;
  }

  /**
   * Joins the legacy room of `room` (new, with its waiting resources) as `nick`: every waiting
   * resource gets the room, and the room is kept for the person; a refusal goes to each waiting
   * resource through `refused`.
   */
  async #join(session: UserSession, room: Room, nick: string, refused: (to: string, condition: ErrorCondition, text: string) => void, password?: string): Promise<void> {
    const rooms = this.#roomsOf(session);
    const key = room.key;
    const joinSeq = this.host.history?.mark();
    let created = false;
    try {
      const { legacy } = session;
      const joinRoom = legacy.joinRoom;
      if (joinRoom === undefined) throw new LegacyRefusal('group chats are not supported on this network', 'feature-not-implemented');
      const allowed = await this.host.hooks.mayJoin({ jid: session.jid, nick }, key, this.#actions.wasInvited(session, key));
      if (!allowed.allowed) throw new LegacyRefusal(allowed.reason, 'forbidden');
      const snapshot = await withTimeoutSignal(JOIN_TIMEOUT_MS, (signal) => joinRoom.call(legacy, key, nick, signal, password));
      if (rooms.get(key) !== room) return; // every resource left meanwhile (the legacy room was left)
      if (snapshot.created === true) {
        // The join created the room on the network: the modules may still say no (then it is left at once).
        const may = await this.host.hooks.mayCreate({ jid: session.jid, nick: snapshot.self.nick }, key);
        if (!may.allowed) {
          await session.legacy.leaveRoom?.(key);
          throw new LegacyRefusal(may.reason, 'forbidden');
        }
        created = true;
      }
      room.fill(snapshot);
      room.password = password;
    } catch (error) {
      if (rooms.get(key) === room) rooms.delete(key);
      const refusal = error instanceof LegacyRefusal ? error : undefined;
      if (refusal === undefined) this.host.log.warn({ user: session.jid, room: key, err: error }, 'gateway: joining a room failed');
      else this.host.log.info({ user: session.jid, room: key, reason: refusal.message }, 'gateway: a room join was refused');
      for (const waiting of room.waiting) refused(waiting, refusal?.condition ?? 'internal-server-error', refusal?.message ?? 'internal error');
      room.waiting.clear();
      return;
    }
    this.host.log.info({ user: session.jid, room: key, participants: room.participants.size }, 'gateway: joined a room');
    if (this.host.history !== undefined && joinSeq !== undefined) await backfillRoom(this.host.history, session.legacy, session.jid, key, joinSeq, this.host.log);
    for (const waiting of [...room.waiting]) await this.#welcome(session, room, waiting, nick, this.#askedOf(room).get(waiting), created);
    this.#asked.delete(room);
    this.#keep(session, room);
  }

  #askedOf(room: Room): Map<string, HistoryRequest> {
    let asked = this.#asked.get(room);
    if (asked === undefined) {
      asked = new Map();
      this.#asked.set(room, asked);
    }
    return asked;
  }

  /** Stores the room with the person's resources in it (a restart joins it again). */
  #keep(session: UserSession, room: Room): void {
    if (room.self === undefined) return;
    void this.host.kept.keep(session.jid, { room: room.key, nick: room.self.nick, resources: [...room.resources], ...(room.password === undefined ? {} : { password: room.password }) });
  }

  /** Whether the person keeps their rooms joined without devices (room-persistence.ts); false when it cannot be read. */
  async #persistent(session: UserSession): Promise<boolean> {
    return (await this.host.keepsRooms?.(session.jid).catch(() => false)) === true;
  }

  /**
   * The room as XEP-0045 §7.2 shows it to a joining resource: the participants, the self-presence,
   * the history the client asked for (delayed, XEP-0203), then the subject, which ends the join
   * for the client.
   */
  async #welcome(session: UserSession, room: Room, to: string, asked: string, history: HistoryRequest | undefined, created = false): Promise<void> {
    room.waiting.delete(to);
    room.resources.add(to);
    for (const participant of room.participants.values()) this.host.send(occupantPresence(room.jid, to, participant));
    const self: RoomParticipant = room.self ?? { nick: asked, role: 'participant', affiliation: 'none' };
    const codes = [STATUS.self, ...(self.nick === asked ? [] : [STATUS.renamedOnJoin]), ...(created ? [STATUS.created] : [])];
    this.host.send(occupantPresence(room.jid, to, self, { codes }));
    await this.#sendHistory(session, room, to, history);
    this.host.send(subjectMessage(room.jid, to, room.subject.text, room.subject.by));
  }

  /** The archived messages a joining resource asked for, oldest first (none when the archive fails: logged). */
  async #sendHistory(session: UserSession, room: Room, to: string, asked: HistoryRequest | undefined): Promise<void> {
    const history = this.host.history;
    if (history === undefined || asked === undefined || asked.maxStanzas <= 0) return;
    try {
      const entries = await history.query({ owner: session.jid, room: room.key, newestFirst: true, limit: asked.maxStanzas, ...(asked.since === undefined ? {} : { start: asked.since }) });
      for (const entry of entries.reverse()) this.host.send(historyMessage(room.jid, to, entry));
    } catch (error) {
      this.host.log.warn({ user: session.jid, room: room.key, err: error }, 'gateway: reading the room history failed; joined without it');
    }
  }

  // --- messages -------------------------------------------------------------------------------

  async #message(message: Element, session: UserSession, key: string, from: string, nick: string | undefined): Promise<void> {
    const room = this.#roomsOf(session).get(key);
    const refuse = (condition: ErrorCondition, text: string): void => this.host.send(errorReply(message, condition, text));
    const invites = invitesOf(message);
    if (nick === undefined && invites.length > 0) return this.#actions.invite(message, invites, session, room, from);
    if (nick !== undefined) {
      const target = privateTarget(message, room, from, nick);
      if (target.kind === 'refuse') return refuse(target.condition, target.text);
      return this.host.privateMessage(message, session, target.nick);
    }
    if (message.attrs.type !== 'groupchat') return refuse('bad-request', 'send groupchat messages to a room');
    if (room === undefined || !room.resources.has(from) || room.self === undefined) return refuse('not-acceptable', 'you are not in this room; join it first');
    const edit = roomEditOf(message);
    if (edit !== undefined) return this.#edits.apply(message, edit, session, room, (text, action) => this.#mayCheck(session, room, text, action));
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
    const allowed = await this.#mayCheck(session, room, action ? body.slice(4) : body, action);
    if (!allowed.allowed) return refuse('forbidden', allowed.reason);
    const legacyId = await session.legacy.onRoomText(key, action ? body.slice(4) : body, { action, undelivered });
    // Reflected once to every resource in the room, with the sender's id (XEP-0045 §7.2.2).
    const stanzaId = legacyId ?? randomUUID();
    const id = typeof message.attrs.id === 'string' && message.attrs.id !== '' ? message.attrs.id : stanzaId;
    const self = room.self;
    this.host.history?.record(session.jid, key, { stanzaId, nick: self.nick, body: action ? body.slice(4) : body, action });
    this.#edits.said(room, { stanzaId, clientId: id, nick: self.nick, body, own: true });
    for (const resource of room.resources) this.host.send(roomMessage(room.jid, resource, self.nick, body, id, stanzaId));
  }

  /** The modules' check of a text the person sends to a room, in the order sent: a slow answer must not let a later message overtake this one. */
  #mayCheck(session: UserSession, room: Room, text: string, action: boolean): Promise<AccountVerdict> {
    const verdict = (this.#checks.get(room) ?? Promise.resolve()).then(() => this.host.hooks.maySend({ jid: session.jid, nick: room.self?.nick ?? '' }, room.key, text, action));
    this.#checks.set(room, verdict.catch(() => undefined));
    return verdict;
  }

  // --- iq ------------------------------------------------------------------------------------

  async #iq(iq: Element, session: UserSession, key: string, from: string, nick: string | undefined): Promise<void> {
    const type = iq.attrs.type;
    if (type !== 'get' && type !== 'set') return;
    const child = firstChild(iq);
    const room = this.#roomsOf(session).get(key);
    if (type === 'get' && nick === undefined && child?.is('query', NS.discoInfo) === true && child.attrs.node === undefined) {
      return this.host.send(iqResult(iq, roomInfo(room?.name ?? key, this.host.history === undefined ? [] : [NS.mam])));
    }
    if (nick === undefined && child?.is('query', NS.mam) === true && this.host.history !== undefined) {
      // The person's archive of the room: readable while they are registered, in the room or not.
      const local = contactLocalpart(key);
      if (local === undefined) return this.host.send(errorReply(iq, 'item-not-found'));
      const roomJid = room?.jid ?? `${local}@${this.host.domain}`;
      try {
        return await answerMam({ network: this.host.network ?? this.host.domain, send: (s) => this.host.send(s), ...(this.host.unsignedFields === undefined ? {} : { unsignedFields: this.host.unsignedFields }) },
          this.host.history, iq, child, session.jid, key, roomJid);
      } catch (error) {
        this.host.log.warn({ user: session.jid, room: key, err: error }, 'gateway: a MAM query failed');
        return this.host.send(errorReply(iq, 'internal-server-error', 'the archive cannot be read right now'));
      }
    }
    if (type === 'get' && child?.is('ping', NS.ping) === true) {
      // XEP-0410 self-ping: answered while this resource is in the room.
      if (room?.resources.has(from) === true && (nick === undefined || nick === room.self?.nick)) return this.host.send(iqResult(iq));
      return this.host.send(errorReply(iq, 'not-acceptable', 'you are not in this room'));
    }
    if (type === 'set' && nick === undefined && child?.is('query', NS.mucAdmin) === true) return this.#actions.moderate(iq, child, session, room, from);
    if (type === 'get' && nick === undefined && child?.is('query', NS.mucAdmin) === true) return this.#actions.list(iq, child, session, room, from);
    if (type === 'set' && nick === undefined && child?.is('query', NS.mucOwner) === true && child.getChild('destroy') !== undefined) return this.#actions.destroy(iq, child, session, room, from, (gone) => this.#roomsOf(session).delete(gone.key));
    if (nick === undefined && child?.is('query', NS.mucOwner) === true) return answerRoomConfig(this.host, iq, child, session, room, from);
    return this.host.send(errorReply(iq, 'service-unavailable'));
  }

}
