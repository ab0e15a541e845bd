/**
 * A room as the framework keeps it (slidge's LegacyMUC), one per legacy room and session: its
 * JID, the participants with their roles, the subject, the person's own nick and role, and the
 * person's XMPP resources in it. Updated from the legacy side's room events; the stanzas are
 * group-chats.ts's job. Bounded: at most MAX_PARTICIPANTS participants and MAX_RESOURCES
 * resources.
 */
import type { RoomParticipant, RoomSnapshot, RoomSubject } from './api.js';
import { KeyedList } from './keyed-list.js';

/** Most participants a room keeps (the legacy side bounds them too). */
export const MAX_PARTICIPANTS = 5000;
/** A participant's key (one function for all rooms). */
const nickOf = (p: RoomParticipant): string => p.nick;

/** Most XMPP resources of one person in one room. */
export const MAX_RESOURCES = 10;

export class Room {
  /** Full JIDs of the person's resources in the room. */
  readonly resources = new Set<string>();
  /** The resources waiting for the join to finish. */
  readonly waiting = new Set<string>();
  /** The participants by nick (a sorted list, not a Map: every session keeps one; keyed-list.ts). */
  readonly participants = new KeyedList<RoomParticipant>(nickOf);
  name: string;
  self: RoomParticipant | undefined;
  subject: RoomSubject = { text: '' };
  /** Set once the legacy join answered. */
  joined = false;
  /** The room password the person joined with (kept sealed for the rejoin, kept-rooms.ts). */
  password: string | undefined;

  constructor(
    /** The legacy room key. */
    readonly key: string,
    /** The room's bare JID. */
    readonly jid: string,
  ) {
    this.name = key;
  }

  /** The legacy side's state after the join. */
  fill(snapshot: RoomSnapshot): void {
    this.joined = true;
    this.name = snapshot.name;
    this.self = snapshot.self;
    this.subject = snapshot.subject;
    this.participants.clear();
    for (const p of snapshot.participants.slice(0, MAX_PARTICIPANTS)) this.participants.put(p);
  }

  /** Whether `nick` is the person's own nick here. */
  isSelf(nick: string): boolean {
    return this.self?.nick === nick;
  }

  /** Adds or updates a participant (the person's own entry included); false when the room is full. */
  put(participant: RoomParticipant): boolean {
    if (this.isSelf(participant.nick)) {
      this.self = participant;
      return true;
    }
    if (!this.participants.has(participant.nick) && this.participants.size >= MAX_PARTICIPANTS) return false;
    this.participants.put(participant);
    return true;
  }

  /** Renames `nick` to `to`; the participant (undefined when unknown). */
  rename(nick: string, to: string): RoomParticipant | undefined {
    if (this.isSelf(nick) && this.self !== undefined) {
      this.self = { ...this.self, nick: to };
      return this.self;
    }
    const known = this.participants.get(nick);
    if (known === undefined) return undefined;
    this.participants.delete(nick);
    const renamed = { ...known, nick: to };
    this.participants.put(renamed);
    return renamed;
  }
}
