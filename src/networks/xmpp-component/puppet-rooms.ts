/**
 * Remote people as occupants of their own in MUC rooms: each joins a room as
 * `<their JID>/switchboard` under their nick (a taken nick gets `_1`, `_2` … ), on their first
 * message there, and leaves when they leave. The rooms' answers to those joins arrive at the
 * puppets' JIDs and are routed here (`onPresence`). At most `maxJoinsInFlight` joins are in
 * flight at once (join-slots.ts). A lost connection forgets every puppet but remembers where
 * they were (`takeRejoins`), so that the adapter brings them back after the reconnect.
 */
import xml, { type Element } from '@xmpp/xml';
import { LRUCache } from 'lru-cache';
import type { UserRef } from '../../core/refs.js';
import type { LogOnce } from '../log-once.js';
import { bareJid, resourceOf } from '../xmpp/jid.js';
import { NS } from '../xmpp/namespaces.js';
import { stripInvalidXmlChars } from '../xmpp/xml-chars.js';
import { JoinSlots } from './join-slots.js';
import { puppetLocalpart } from './puppet-jid.js';

/** The resource of every puppet's full JID. */
export const PUPPET_RESOURCE = 'switchboard';
/** How many nicks a puppet tries in a room: its nick, then `nick_1` … */
const NICK_ATTEMPTS = 5;
/** Longest nick a puppet asks for (code points). */
const MAX_NICK_CHARS = 64;
/** Why a join was given up on our side (the connection went, the person or the bot left). */
const ABANDONED = new Set(['disconnected', 'left', 'superseded']);
/** Failed joins that are not the room's answer about the person: tried again on the next message. */
const TRANSIENT = new Set(['remote-server-timeout']);
/** MUC status codes (XEP-0045). */
const SELF = 110;

/** One remote person in one room. */
export interface Puppet {
  /** Who they are: `network` and `id` of their UserRef. */
  readonly key: string;
  /** The person (for a rejoin after a reconnect). */
  readonly person: UserRef;
  /** Their full JID, `local@domain/switchboard`. */
  readonly jid: string;
  readonly room: string;
  nick: string;
  state: 'joining' | 'joined' | 'leaving';
  /** When it last spoke (ms since the epoch), for the idle timeout. */
  lastUsed: number;
  /** While leaving: forgets it if the bot never sees it go. */
  gone?: NodeJS.Timeout;
}

type JoinOutcome = { readonly ok: true; readonly nick: string } | { readonly ok: false; readonly condition: string };

/** What puppets need from the adapter. */
export interface PuppetRoomsDeps {
  readonly domain: string;
  readonly logOnce: LogOnce;
  readonly joinTimeoutMs: number;
  readonly maxPerRoom: number;
  /** How many joins may be in flight at once; more wait for a slot (default 50). */
  readonly maxJoinsInFlight?: number;
  readonly roomPasswords: Readonly<Record<string, string>>;
  /** Sends a stanza as it is (its `from` set); rejects when there is no connection. */
  send(el: Element): Promise<void>;
  /**
   * True when `nick` is known to be taken in `room` by someone else than the puppet `jid` (the
   * bot, a person); the room has the last word (a `conflict` answer).
   */
  nickTaken(room: string, nick: string, jid: string): boolean;
  /** The clock (ms since the epoch); default `Date.now`. */
  now?(): number;
}

/** Room JID → its puppets by person and by nick. */
interface RoomPuppets {
  readonly byKey: Map<string, Puppet>;
  readonly byNick: Map<string, Puppet>;
}

/** The key of a person: their network and id. */
export function personKey(user: UserRef): string {
  return `${user.network}\u0000${user.id}`;
}

/** The full JID of a person's puppet; undefined when their id is too long for a JID. */
export function puppetJid(user: UserRef, domain: string): string | undefined {
  const local = puppetLocalpart({ network: user.network, userId: user.id });
  return local === undefined ? undefined : `${local}@${domain}/${PUPPET_RESOURCE}`;
}

/** The nick a person asks for in rooms: their nick (else id), without what XML cannot carry. */
export function puppetNick(user: UserRef): string {
  const clean = [...stripInvalidXmlChars(user.nick ?? user.id).trim()].slice(0, MAX_NICK_CHARS).join('');
  return clean === '' ? 'someone' : clean;
}

/** Where a puppet was: its room and person. */
export interface PuppetPlace {
  readonly room: string;
  readonly person: UserRef;
}

