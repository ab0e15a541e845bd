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
import { WriteChain } from './write-chain.js';

const PREFIX = 'rooms:';
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

export class KeptRooms {
  readonly #writes: WriteChain;

  constructor(
    private readonly store: KeyValueStore,
    private readonly log: Logger,
    private readonly max = MAX_KEPT_ROOMS,
  ) {
    this.#writes = new WriteChain(log, 'gateway: storing the rooms failed');
  }

  /** `jid`'s rooms, oldest first. Never rejects (a store that fails reads as none, logged). */
  async load(jid: string): Promise<KeptRoom[]> {
    await this.#writes.pending(jid);
    return this.#read(jid).catch((error: unknown) => {
      this.log.warn({ user: jid, err: error }, 'gateway: the stored rooms cannot be read');
      return [];
    });
  }

  async #read(jid: string): Promise<KeptRoom[]> {
    const value = await this.store.get<unknown>(PREFIX + jid);
    if (value === undefined) return [];
    if (!Array.isArray(value)) {
      this.log.warn({ user: jid }, 'gateway: the stored rooms are not a list; ignored');
      return [];
    }
    const rooms = new Map<string, KeptRoom>();
    for (const entry of value) {
      const room = readKeptRoom(entry);
      if (room !== undefined) rooms.set(room.room, room);
    }
    return [...rooms.values()].slice(-this.max);
  }

  /** Keeps (or updates) `room` for `jid`; the oldest room is forgotten past the bound. Never rejects. */
  keep(jid: string, room: KeptRoom): Promise<void> {
    const entry = readKeptRoom(room);
    if (entry === undefined) return Promise.resolve();
    return this.#writes.run(jid, async () => {
      const rest = (await this.#read(jid)).filter((r) => r.room !== entry.room);
      await this.store.set(PREFIX + jid, [...rest, entry].slice(-this.max));
    });
  }

  /** Forgets the room `key` of `jid` (they left it, or were removed). Never rejects. */
  forget(jid: string, key: string): Promise<void> {
    return this.#writes.run(jid, async () => {
      const rooms = await this.#read(jid);
      if (!rooms.some((r) => r.room === key)) return;
      const rest = rooms.filter((r) => r.room !== key);
      if (rest.length === 0) await this.store.delete(PREFIX + jid);
      else await this.store.set(PREFIX + jid, rest);
    });
  }

  /** Forgets every room of `jid` (unregister). Never rejects. */
  remove(jid: string): Promise<void> {
    return this.#writes.run(jid, async () => {
      await this.store.delete(PREFIX + jid);
    });
  }

  /** Resolves once every write issued so far is done (before the store closes). */
  settled(): Promise<void> {
    return this.#writes.settled();
  }
}
