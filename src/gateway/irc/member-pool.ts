/**
 * One copy of each channel member for all sessions (ADR 0010 "Burst and memory"). Every
 * person's session keeps the member list of each channel it is in, and the framework's room a
 * participant per member (rooms.ts): with 100 people in a room that is 100 lists of 100. The
 * entries are immutable values — a nick with its prefix symbols, and the participant XMPP is
 * shown (a pure function of nick, prefixes and +m) — so the sessions share them: a member,
 * participant or folded nick already pooled is returned instead of a new one, and the per-session
 * lists only hold references. Pooled values are frozen (no session can change another's).
 *
 * Bounded: each pool keeps at most MAX_POOLED entries, the oldest dropped first; a dropped entry
 * stays valid where it is used (it is only no longer shared with entries made afterwards).
 */
import type { RoomParticipant } from '../api.js';
import { hatsOf } from './channel-hats.js';
import { roleOf } from './channel-modes.js';

/** Most entries of each pool. */
export const MAX_POOLED = 10_000;

/** A channel member as a session keeps it: immutable, shared (replace it to change it). */
export interface PooledMember {
  readonly nick: string;
  /** The nick folded by the network's case mapping (the member's key in a channel). */
  readonly key: string;
  /** The prefix symbols held, each once (`@+`; usually ''). */
  readonly prefixes: string;
}

/** A bounded map of shared values: the oldest key is dropped once full. */
class Pool<T> {
  readonly #entries = new Map<string, T>();

  /** The pooled value for `key`, made by `make` (and pooled) when there is none. */
  get(key: string, make: () => T): T {
    const known = this.#entries.get(key);
    if (known !== undefined) return known;
    const value = make();
    if (this.#entries.size >= MAX_POOLED) {
      const oldest = this.#entries.keys().next();
      if (oldest.done !== true) this.#entries.delete(oldest.value);
    }
    this.#entries.set(key, value);
    return value;
  }

  get size(): number {
    return this.#entries.size;
  }
}

const names = new Pool<string>();
const members = new Pool<PooledMember>();
const participants = new Pool<RoomParticipant>();

/** The pooled copy of `name` (a nick or a folded nick, used as a map key by every session). */
export function pooledName(name: string): string {
  return names.get(name, () => name);
}

/** The member `nick` (folded: `key`) holding `prefixes`, shared. */
export function pooledMember(nick: string, prefixes: string, key: string): PooledMember {
  // Neither a nick nor a prefix symbol has a space.
  return members.get(`${prefixes} ${nick} ${key}`, () => Object.freeze({ nick: pooledName(nick), key: pooledName(key), prefixes }));
}

/** The participant XMPP is shown for `member` (in a +m channel when `moderated`), shared. */
export function pooledParticipant(member: PooledMember, moderated: boolean): RoomParticipant {
  return participants.get(`${moderated ? 'm' : '-'}${member.prefixes} ${member.nick}`, () => {
    const hats = hatsOf(member.prefixes);
    return Object.freeze({ nick: pooledName(member.nick), ...roleOf(member.prefixes, moderated), ...(hats.length === 0 ? {} : { hats: Object.freeze(hats) }) });
  });
}

/** How many entries each pool holds (for tests and probes). */
export function poolSizes(): { readonly names: number; readonly members: number; readonly participants: number } {
  return { names: names.size, members: members.size, participants: participants.size };
}