/** Joins in flight at once by default. */
const DEFAULT_JOINS_IN_FLIGHT = 50;
/**
 * How long a room's refusal of a person (a ban, members only) stands before their puppet tries
 * again: meanwhile their messages go through the bot at once, without a join the room refuses.
 */
export const REFUSAL_RETRY_MS = 60_000;
/** Most refusals remembered (the oldest are forgotten first: they are only tried again). */
const MAX_REFUSALS = 10_000;

/** The puppets of every room: their joins, nicks and leaves. */
export class PuppetRooms {
  private readonly rooms = new Map<string, RoomPuppets>();
  private readonly slots: JoinSlots;
  /** Counts lost connections: a join that waited for a slot across one gives up. */
  private generation = 0;
  /** Where the puppets were when the connection was lost, until `takeRejoins`. */
  private rejoins: PuppetPlace[] = [];
  /** `room\n key` → until when the room's refusal of that person stands (ms since the epoch). */
  private readonly refusals = new LRUCache<string, number>({ max: MAX_REFUSALS });
  /** Joins in progress: `room\n full JID` → settles the join. */
  private readonly pending = new Map<string, (outcome: JoinOutcome) => void>();
  /** Joins in progress by `room\n key`, so that one person's concurrent messages join once. */
  private readonly joining = new Map<string, Promise<Puppet | undefined>>();

  constructor(private readonly deps: PuppetRoomsDeps) {
    this.slots = new JoinSlots(deps.maxJoinsInFlight ?? DEFAULT_JOINS_IN_FLIGHT);
  }

  /** True when `nick` in `room` is one of our puppets (joined, joining or leaving). */
  isPuppetNick(room: string, nick: string): boolean {
    return this.rooms.get(room)?.byNick.has(nick) === true;
  }

  /** The person's puppet in `room` when it is joined now (no join). */
  present(room: string, user: UserRef): Puppet | undefined {
    const puppet = this.rooms.get(room)?.byKey.get(personKey(user));
    return puppet?.state === 'joined' ? puppet : undefined;
  }

  /**
   * The person's puppet in `room`, joining it first when needed. Undefined (logged once) when
   * they cannot have one there: too many puppets, no usable JID, or the room refused them.
   */
  ensure(room: string, user: UserRef): Promise<Puppet | undefined> {
    const key = personKey(user);
    const present = this.rooms.get(room)?.byKey.get(key);
    if (present?.state === 'joined') {
      present.lastUsed = this.now();
      return Promise.resolve(present);
    }
    const id = `${room}\n${key}`;
    let joining = this.joining.get(id);
    if (joining === undefined) {
      joining = this.join(room, user, key).finally(() => this.joining.delete(id));
      this.joining.set(id, joining);
    }
    return joining;
  }

  private async join(room: string, user: UserRef, key: string): Promise<Puppet | undefined> {
    const { logOnce } = this.deps;
    const jid = puppetJid(user, this.deps.domain);
    if (jid === undefined) {
      logOnce.log('warn', `puppet-jid:${key}`, { network: user.network, user: user.id }, 'a user id is too long for a JID: their messages go through the bot');
      return undefined;
    }
    const refusedUntil = this.refusals.get(`${room}\n${key}`);
    if (refusedUntil !== undefined && refusedUntil > this.now()) return undefined; // logged when refused
    const puppets = this.roomOf(room);
    if (!puppets.byKey.has(key) && puppets.byKey.size >= this.deps.maxPerRoom) {
      logOnce.log('warn', `puppets-full:${room}`, { room, maxPuppetsPerRoom: this.deps.maxPerRoom }, 'a room has maxPuppetsPerRoom puppets: further people speak through the bot');
      return undefined;
    }
    this.remove(puppets.byKey.get(key)); // a previous one, leaving
    const base = puppetNick(user);
    const generation = this.generation;
    for (let attempt = 0; attempt < NICK_ATTEMPTS; attempt++) {
      const nick = attempt === 0 ? base : `${base}_${attempt}`;
      if (this.deps.nickTaken(room, nick, jid) || puppets.byNick.has(nick)) continue;
      const puppet: Puppet = { key, person: user, jid, room, nick, state: 'joining', lastUsed: this.now() };
      puppets.byKey.set(key, puppet);
      puppets.byNick.set(nick, puppet);
      const outcome = await this.slots.run(() => this.tryJoin(puppet, generation));
      if (outcome.ok) {
        if (outcome.nick !== puppet.nick) this.rename(puppet, outcome.nick);
        puppet.state = 'joined';
        return puppet;
      }
      this.remove(puppet);
      if (ABANDONED.has(outcome.condition)) return undefined; // not the room's doing: nothing to log
      if (outcome.condition !== 'conflict') {
        if (!TRANSIENT.has(outcome.condition) && !outcome.condition.startsWith('send failed')) this.refusals.set(`${room}\n${key}`, this.now() + REFUSAL_RETRY_MS);
        logOnce.log('warn', `puppet-join:${room}:${outcome.condition}`, { room, nick, condition: outcome.condition },
          'a room refused a puppet (logged once per room and reason): their messages go through the bot');
        return undefined;
      }
    }
    logOnce.log('warn', `puppet-nicks:${room}:${base}`, { room, nick: base }, `the nicks ${base} to ${base}_${NICK_ATTEMPTS - 1} are all taken: their messages go through the bot`);
    return undefined;
  }

