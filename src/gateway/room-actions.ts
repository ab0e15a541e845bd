/**
 * What a person does to a gateway room beyond joining and speaking (ADR 0010 §9, §10,
 * docs/gateway.md "Group chats"): kicks and bans (room-admin.ts), invitations both ways
 * (room-invites.ts), ending the room (XEP-0045 destroy), and the gateway domain's disco#items
 * (the rooms the person is in), each with its module callbacks (room-hooks.ts). Protocol-neutral:
 * the legacy session's `moderateRoom`, `inviteToRoom` and `destroyRoom` do the network's part.
 */
import xml, { type Element } from '@xmpp/xml';
import { LegacyRefusal, type RoomRoleChange } from './api.js';
import { contactLocalpart } from './contacts.js';
import type { Logger } from '../core/log.js';
import type { RoomHooks } from '../core/room-hooks.js';
import { readAdminRequest } from './room-admin.js';
import { banList, participantList, readListRequest, readRoleChange } from './room-roles.js';
import { invitation, readInvite } from './room-invites.js';
import type { Room } from './rooms.js';
import type { UserSession } from './session.js';
import { destroyedPresence } from './xmpp/muc.js';
import { NS } from './xmpp/namespaces.js';
import { errorReply, iqResult, type ErrorCondition } from './xmpp/stanzas.js';

/** How long a ban list may take. */
const BAN_LIST_MS = 10_000;
/** Most rooms remembered as invited to, per person. */
const MAX_INVITED = 50;

/** What the room actions need from the gateway (group-chats.ts's host has it all). */
export interface RoomActionHost {
  readonly domain: string;
  readonly log: Logger;
  readonly hooks: RoomHooks;
  send(stanza: Element): void;
}

export class RoomActions {
  /** The rooms someone on the network lately invited each person to (userMayJoinRoom's `isInvited`). */
  readonly #invitedTo = new WeakMap<UserSession, Set<string>>();

  constructor(private readonly host: RoomActionHost) {}

  /** Whether someone on the network lately invited `session`'s person to `key`. */
  wasInvited(session: UserSession, key: string): boolean {
    return this.#invitedTo.get(session)?.has(key) === true;
  }

  /** The person invites someone of the network (room-invites.ts): errors come back as message errors. */
  async invite(message: Element, invites: Element[], session: UserSession, room: Room | undefined, from: string): Promise<void> {
    const refuse = (condition: ErrorCondition, text: string): void => this.host.send(errorReply(message, condition, text));
    if (room === undefined || !room.resources.has(from)) return refuse('not-acceptable', 'you are not in this room; join it first');
    const request = readInvite(invites, this.host.domain);
    if (!request.ok) return refuse('not-acceptable', request.text);
    if (session.legacy.inviteToRoom === undefined) return refuse('feature-not-implemented', 'invitations are not supported on this network');
    const contact = session.legacy.contactKey(request.invitee);
    if (contact === undefined) return refuse('bad-request', `${request.invitee} is no one on this network`);
    const allowed = await this.host.hooks.mayInvite({ jid: session.jid, nick: room.self?.nick ?? '' }, contact, room.key);
    if (!allowed.allowed) return refuse('forbidden', allowed.reason);
    try {
      await session.legacy.inviteToRoom(room.key, contact, request.reason);
    } catch (error) {
      if (!(error instanceof LegacyRefusal)) this.host.log.warn({ user: session.jid, room: room.key, err: error }, 'gateway: an invitation failed');
      return refuse(error instanceof LegacyRefusal ? error.condition : 'internal-server-error', error instanceof LegacyRefusal ? error.message : 'internal error');
    }
    this.host.log.info({ user: session.jid, room: room.key }, 'gateway: an invitation was sent');
  }

  /** Someone of the network invites the person: a mediated invitation from the room JID. */
  invited(session: UserSession, key: string, by: string, reason: string | undefined): void {
    const local = contactLocalpart(key);
    if (local === undefined) return;
    const inviter = session.legacy.contactKey(by) ?? by;
    let invited = this.#invitedTo.get(session);
    if (invited === undefined) this.#invitedTo.set(session, (invited = new Set()));
    invited.add(key);
    if (invited.size > MAX_INVITED) invited.delete(invited.values().next().value as string);
    this.host.send(invitation(`${local}@${this.host.domain}`, key, session.jid, inviter, this.host.domain, reason));
  }

  /**
   * The person ends the room (XEP-0045 §10.9): checkCanShutdownRoom, then the legacy network's
   * destroy; every resource gets its unavailable self-presence with the `destroy` element.
   */
  async destroy(iq: Element, query: Element, session: UserSession, room: Room | undefined, from: string, forget: (room: Room) => void): Promise<void> {
    if (room === undefined || !room.resources.has(from) || room.self === undefined) return this.host.send(errorReply(iq, 'not-acceptable', 'you are not in this room; join it first'));
    if (session.legacy.destroyRoom === undefined) return this.host.send(errorReply(iq, 'feature-not-implemented', 'ending rooms is not supported on this network'));
    const refuse = (error: unknown): void => this.host.send(errorReply(iq, error instanceof LegacyRefusal ? error.condition : 'internal-server-error', error instanceof LegacyRefusal ? error.message : 'internal error'));
    try {
      const allowed = await this.host.hooks.mayShutdown({ jid: session.jid, nick: room.self.nick }, room.key);
      if (!allowed.allowed) throw new LegacyRefusal(allowed.reason, 'forbidden');
      await session.legacy.destroyRoom(room.key);
    } catch (error) {
      if (!(error instanceof LegacyRefusal)) this.host.log.warn({ user: session.jid, room: room.key, err: error }, 'gateway: ending a room failed');
      return refuse(error);
    }
    const reason = (query.getChild('destroy')?.getChildText('reason') ?? '').slice(0, 300);
    const self = room.self;
    forget(room);
    for (const resource of room.resources) this.host.send(destroyedPresence(room.jid, resource, self, reason));
    room.resources.clear();
    this.host.log.info({ user: session.jid, room: room.key }, 'gateway: ended a room');
    this.host.send(iqResult(iq));
  }

