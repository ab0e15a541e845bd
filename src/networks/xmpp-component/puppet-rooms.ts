/**
 * Remote people as occupants of their own in MUC rooms: each joins a room as
 * `<their JID>/switchboard` under their nick (a taken nick gets `_1`, `_2` … ), on their first
 * message there, changes nick when they do (XEP-0045 §7.6, the same suffixes), shows their away
 * state in its presence (puppet-presence.ts) and their typing (puppet-chat-states.ts), and leaves
 * when they leave (a quit: every room). The rooms' answers arrive at the puppets' JIDs and are
 * routed here (`onPresence`). At most `maxJoinsInFlight` joins are in flight at once
 * (join-slots.ts). A lost connection forgets every puppet but remembers where they were
 * (`takeRejoins`), so that the adapter brings them back after the reconnect.
 *
 * A puppet keeps its JID for as long as it is in a room, also across a nick change (the JID
 * derives from the person's id, which on IRC is their nick): a person in several rooms has one
 * JID in all of them (a room they join later gets the one they have), and a new one only once
 * no puppet of theirs is left. Someone who then takes the old nick gets its JID with a numbered
 * resource (`jidFor`).
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
import { chatStateChange, chatStateEnded } from './puppet-chat-states.js';
import { AwayStates, presencePayload } from './puppet-presence.js';
import type { ChatState } from '../xmpp/stanza-build.js';
import type { TypingState } from '../../core/network.js';

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
const NICK_CHANGED = 303;

/** One remote person in one room. */
export interface Puppet {
  /** Who they are: `network` and `id` of their UserRef ({@link personKey}); changes with their id. */
  key: string;
  /** The person, as last known (their nick changes). */
  user: UserRef;
  /** Their full JID, `local@domain/switchboard`. */
  readonly jid: string;
  readonly room: string;
  nick: string;
  state: 'joining' | 'joined' | 'leaving';
  /** When it last spoke (ms since the epoch), for the idle timeout. */
  lastUsed: number;
  /** While leaving: forgets it if the bot never sees it go. */
  gone?: NodeJS.Timeout;
  /** A nick change under way: the nick asked for, and whether the bot already saw the old nick go. */
  renaming?: { readonly to: string; botSaw: boolean };
  /**
   * Its nick before its last change, still counted as ours until the bot sees the change (the
   * room tells the bot and the puppet separately, in no given order); dropped after a while.
   */
  formerNick?: string;
  formerTimer?: NodeJS.Timeout;
  /** The last chat state sent (puppet-chat-states.ts). */
  chatState?: ChatState;
  chatTimer?: NodeJS.Timeout;
  /** The away text its presence last showed ('' : available). */
  shownAway?: string;
  /**
   * Brought by the person being in the channel (a relayed join, or the people present when a
   * network connects), not only by speaking: it stays while they are there (no idle timeout).
   */
  present?: boolean;
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

/** True for an occupant's unavailable presence that says it changed nick (status 303). */
export function isNickChange(el: Element): boolean {
  return el.getChild('x', NS.mucUser)?.getChildren('status').some((s) => Number(s.attrs.code) === NICK_CHANGED) === true;
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
  /** Who is away (shown in every presence of their puppets). */
  readonly away = new AwayStates();

  constructor(private readonly deps: PuppetRoomsDeps) {
    this.slots = new JoinSlots(deps.maxJoinsInFlight ?? DEFAULT_JOINS_IN_FLIGHT);
  }

  /** True when `nick` in `room` is one of our puppets (joined, joining or leaving, or its nick before a change). */
  isPuppetNick(room: string, nick: string): boolean {
    return this.rooms.get(room)?.byNick.has(nick) === true;
  }

  /** The person whose puppet is the occupant `nick` of `room`; undefined for anyone else. */
  personAt(room: string, nick: string): UserRef | undefined {
    return this.rooms.get(room)?.byNick.get(nick)?.user;
  }

  /** The person's puppet in `room` when it is in the room now (no join). */
  joinedPuppet(room: string, user: UserRef): Puppet | undefined {
    const puppet = this.rooms.get(room)?.byKey.get(personKey(user));
    return puppet?.state === 'joined' ? puppet : undefined;
  }

  /** The puppet whose full JID is `jid` in `room` when it is in the room now. */
  joinedWithJid(room: string, jid: string): Puppet | undefined {
    const puppet = this.puppetWithJid(room, jid);
    return puppet?.state === 'joined' ? puppet : undefined;
  }

  /**
   * The person's puppet in `room`, joining it first when needed. Undefined (logged once) when
   * they cannot have one there: too many puppets, no usable JID, or the room refused them.
   */
  ensure(room: string, user: UserRef, options: { readonly present?: boolean } = {}): Promise<Puppet | undefined> {
    const key = personKey(user);
    const present = this.rooms.get(room)?.byKey.get(key);
    if (present?.state === 'joined') {
      present.lastUsed = this.now();
      present.user = user;
      if (options.present === true) present.present = true;
      return Promise.resolve(present);
    }
    const id = `${room}\n${key}`;
    let joining = this.joining.get(id);
    if (joining === undefined) {
      joining = this.join(room, user, key).finally(() => this.joining.delete(id));
      this.joining.set(id, joining);
    }
    if (options.present !== true) return joining;
    return joining.then((puppet) => {
      if (puppet !== undefined) puppet.present = true;
      return puppet;
    });
  }

  private async join(room: string, user: UserRef, key: string): Promise<Puppet | undefined> {
    const { logOnce } = this.deps;
    const jid = this.jidFor(key, user);
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
      const puppet: Puppet = { key, user, jid, room, nick, state: 'joining', lastUsed: this.now() };
      puppets.byKey.set(key, puppet);
      puppets.byNick.set(nick, puppet);
      const outcome = await this.slots.run(() => this.tryJoin(puppet, generation));
      if (outcome.ok) {
        if (outcome.nick !== puppet.nick) this.rename(puppet, outcome.nick);
        puppet.state = 'joined';
        puppet.shownAway = this.away.get(key) ?? '';
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
    const password = this.deps.roomPasswords[puppet.room];
    return this.ask(puppet, xml('presence', { from: puppet.jid, to: `${puppet.room}/${puppet.nick}` },
      xml('x', { xmlns: NS.muc }, xml('history', { maxstanzas: '0' }), password === undefined ? null : xml('password', {}, password)),
      ...presencePayload(this.away.get(puppet.key))));
  }

  /** Sends a presence of `puppet` to its room and resolves with the room's answer (or a timeout). */
  private ask(puppet: Puppet, presence: Element): Promise<JoinOutcome> {
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
      this.deps.send(presence).catch((error: unknown) => settle({ ok: false, condition: `send failed: ${(error as Error).message}` }));
    });
  }

