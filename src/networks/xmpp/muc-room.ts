/**
 * The state of one MUC room (XEP-0045) as the bot sees it: join progress, our nick, the
 * occupants, and whether the join-time history is over. Occupant presences go in, the changes
 * the adapter turns into events come out. No I/O here.
 */
import { ownOptional, ownString } from './own-string.js';
import type { Element } from '@xmpp/xml';
import type { MucPresence } from './stanza-parse.js';

/** Someone in the room. */
export interface Occupant {
  readonly nick: string;
  /** The occupant JID, `room@service/nick`. */
  readonly jid: string;
  /** The real bare-or-full JID, in non-anonymous rooms. */
  readonly realJid?: string;
  /** XEP-0421 occupant id, in rooms that add one. */
  readonly occupantId?: string;
  readonly role?: string;
  readonly affiliation?: string;
  readonly show?: string;
  readonly status?: string;
}

/** Why the bot is no longer in a room. */
export type RemovalCause = 'kick' | 'ban' | 'part' | 'destroyed' | 'shutdown' | 'other';

/** A change worth an event. */
export type RoomChange =
  | { readonly kind: 'joined'; readonly occupants: readonly Occupant[] }
  | { readonly kind: 'join'; readonly occupant: Occupant }
  | { readonly kind: 'part'; readonly occupant: Occupant; readonly reason: string }
  | { readonly kind: 'nick'; readonly occupant: Occupant; readonly oldNick: string }
  | { readonly kind: 'kick'; readonly occupant: Occupant; readonly actor?: Occupant; readonly reason: string; readonly ban: boolean }
  | { readonly kind: 'presence'; readonly occupant: Occupant }
  /** The occupant became a moderator (`moderator`), or is one no longer. */
  | { readonly kind: 'moderator'; readonly occupant: Occupant; readonly moderator: boolean; readonly actor?: Occupant }
  | { readonly kind: 'self-nick'; readonly oldNick: string; readonly newNick: string }
  | { readonly kind: 'self-removed'; readonly cause: RemovalCause; readonly actor?: Occupant; readonly reason?: string }
  | { readonly kind: 'join-error'; readonly condition: string };

const SELF = 110;
const NICK_CHANGED = 303;
const KICKED = 307;
const BANNED = 301;
const SHUTDOWN = 332;

export class MucRoom {
  private readonly occupants = new Map<string, Occupant>();
  private state: 'joining' | 'joined' | 'left' = 'left';
  private subjectSeen = false;
  private currentSubject: string | undefined;
  /**
   * true once the room said (service discovery) that it assigns stanza-ids (XEP-0359): only
   * then is a `<stanza-id by="room">` on a message the room's and not one its sender forged.
   */
  assignsStanzaIds = false;
  /**
   * The room's live messages received while a catch-up from its archive runs (catch-up.ts),
   * handled once it is over; undefined when none runs. A new array per join.
   */
  held: Element[] | undefined;

  /**
   * @param id the bare room JID, lower-cased
   * @param nick the nick we join with (the room may give us another)
   */
  constructor(
    readonly id: string,
    public nick: string,
  ) {}

  /**
   * Our XEP-0421 occupant id, from our self-presence, when the room adds them. A room that does
   * removes any a sender put in, so then an occupant id on a message can be believed.
   */
  get ownOccupantId(): string | undefined {
    return this.occupants.get(this.nick)?.occupantId;
  }

  /** True once our self-presence arrived and until we leave. */
  get joined(): boolean {
    return this.state === 'joined';
  }

  /** True while a join is under way. */
  get joining(): boolean {
    return this.state === 'joining';
  }

  /**
   * True once the room sent its subject, which ends the join-time history (XEP-0045 §7.2.15):
   * delayed messages before that are history, not new messages.
   */
  get historyDone(): boolean {
    return this.subjectSeen;
  }

  /**
   * Starts a (re)join: forgets the occupants (and any held messages). With `catchUp`, the
   * room's live messages are held from now on until the catch-up releases them.
   */
  startJoin(nick: string, catchUp = false): void {
    this.nick = nick;
    this.state = 'joining';
    this.subjectSeen = false;
    this.occupants.clear();
    this.held = catchUp ? [] : undefined;
  }

  /** We left (or lost the connection): forgets the occupants and any held messages. */
  markLeft(): void {
    this.state = 'left';
    this.subjectSeen = false;
    this.occupants.clear();
    this.held = undefined;
  }

  /** The room's subject (topic), once received. */
  get subject(): string | undefined {
    return this.currentSubject;
  }

  /** The subject arrived: the join-time history is over. */
  subjectReceived(text: string): void {
    this.subjectSeen = true;
    this.currentSubject = text;
  }

  /** The occupants, ourselves included. */
  members(): readonly Occupant[] {
    return [...this.occupants.values()];
  }

  /** The occupant with this nick, if present. */
  occupant(nick: string): Occupant | undefined {
    return this.occupants.get(nick);
  }

