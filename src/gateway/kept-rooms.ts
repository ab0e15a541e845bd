/**
 * The rooms each person is in, kept in the gateway network's key-value store under
 * `rooms:<jid>` so that they are joined again after a restart or a lost legacy connection
 * (docs/gateway.md "Group chats", ADR 0010 "Rooms kept across restarts"): per room its key, the
 * nick, and the person's XMPP resources in it (told the room again at the rejoin). Bounded per
 * person ({@link MAX_KEPT_ROOMS} rooms, {@link MAX_KEPT_RESOURCES} resources each); a damaged
 * entry reads as none; removed on unregister. Nothing is cached; one person's writes run in order.
 */
import type { Logger } from '../core/log.js';
import type { KeyValueStore } from '../core/store.js';
import { PersonLists } from './person-lists.js';

/** Most rooms kept per person (the framework's own bound on rooms per person). */
export const MAX_KEPT_ROOMS = 100;
/** Most resources kept per room. */
export const MAX_KEPT_RESOURCES = 10;
/** The longest room key, nick or full JID kept (characters). */
const MAX_TEXT = 3071;

/** One room a person is in. */
export interface KeptRoom {
  /** The legacy room key. */
  readonly room: string;
  /** The nick the person joined with. */
  readonly nick: string;
  /** Full JIDs of the person's resources in the room. */
  readonly resources: readonly string[];
}

function text(value: unknown): value is string {
  return typeof value === 'string' && value !== '' && value.length <= MAX_TEXT;
}

/** `value` as a kept room, or undefined when it is not one. */
export function readKeptRoom(value: unknown): KeptRoom | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { room, nick, resources } = value as Record<string, unknown>;
  if (!text(room) || !text(nick) || !Array.isArray(resources)) return undefined;
  return { room, nick, resources: [...new Set(resources.filter(text))].slice(0, MAX_KEPT_RESOURCES) };
}

/** The valid rooms of a stored list, each once (the last entry of a room counts). */
function parseRooms(stored: readonly unknown[]): KeptRoom[] {
  const rooms = new Map<string, KeptRoom>();
  for (const entry of stored) {
    const room = readKeptRoom(entry);
    if (room !== undefined) rooms.set(room.room, room);
  }
  return [...rooms.values()];
}

export class KeptRooms {
  readonly #lists: PersonLists<KeptRoom>;

  constructor(store: KeyValueStore, log: Logger, max = MAX_KEPT_ROOMS) {
    this.#lists = new PersonLists(store, log, { prefix: 'rooms:', what: 'rooms', max, parse: parseRooms });
  }

  /** `jid`'s rooms, oldest first. Never rejects (a store that fails reads as none, logged). */
  load(jid: string): Promise<KeptRoom[]> {
    return this.#lists.load(jid);
  }

  /** Keeps (or updates) `room` for `jid`; the oldest room is forgotten past the bound. Never rejects. */
  keep(jid: string, room: KeptRoom): Promise<void> {
    const entry = readKeptRoom(room);
    if (entry === undefined) return Promise.resolve();
    return this.#lists.update(jid, (rooms) => [...rooms.filter((r) => r.room !== entry.room), entry]);
  }

  /** Forgets the room `key` of `jid` (they left it, or were removed). Never rejects. */
  forget(jid: string, key: string): Promise<void> {
    return this.#lists.update(jid, (rooms) => (rooms.some((r) => r.room === key) ? rooms.filter((r) => r.room !== key) : undefined));
  }

  /** Forgets every room of `jid` (unregister). Never rejects. */
  remove(jid: string): Promise<void> {
    return this.#lists.remove(jid);
  }

  /** Resolves once every write issued so far is done (before the store closes). */
  settled(): Promise<void> {
    return this.#lists.settled();
  }
}