  /**
   * A presence addressed to a puppet (`to`): the room's answer to its join or nick change, or its
   * removal. Presences about other occupants (every occupant receives them all) are ignored.
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
    const codes = new Set(x?.getChildren('status').map((s) => Number(s.attrs.code)) ?? []);
    if (!codes.has(SELF)) return;
    const puppet = this.puppetWithJid(room, to);
    if (type === 'available') {
      // While it changes nick, its old nick's presence (an away update reflected) is not the answer.
      if (puppet?.renaming !== undefined && nick === puppet.nick) return;
      this.pending.get(id)?.({ ok: true, nick });
      return;
    }
    if (type !== 'unavailable') return;
    const newNick = x?.getChild('item')?.attrs.nick;
    if (codes.has(NICK_CHANGED) && typeof newNick === 'string' && newNick !== '') {
      const settle = this.pending.get(id);
      if (settle !== undefined) settle({ ok: true, nick: newNick });
      else if (puppet?.state === 'joined') this.applyNick(puppet, newNick); // the room renamed it
      return;
    }
    // Left, kicked, banned or the room went: the next message joins again.
    if (puppet !== undefined && puppet.state === 'joined') this.markLeaving(puppet);
  }

  /**
   * The bot saw the occupant `nick` of `room` go (`nickChange`: change nick): a puppet that was
   * not joining is forgotten (until then its nick stays ours, so that the bot does not report it
   * as someone leaving); a puppet's nick change is only noted.
   */
  sawUnavailable(room: string, nick: string, nickChange = false): void {
    const puppet = this.rooms.get(room)?.byNick.get(nick);
    if (puppet === undefined) return;
    if (nickChange) {
      if (puppet.renaming !== undefined && puppet.nick === nick) puppet.renaming.botSaw = true;
      else if (puppet.formerNick === nick) this.dropFormerNick(puppet);
      return;
    }
    if (puppet.formerNick === nick) return this.dropFormerNick(puppet);
    if (puppet.state !== 'joining') this.remove(puppet);
  }

