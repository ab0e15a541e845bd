/**
 * The rooms each person is in, kept in the gateway network's key-value store under
 * `rooms:<jid>` so that they are joined again after a restart or a lost legacy connection
 * (docs/gateway.md "Group chats", ADR 0010 "Rooms kept across restarts"): per room its key, the
 * nick, and the person's XMPP resources in it (told the room again at the rejoin), and the room
 * password (IRC: the channel key) the person joined with, sealed at rest with the gateway's secret
 * key (secret-box.ts, as the IRC passwords are; bound to the person and the room, never logged).
 * Bounded per person ({@link MAX_KEPT_ROOMS} rooms, {@link MAX_KEPT_RESOURCES} resources each); a
 * damaged entry reads as none (a key that does not open: the room without its key, logged once);
 * removed on unregister. Nothing is cached; one person's writes run in order.
 */
import type { Logger } from '../core/log.js';
import type { KeyValueStore } from '../core/store.js';
import type { SecretBox } from '../store/secret-box.js';
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
  /** The room password, sealed (secret-box.ts): only {@link KeptRooms} reads or writes it. */
  readonly sealedKey?: string;
}

/** A kept room as the gateway uses it: the password opened. */
export interface OpenedRoom {
  readonly room: string;
  readonly nick: string;
  readonly resources: readonly string[];
  /** The room password the person joined with (absent: none, or it could not be opened). */
  readonly password?: string;
}

function text(value: unknown): value is string {
  return typeof value === 'string' && value !== '' && value.length <= MAX_TEXT;
}

/** `value` as a kept room, or undefined when it is not one. */
export function readKeptRoom(value: unknown): KeptRoom | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { room, nick, resources, sealedKey } = value as Record<string, unknown>;
  if (!text(room) || !text(nick) || !Array.isArray(resources)) return undefined;
  return { room, nick, resources: [...new Set(resources.filter(text))].slice(0, MAX_KEPT_RESOURCES), ...(text(sealedKey) ? { sealedKey } : {}) };
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
  readonly #log: Logger;

  /**
   * @param box - seals the room passwords; without it a room's password is not kept (the rejoin
   *   of a keyed room is then refused, as before).
   */
  constructor(store: KeyValueStore, log: Logger, max = MAX_KEPT_ROOMS, private readonly box?: SecretBox) {
    this.#log = log;
    this.#lists = new PersonLists(store, log, { prefix: 'rooms:', what: 'rooms', max, parse: parseRooms });
  }

  /** `jid`'s rooms, oldest first, their passwords opened. Never rejects (a store that fails reads as none, logged). */
  async load(jid: string): Promise<OpenedRoom[]> {
    return (await this.#lists.load(jid)).map(({ sealedKey, ...room }) => {
      const password = sealedKey === undefined ? undefined : this.#open(jid, room.room, sealedKey);
      return password === undefined ? room : { ...room, password };
    });
  }

  /**
   * Keeps (or updates) `room` for `jid`, its password sealed; the oldest room is forgotten past
   * the bound. Never rejects.
   */
  keep(jid: string, room: OpenedRoom): Promise<void> {
    const { password, ...rest } = room;
    const sealedKey = password === undefined || password === '' || this.box === undefined ? undefined : this.box.seal(password, ownerOf(jid, room.room));
    const entry = readKeptRoom(sealedKey === undefined ? rest : { ...rest, sealedKey });
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

  #open(jid: string, room: string, sealed: string): string | undefined {
    if (this.box === undefined) return undefined;
    try {
      return this.box.open(sealed, ownerOf(jid, room));
    } catch (error) {
      this.#log.warn({ user: jid, room, err: error }, 'gateway: a kept room\'s password does not open (another secret key?); rejoined without it');
      return undefined;
    }
  }
}

/** What a sealed room password is bound to: the person and the room (a value moved to another row does not open). */
function ownerOf(jid: string, room: string): string {
  return `room-key\n${jid}\n${room}`;
}