  /** One join attempt; `generation`: the connection it was asked on (gone: no attempt). */
  private tryJoin(puppet: Puppet, generation: number): Promise<JoinOutcome> {
    if (generation !== this.generation || puppet.state !== 'joining') return Promise.resolve({ ok: false, condition: 'disconnected' });
    const id = `${puppet.room}\n${puppet.jid}`;
    this.pending.get(id)?.({ ok: false, condition: 'superseded' });
    return new Promise<JoinOutcome>((resolve) => {
      const timer = setTimeout(() => settle({ ok: false, condition: 'remote-server-timeout' }), this.deps.joinTimeoutMs);
      const settle = (outcome: JoinOutcome): void => {
        clearTimeout(timer);
        if (this.pending.get(id) === settle) this.pending.delete(id);
        resolve(outcome);
      };
      this.pending.set(id, settle);
      const password = this.deps.roomPasswords[puppet.room];
      const join = xml('presence', { from: puppet.jid, to: `${puppet.room}/${puppet.nick}` },
        xml('x', { xmlns: NS.muc }, xml('history', { maxstanzas: '0' }), password === undefined ? null : xml('password', {}, password)));
      this.deps.send(join).catch((error: unknown) => settle({ ok: false, condition: `send failed: ${(error as Error).message}` }));
    });
  }

  /**
   * A presence addressed to a puppet (`to`): the room's answer to its join, or its removal.
   * Presences about other occupants (every occupant receives them all) are ignored.
   */
  onPresence(el: Element, to: string): void {
    const from = typeof el.attrs.from === 'string' ? el.attrs.from : '';
    const room = bareJid(from);
    const nick = resourceOf(from);
    const id = `${room}\n${to}`;
    const type = el.attrs.type ?? 'available';
    if (type === 'error') {
      const condition = el.getChild('error')?.children.find((c): c is Element => typeof c !== 'string' && c.attrs.xmlns === NS.stanzas)?.name;
      this.pending.get(id)?.({ ok: false, condition: condition ?? 'undefined-condition' });
      return;
    }
    const x = el.getChild('x', NS.mucUser);
    const self = x?.getChildren('status').some((s) => Number(s.attrs.code) === SELF) === true;
    if (!self) return;
    if (type === 'available') {
      this.pending.get(id)?.({ ok: true, nick });
      return;
    }
    if (type === 'unavailable') {
      // Left, kicked, banned, renamed away or the room went: the next message joins again.
      const puppet = [...(this.rooms.get(room)?.byKey.values() ?? [])].find((p) => p.jid === to);
      if (puppet !== undefined && puppet.state === 'joined') this.markLeaving(puppet);
    }
  }

  /**
   * The bot saw the occupant `nick` of `room` go: a puppet that was not joining is forgotten
   * (until then its nick stays ours, so that the bot does not report it as someone leaving).
   */
  sawUnavailable(room: string, nick: string): void {
    const puppet = this.rooms.get(room)?.byNick.get(nick);
    if (puppet !== undefined && puppet.state !== 'joining') this.remove(puppet);
  }

  /**
   * Takes the person's puppet out of `room` (they left, or quit their network). Resolves once
   * the leave is written out; nothing happens for someone without a puppet there.
   */
  async leave(room: string, user: UserRef, reason: string): Promise<void> {
    const puppet = this.rooms.get(room)?.byKey.get(personKey(user));
    if (puppet === undefined || puppet.state === 'leaving') return;
    this.markLeaving(puppet);
    this.pending.get(`${room}\n${puppet.jid}`)?.({ ok: false, condition: 'left' });
    await this.deps.send(leaveStanza(puppet, reason));
  }