  /**
   * The person `user`, now `renamed`, changes nick in `room` (XEP-0045 §7.6): their puppet asks
   * for the new nick (a taken one: `_1`, `_2` … ) and is known by `renamed` from then on. False
   * when they have no puppet there or the room refused every nick (the caller then takes the
   * puppet out; their next message joins it again).
   */
  async changeNick(room: string, user: UserRef, renamed: UserRef): Promise<boolean> {
    const puppets = this.rooms.get(room);
    const oldKey = personKey(user);
    const puppet = puppets?.byKey.get(oldKey);
    if (puppets === undefined || puppet === undefined || puppet.state !== 'joined' || puppet.renaming !== undefined) return false;
    const newKey = personKey(renamed);
    const holder = puppets.byKey.get(newKey);
    if (holder !== undefined && holder !== puppet && holder.state === 'joined') return false;
    this.away.rename(oldKey, newKey);
    this.rekey(puppets, puppet, newKey, renamed);
    const base = puppetNick(renamed);
    for (let attempt = 0; attempt < NICK_ATTEMPTS; attempt++) {
      const nick = attempt === 0 ? base : `${base}_${attempt}`;
      if (nick === puppet.nick) return true;
      const taken = puppets.byNick.get(nick);
      if (this.deps.nickTaken(room, nick, puppet.jid) || (taken !== undefined && taken !== puppet)) continue;
      puppets.byNick.set(nick, puppet); // from now on the bot takes the new nick's presence for ours
      puppet.renaming = { to: nick, botSaw: false };
      const outcome = await this.ask(puppet, xml('presence', { from: puppet.jid, to: `${room}/${nick}` }, ...presencePayload(this.away.get(newKey))));
      if (outcome.ok && puppet.state === 'joined') {
        this.applyNick(puppet, outcome.nick);
        return true;
      }
      puppet.renaming = undefined;
      if (puppets.byNick.get(nick) === puppet && nick !== puppet.nick) puppets.byNick.delete(nick);
      if (outcome.ok || outcome.condition !== 'conflict') {
        this.deps.logOnce.log('warn', `puppet-nick:${room}:${outcome.ok ? 'left' : outcome.condition}`, { room, nick, condition: outcome.ok ? 'left' : outcome.condition },
          'a room refused a puppet\'s nick change (logged once per room and reason): it leaves, and joins again with its next message');
        break;
      }
    }
    if (puppets.byKey.get(newKey) === puppet) this.rekey(puppets, puppet, oldKey, user); // the caller takes it out
    return false;
  }

  /** The puppet is now `nick` in its room; its former nick stays ours until the bot sees the change. */
  private applyNick(puppet: Puppet, nick: string): void {
    const puppets = this.roomOf(puppet.room);
    const asked = puppet.renaming?.to;
    const botSaw = puppet.renaming?.botSaw === true;
    puppet.renaming = undefined;
    if (asked !== undefined && asked !== nick && puppets.byNick.get(asked) === puppet) puppets.byNick.delete(asked);
    const old = puppet.nick;
    if (old === nick) return;
    this.dropFormerNick(puppet);
    puppet.nick = nick;
    puppets.byNick.set(nick, puppet);
    if (botSaw) {
      if (puppets.byNick.get(old) === puppet) puppets.byNick.delete(old);
      return;
    }
    puppet.formerNick = old;
    puppet.formerTimer = setTimeout(() => this.dropFormerNick(puppet), this.deps.joinTimeoutMs);
    puppet.formerTimer.unref();
  }

