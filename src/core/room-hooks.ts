/**
 * What the gateway's group chats ask the modules (ADR 0010 §10, docs/modules.md): whether a person
 * may join a room, create it (a join that created the IRC channel), send a message there, invite
 * someone, list a room on the gateway's disco#items, end a room. The hub implements it with the
 * module callbacks (userMayJoinRoom, checkEventAllowed, userMayCreateRoom, onCreateRoom,
 * userMayInvite, userMayPublishRoom, checkCanShutdownRoom, checkVisibilityCanBeModified); a network without it allows
 * everything. `person`: the gateway user (bare JID) and their nick on the legacy network; `room`:
 * the room's legacy id (IRC: the channel name).
 */
import type { AccountVerdict } from './account-hooks.js';

/** The gateway user acting in a room. */
export interface RoomActor {
  /** Their bare JID (the account's id). */
  readonly jid: string;
  /** Their nick on the legacy network. */
  readonly nick: string;
}

export interface RoomHooks {
  /** Before joining `room` (`invited`: someone on the network invited them to it lately). */
  mayJoin(person: RoomActor, room: string, invited: boolean): Promise<AccountVerdict>;
  /** A join created `room` on the network: may they (the room is left again when not)? */
  mayCreate(person: RoomActor, room: string): Promise<AccountVerdict>;
  /** Before a message of theirs goes to `room`. */
  maySend(person: RoomActor, room: string, text: string, action: boolean): Promise<AccountVerdict>;
  /** Before inviting `invitee` (their legacy id) to `room`. */
  mayInvite(person: RoomActor, invitee: string, room: string): Promise<AccountVerdict>;
  /** Whether `room` is listed to them in the gateway's disco#items. */
  mayPublish(person: RoomActor, room: string): Promise<boolean>;
  /** Before ending `room` (XEP-0045 destroy). */
  mayShutdown(person: RoomActor, room: string): Promise<AccountVerdict>;
  /** Before the room configuration form makes `room` public (listed) or private (hidden) on the network. */
  mayChangeVisibility(person: RoomActor, room: string, visibility: 'public' | 'private'): Promise<AccountVerdict>;
}

const ALLOWED: AccountVerdict = { allowed: true };

/** Hooks that allow everything (no modules, tests). */
export const ALLOW_ALL_ROOM_HOOKS: RoomHooks = {
  mayJoin: () => Promise.resolve(ALLOWED),
  mayCreate: () => Promise.resolve(ALLOWED),
  maySend: () => Promise.resolve(ALLOWED),
  mayInvite: () => Promise.resolve(ALLOWED),
  mayPublish: () => Promise.resolve(true),
  mayShutdown: () => Promise.resolve(ALLOWED),
  mayChangeVisibility: () => Promise.resolve(ALLOWED),
};