  /** The puppet is on its way out: forgotten when the bot sees it go, or after the join timeout. */
  private markLeaving(puppet: Puppet): void {
    puppet.state = 'leaving';
    puppet.gone ??= setTimeout(() => this.remove(puppet), this.deps.joinTimeoutMs);
    puppet.gone.unref();
  }

  /**
   * Puppets that have not spoken for `idleMs` leave (someone who went quiet, or whose id changed:
   * an IRC nick change gives a new puppet). Returns their leave stanzas; the next message of
   * such a person joins again. One pass over the puppets.
   */
  sweepIdle(idleMs: number, reason: string): Element[] {
    const before = this.now() - idleMs;
    const stanzas: Element[] = [];
    for (const puppets of this.rooms.values()) {
      for (const puppet of puppets.byKey.values()) {
        if (puppet.state !== 'joined' || puppet.lastUsed > before) continue;
        this.markLeaving(puppet);
        stanzas.push(leaveStanza(puppet, reason));
      }
    }
    return stanzas;
  }

  /** The leave stanzas of every puppet (a clean shutdown), forgetting them and where they were. */
  leaveAll(reason: string): Element[] {
    const stanzas: Element[] = [];
    for (const puppets of this.rooms.values()) {
      for (const puppet of puppets.byKey.values()) if (puppet.state === 'joined') stanzas.push(leaveStanza(puppet, reason));
    }
    this.forgetAll();
    this.rejoins = [];
    return stanzas;
  }

  /**
   * The connection is gone: no puppet is in a room any more. Where the joined ones were is kept
   * for `takeRejoins` (a connection that fails before any puppet joined keeps the earlier list).
   */
  forgetAll(): void {
    this.generation++;
    const joined = [...this.rooms.values()].flatMap((p) => [...p.byKey.values()]).filter((p) => p.state === 'joined');
    if (joined.length > 0) this.rejoins = joined.map((p) => ({ room: p.room, person: p.person }));
    for (const settle of [...this.pending.values()]) settle({ ok: false, condition: 'disconnected' });
    this.pending.clear();
    for (const puppets of this.rooms.values()) for (const puppet of puppets.byKey.values()) clearTimeout(puppet.gone);
    this.rooms.clear();
  }

  /** Where the puppets were when the connection was lost (once; then forgotten). */
  takeRejoins(): PuppetPlace[] {
    const places = this.rejoins;
    this.rejoins = [];
    return places;
  }

  /** The leave stanzas of the puppets in a room the bot leaves, forgetting them. */
  leaveRoom(room: string, reason: string): Element[] {
    const stanzas: Element[] = [];
    for (const puppet of this.rooms.get(room)?.byKey.values() ?? []) {
      this.pending.get(`${room}\n${puppet.jid}`)?.({ ok: false, condition: 'left' });
      clearTimeout(puppet.gone);
      if (puppet.state === 'joined') stanzas.push(leaveStanza(puppet, reason));
      puppet.state = 'leaving'; // a join still waiting for a slot is not sent
    }
    this.rooms.delete(room);
    return stanzas;
  }

  private now(): number {
    return this.deps.now?.() ?? Date.now();
  }

  private roomOf(room: string): RoomPuppets {
    let puppets = this.rooms.get(room);
    if (puppets === undefined) {
      puppets = { byKey: new Map(), byNick: new Map() };
      this.rooms.set(room, puppets);
    }
    return puppets;
  }

  private rename(puppet: Puppet, nick: string): void {
    const puppets = this.roomOf(puppet.room);
    if (puppets.byNick.get(puppet.nick) === puppet) puppets.byNick.delete(puppet.nick);
    puppet.nick = nick;
    puppets.byNick.set(nick, puppet);
  }

  private remove(puppet: Puppet | undefined): void {
    if (puppet === undefined) return;
    clearTimeout(puppet.gone);
    const puppets = this.rooms.get(puppet.room);
    if (puppets === undefined) return;
    if (puppets.byKey.get(puppet.key) === puppet) puppets.byKey.delete(puppet.key);
    if (puppets.byNick.get(puppet.nick) === puppet) puppets.byNick.delete(puppet.nick);
    if (puppets.byKey.size === 0) this.rooms.delete(puppet.room);
  }
}

function leaveStanza(puppet: Puppet, reason: string): Element {
  const status = stripInvalidXmlChars(reason);
  return xml('presence', { from: puppet.jid, to: `${puppet.room}/${puppet.nick}`, type: 'unavailable' }, status === '' ? null : xml('status', {}, status));
}