  private dropFormerNick(puppet: Puppet): void {
    clearTimeout(puppet.formerTimer);
    puppet.formerTimer = undefined;
    const former = puppet.formerNick;
    puppet.formerNick = undefined;
    const puppets = this.rooms.get(puppet.room);
    if (former !== undefined && puppets?.byNick.get(former) === puppet) puppets.byNick.delete(former);
  }

  /** The puppet is known by the person `key` (`user`) from now on. */
  private rekey(puppets: RoomPuppets, puppet: Puppet, key: string, user: UserRef): void {
    puppet.user = user;
    if (puppet.key === key) return;
    const other = puppets.byKey.get(key);
    if (other !== undefined && other !== puppet) this.remove(other); // leaving: forgotten early
    if (puppets.byKey.get(puppet.key) === puppet) puppets.byKey.delete(puppet.key);
    puppet.key = key;
    puppets.byKey.set(key, puppet);
  }

  /**
   * The person is away with `text` (empty: back). Remembered for their puppets' later presences;
   * returns the presence update for their puppet in `room` when it is there and showed otherwise
   * (undefined: nothing to send), and whether their puppet is in the room.
   */
  awayChanged(room: string, user: UserRef, text: string): { readonly present: boolean; readonly update?: Element } {
    const key = personKey(user);
    this.away.set(key, text);
    const puppet = this.joinedPuppet(room, user);
    if (puppet === undefined) return { present: false };
    const shown = this.away.get(key);
    if (puppet.shownAway === (shown ?? '')) return { present: true };
    puppet.shownAway = shown ?? '';
    return { present: true, update: xml('presence', { from: puppet.jid, to: `${room}/${puppet.nick}` }, ...presencePayload(shown)) };
  }

  /**
   * The person's typing state in `room`: the chat state notification for their puppet there
   * (undefined: no puppet in the room, or nothing changed). An unrefreshed `composing` is
   * followed by `paused` later, through `send`.
   */
  typing(room: string, user: UserRef, state: TypingState): { readonly present: boolean; readonly notification?: Element } {
    const puppet = this.joinedPuppet(room, user);
    if (puppet === undefined) return { present: false };
    const notification = chatStateChange(puppet, state, (el) => void this.deps.send(el).catch(() => undefined));
    return notification === undefined ? { present: true } : { present: true, notification };
  }

  /** The puppet speaks: its typing is over. True when its message should say so (`<active/>`). */
  endTyping(puppet: Puppet): boolean {
    return chatStateEnded(puppet);
  }

  /**
   * Takes the person's puppet out of `room` (they left it), or, with `quit` (they left their
   * network), out of every room. Resolves once the leaves are written out; nothing happens for
   * someone without a puppet there.
   */
  async leave(room: string, user: UserRef, reason: string, quit = false): Promise<void> {
    const key = personKey(user);
    const puppets = quit ? this.puppetsOf(key) : [this.rooms.get(room)?.byKey.get(key)];
    if (quit) this.away.forget(key);
    await Promise.all(puppets.map((puppet) => (puppet === undefined ? undefined : this.leaveOne(puppet, reason))));
  }

  /** Every puppet of a person of `network` leaves every room (that network is gone). */
  async leaveNetwork(network: string, reason: string): Promise<void> {
    this.away.forgetNetwork(network);
    const gone: Puppet[] = [];
    for (const puppets of this.rooms.values()) for (const puppet of puppets.byKey.values()) if (puppet.user.network === network) gone.push(puppet);
    await Promise.all(gone.map((puppet) => this.leaveOne(puppet, reason)));
  }

  private async leaveOne(puppet: Puppet, reason: string): Promise<void> {
    if (puppet.state === 'leaving') return;
    this.markLeaving(puppet);
    this.pending.get(`${puppet.room}\n${puppet.jid}`)?.({ ok: false, condition: 'left' });
    await this.deps.send(leaveStanza(puppet, reason));
  }