  /** disco#items of the gateway domain for `session`'s person: the rooms they are in that the modules let be listed. */
  async items(session: UserSession | undefined, all: Iterable<Room>): Promise<Element> {
    const rooms = session === undefined ? [] : [...all].filter((room) => room.joined && room.self !== undefined);
    const listed: Element[] = [];
    for (const room of rooms) {
      if (session !== undefined && (await this.host.hooks.mayPublish({ jid: session.jid, nick: room.self?.nick ?? '' }, room.key))) listed.push(xml('item', { jid: room.jid, name: room.name }));
    }
    return xml('query', { xmlns: NS.discoItems }, ...listed);
  }

  /**
   * A kick or ban (room-admin.ts), or a role or affiliation given (room-roles.ts), from the
   * person: answered once the legacy side took it (for a role, once the network did it or refused).
   */
  async moderate(iq: Element, query: Element, session: UserSession, room: Room | undefined, from: string): Promise<void> {
    if (room === undefined || !room.resources.has(from)) return this.host.send(errorReply(iq, 'not-acceptable', 'you are not in this room; join it first'));
    const change = readRoleChange(query, room.jid, this.host.domain);
    if (change !== undefined) return this.#changeRole(iq, change, session, room);
    const request = readAdminRequest(query, room.jid, this.host.domain);
    if (!request.ok) return this.host.send(errorReply(iq, request.condition, request.text));
    if (session.legacy.moderateRoom === undefined) return this.host.send(errorReply(iq, 'feature-not-implemented', 'kicks and bans are not supported on this network'));
    try {
      await session.legacy.moderateRoom(room.key, request.action);
    } catch (error) {
      if (!(error instanceof LegacyRefusal)) this.host.log.warn({ user: session.jid, room: room.key, err: error }, 'gateway: a kick or ban failed');
      return this.host.send(errorReply(iq, error instanceof LegacyRefusal ? error.condition : 'internal-server-error', error instanceof LegacyRefusal ? error.message : 'internal error'));
    }
    this.host.log.info({ user: session.jid, room: room.key, action: request.action.kind }, 'gateway: a kick or ban was sent');
    this.host.send(iqResult(iq));
  }

  /** A `muc#admin` get (room-roles.ts): a role or affiliation list from the room, the ban list from the network. */
  async list(iq: Element, query: Element, session: UserSession, room: Room | undefined, from: string): Promise<void> {
    if (room === undefined || !room.resources.has(from) || room.self === undefined) return this.host.send(errorReply(iq, 'not-acceptable', 'you are not in this room; join it first'));
    const asked = readListRequest(query);
    if (asked === undefined) return this.host.send(errorReply(iq, 'bad-request', 'ask for one role or one affiliation'));
    if (!('affiliation' in asked) || asked.affiliation !== 'outcast') return this.host.send(iqResult(iq, participantList([room.self, ...room.participants.values()], asked)));
    if (session.legacy.roomBans === undefined) return this.host.send(errorReply(iq, 'feature-not-implemented', 'ban lists are not supported on this network'));
    try {
      this.host.send(iqResult(iq, banList(this.host.domain, await session.legacy.roomBans(room.key, AbortSignal.timeout(BAN_LIST_MS)))));
    } catch (error) {
      this.#failed(iq, session, room, error, 'reading a ban list');
    }
  }

  async #changeRole(iq: Element, change: RoomRoleChange, session: UserSession, room: Room): Promise<void> {
    if (session.legacy.changeRoomRole === undefined) return this.host.send(errorReply(iq, 'feature-not-implemented', 'roles are not given from XMPP on this network'));
    try {
      await session.legacy.changeRoomRole(room.key, change);
    } catch (error) {
      return this.#failed(iq, session, room, error, 'a role change');
    }
    this.host.log.info({ user: session.jid, room: room.key, role: change.role, affiliation: change.affiliation }, 'gateway: a role change was done');
    this.host.send(iqResult(iq));
  }

  /** Answers `iq` with a refusal's words (or an internal error, logged). */
  #failed(iq: Element, session: UserSession, room: Room, error: unknown, what: string): void {
    if (!(error instanceof LegacyRefusal)) this.host.log.warn({ user: session.jid, room: room.key, err: error }, `gateway: ${what} failed`);
    this.host.send(errorReply(iq, error instanceof LegacyRefusal ? error.condition : 'internal-server-error', error instanceof LegacyRefusal ? error.message : 'internal error'));
  }
}