  /** Applies a presence from this room and returns what changed. */
  apply(p: MucPresence): RoomChange[] {
    if (p.type === 'error') {
      if (!this.joining) return [];
      this.markLeft();
      return [{ kind: 'join-error', condition: p.error ?? 'undefined-condition' }];
    }
    // Nicks are unique in a room; a destroy notice may come without status 110.
    const isSelf = p.codes.includes(SELF) || (this.state !== 'left' && p.nick === this.nick);
    return isSelf ? this.applySelf(p) : this.applyOther(p);
  }

  private applySelf(p: MucPresence): RoomChange[] {
    if (p.type === 'unavailable') {
      if (p.codes.includes(NICK_CHANGED) && p.newNick !== undefined) {
        const oldNick = this.nick;
        this.renameOccupant(oldNick, p.newNick);
        this.nick = p.newNick;
        return [{ kind: 'self-nick', oldNick, newNick: p.newNick }];
      }
      const wasThere = this.state !== 'left';
      const actor = this.actorOf(p.actor);
      this.markLeft();
      if (!wasThere) return [];
      const cause = p.destroyed === true ? 'destroyed' : removalCause(p.codes);
      return [{ kind: 'self-removed', cause, ...optional('actor', actor), ...optional('reason', p.reason) }];
    }
    this.nick = p.nick;
    this.occupants.set(p.nick, occupantOf(this.id, p));
    if (this.state === 'joined') return [];
    this.state = 'joined';
    return [{ kind: 'joined', occupants: this.members() }];
  }

  private applyOther(p: MucPresence): RoomChange[] {
    const known = this.occupants.get(p.nick);
    if (p.type === 'available') {
      const occupant = occupantOf(this.id, p);
      this.occupants.set(p.nick, occupant);
      if (!this.joined) return []; // the occupant list before our self-presence
      if (known === undefined) return [{ kind: 'join', occupant }];
      const changes: RoomChange[] = known.show !== occupant.show || known.status !== occupant.status ? [{ kind: 'presence', occupant }] : [];
      const moderator = occupant.role === 'moderator';
      if (known.role !== undefined && occupant.role !== undefined && moderator !== (known.role === 'moderator')) {
        changes.push({ kind: 'moderator', occupant, moderator, ...optional('actor', this.actorOf(p.actor)) });
      }
      return changes;
    }
    const occupant = known ?? occupantOf(this.id, p);
    if (p.codes.includes(NICK_CHANGED) && p.newNick !== undefined) {
      const renamed = this.renameOccupant(p.nick, p.newNick) ?? { ...occupant, nick: p.newNick, jid: `${this.id}/${p.newNick}` };
      return this.joined ? [{ kind: 'nick', occupant: renamed, oldNick: p.nick }] : [];
    }
    this.occupants.delete(p.nick);
    if (!this.joined) return [];
    if (p.codes.includes(KICKED) || p.codes.includes(BANNED)) {
      return [{ kind: 'kick', occupant, ...optional('actor', this.actorOf(p.actor)), reason: p.reason ?? '', ban: p.codes.includes(BANNED) }];
    }
    return [{ kind: 'part', occupant, reason: p.status ?? '' }];
  }

  /** The occupant who kicked or banned, by nick (as far as we know them). */
  private actorOf(nick: string | undefined): Occupant | undefined {
    if (nick === undefined) return undefined;
    return this.occupants.get(nick) ?? { nick, jid: `${this.id}/${nick}` };
  }

  private renameOccupant(oldNick: string, newNick: string): Occupant | undefined {
    const occupant = this.occupants.get(oldNick);
    if (occupant === undefined) return undefined;
    this.occupants.delete(oldNick);
    const renamed = { ...occupant, nick: newNick, jid: `${this.id}/${newNick}` };
    this.occupants.set(newNick, renamed);
    return renamed;
  }
}

function removalCause(codes: readonly number[]): RemovalCause {
  if (codes.includes(BANNED)) return 'ban';
  if (codes.includes(KICKED)) return 'kick';
  if (codes.includes(SHUTDOWN)) return 'shutdown';
  return codes.length <= 1 ? 'part' : 'other';
}

/** The occupant a presence describes, its strings copied out of the stream (own-string.ts): kept for long. */
function occupantOf(room: string, p: MucPresence): Occupant {
  const nick = ownString(p.nick);
  return {
    nick,
    jid: ownString(`${room}/${nick}`),
    ...optional('realJid', ownOptional(p.realJid)),
    ...optional('occupantId', ownOptional(p.occupantId)),
    ...optional('role', ownOptional(p.role)),
    ...optional('affiliation', ownOptional(p.affiliation)),
    ...optional('show', ownOptional(p.show)),
    ...optional('status', ownOptional(p.status)),
  };
}

/** What `optional` gives for an absent value: one shared empty object (for spreading; frozen). */
const ABSENT = Object.freeze({});

/** `{ [name]: value }` when value is defined, else `{}` (shared, frozen): keeps optional fields absent when spread. */
export function optional<K extends string, V>(name: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? ABSENT : { [name]: value }) as { [P in K]?: V };
}