  /** The puppet is on its way out: forgotten when the bot sees it go, or after the join timeout. */
  private markLeaving(puppet: Puppet): void {
    puppet.state = 'leaving';
    chatStateEnded(puppet);
    puppet.gone ??= setTimeout(() => this.remove(puppet), this.deps.joinTimeoutMs);
    puppet.gone.unref();
  }

  /**
   * Puppets that have not spoken for `idleMs` leave (someone who went quiet). Returns their leave
   * stanzas; the next message of such a person joins again. One pass over the puppets.
   */
  sweepIdle(idleMs: number, reason: string): Element[] {
    const before = this.now() - idleMs;
    const stanzas: Element[] = [];
    for (const puppets of this.rooms.values()) {
      for (const puppet of puppets.byKey.values()) {
        if (puppet.state !== 'joined' || puppet.present === true || puppet.lastUsed > before) continue;
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
    if (joined.length > 0) this.rejoins = joined.map((p) => ({ room: p.room, person: p.user }));
    for (const settle of [...this.pending.values()]) settle({ ok: false, condition: 'disconnected' });
    this.pending.clear();
    for (const puppets of this.rooms.values()) for (const puppet of puppets.byKey.values()) stopTimers(puppet);
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
      stopTimers(puppet);
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

  /** Every puppet of the person `key`, one per room at most. */
  private puppetsOf(key: string): Puppet[] {
    const found: Puppet[] = [];
    for (const puppets of this.rooms.values()) {
      const puppet = puppets.byKey.get(key);
      if (puppet !== undefined) found.push(puppet);
    }
    return found;
  }

  /**
   * The JID of the person `key`'s puppets: the one they have in the rooms now, else the one their
   * id gives, with its resource numbered (`switchboard-1` … ) while another person's puppet holds
   * it (someone renamed away from this nick keeps the JID it gave them): two people never share a
   * full JID, which a room would take for one occupant. Undefined when the id is too long.
   */
  private jidFor(key: string, user: UserRef): string | undefined {
    const held = this.puppetsOf(key)[0]?.jid;
    if (held !== undefined) return held;
    const base = puppetJid(user, this.deps.domain);
    if (base === undefined) return undefined;
    const others = new Set<string>();
    for (const puppets of this.rooms.values()) for (const puppet of puppets.byKey.values()) if (puppet.key !== key) others.add(puppet.jid);
    let jid = base;
    for (let n = 1; others.has(jid); n++) jid = `${base}-${n}`;
    return jid;
  }

  private puppetWithJid(room: string, jid: string): Puppet | undefined {
    for (const puppet of this.rooms.get(room)?.byKey.values() ?? []) if (puppet.jid === jid) return puppet;
    return undefined;
  }

  private rename(puppet: Puppet, nick: string): void {
    const puppets = this.roomOf(puppet.room);
    if (puppets.byNick.get(puppet.nick) === puppet) puppets.byNick.delete(puppet.nick);
    puppet.nick = nick;
    puppets.byNick.set(nick, puppet);
  }

  private remove(puppet: Puppet | undefined): void {
    if (puppet === undefined) return;
    stopTimers(puppet);
    const puppets = this.rooms.get(puppet.room);
    if (puppets === undefined) return;
    if (puppets.byKey.get(puppet.key) === puppet) puppets.byKey.delete(puppet.key);
    for (const nick of [puppet.nick, puppet.formerNick, puppet.renaming?.to]) {
      if (nick !== undefined && puppets.byNick.get(nick) === puppet) puppets.byNick.delete(nick);
    }
    if (puppets.byKey.size === 0) this.rooms.delete(puppet.room);
  }
}

function stopTimers(puppet: Puppet): void {
  clearTimeout(puppet.gone);
  clearTimeout(puppet.formerTimer);
  chatStateEnded(puppet);
}

function leaveStanza(puppet: Puppet, reason: string): Element {
  const status = stripInvalidXmlChars(reason);
  return xml('presence', { from: puppet.jid, to: `${puppet.room}/${puppet.nick}`, type: 'unavailable' }, status === '' ? null : xml('status', {}, status));
}
