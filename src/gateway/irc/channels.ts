/**
 * The IRC channels one person's session is in (ADR 0010): joining (JOIN, then the topic and
 * NAMES up to RPL_ENDOFNAMES, or the server's refusal; the channel's modes asked for with MODE,
 * for +m), the members of each with their prefix modes, and what happens in them afterwards (JOIN, PART, KICK, QUIT, NICK, MODE, TOPIC,
 * PRIVMSG, NOTICE) reported as room events. Reads the lines the session's connection receives;
 * writes through `send` (the session's flood-controlled queue).
 *
 * Bounded: at most MAX_CHANNELS channels and MAX_MEMBERS members per channel are kept (NAMES
 * beyond that is read and dropped), texts shown to the person are capped.
 */
import type { ParsedLine } from 'irc-framework';
import { casefold, type CaseMapping } from '../../networks/irc/casemapping.js';
import { LegacyRefusal, type RefusalCondition, type RoomEvent, type RoomParticipant, type RoomSnapshot } from '../api.js';
import { hatsOf } from './channel-hats.js';
import { KeyedList } from '../keyed-list.js';
import { pooledMember, pooledName, pooledParticipant, type PooledMember } from './member-pool.js';
import { flagChange, namesEntry, prefixChanges, roleOf, type PrefixMode } from './channel-modes.js';
import { applyModes } from './channel-mode-state.js';
import { ModeAnswers } from './mode-answers.js';
import { ircPlainText, ircToStyling } from './styling.js';

/** Most channels one session is in. */
export const MAX_CHANNELS = 50;
/** Most members kept per channel. */
export const MAX_MEMBERS = 5000;
/** Most characters of a topic, a reason or a refusal shown to the person. */
const MAX_TEXT = 500;

/** The longest channel key sent (ngIRCd and InspIRCd take 23 to 32; longer ones are refused here). */
const MAX_KEY = 100;

/**
 * Whether `key` can be a channel key on a JOIN line: no space, comma (the JOIN list separator),
 * colon first, or control character.
 */
export function isChannelKey(key: string): boolean {
  return key.length > 0 && key.length <= MAX_KEY && !key.startsWith(':') && !/[\s,\p{Cc}]/u.test(key);
}

/** What XMPP shows of someone holding `prefixes`: their role, affiliation and hats, as one comparable string. */
function shown(prefixes: Iterable<string>, moderated: boolean): string {
  const { role, affiliation } = roleOf(prefixes, moderated);
  return [role, affiliation, ...hatsOf(prefixes).map((h) => h.uri)].join(' ');
}

/** The server's refusals of a JOIN, as XMPP errors (XEP-0045 §7.2). */
const JOIN_REFUSALS: Readonly<Record<string, { readonly condition: RefusalCondition; readonly why: string }>> = {
  '403': { condition: 'item-not-found', why: 'no such channel' },
  '405': { condition: 'not-acceptable', why: 'you are in too many channels' },
  '471': { condition: 'service-unavailable', why: 'the channel is full (+l)' },
  '473': { condition: 'not-authorized', why: 'the channel is invite-only (+i)' },
  '474': { condition: 'forbidden', why: 'you are banned from the channel (+b)' },
  '475': { condition: 'not-authorized', why: 'the channel needs a key (+k): give it as the room password' },
  '476': { condition: 'bad-request', why: 'not a valid channel name' },
  '477': { condition: 'not-authorized', why: 'the channel needs a registered nick' },
  '479': { condition: 'bad-request', why: 'not a valid channel name' },
  '489': { condition: 'not-authorized', why: 'the channel needs a secure connection' },
};

/**
 * A member: the nick and the prefix symbols held, each once (`@+`; usually ''): a string, not a
 * Set, and shared by all sessions (member-pool.ts), as every session keeps one per member of each
 * channel (ADR 0010 "Burst and memory"). Immutable: a change puts another in the map.
 */
type Member = PooledMember;

interface Channel {
  name: string;
  /** By folded nick (a sorted list, not a Map: every session keeps one; keyed-list.ts). */
  readonly members: KeyedList<Member>;
  topic: string;
  topicBy: string | undefined;
  /** +m: members with no prefix are visitors. */
  moderated: boolean;
  /** The channel's own modes (channel-mode-state.ts): letter → parameter. */
  modes: Map<string, string>;
  /** Set while the JOIN waits for NAMES (or a refusal). */
  pending: { readonly promise: Promise<RoomSnapshot>; readonly resolve: (s: RoomSnapshot) => void; readonly reject: (e: LegacyRefusal) => void } | undefined;
}

/** A member's key (one function for all channels). */
const keyOf = (m: Member): string => m.key;

/** What the channels need from their session. */
export interface ChannelHost {
  /** Writes a control line (JOIN, PART, TOPIC) through the queue. */
  send(line: string): void;
  /** The person's nick now. */
  nick(): string;
  mapping(): CaseMapping;
  prefixes(): readonly PrefixMode[];
  /** The server's CHANMODES groups. */
  chanmodes(): readonly string[];
  /** Reports a room event (the room key). */
  event(room: string, event: RoomEvent): void;
}

export class IrcChannels {
  readonly #channels = new Map<string, Channel>();
  /** The server's answers to the MODEs sent from XMPP (mode-answers.ts). */
  readonly answers = new ModeAnswers();

  constructor(private readonly host: ChannelHost) {}

  /** The channel modes of the joined channel `key` (undefined: not in it). */
  modes(key: string): ReadonlyMap<string, string> | undefined {
    return this.#live(key)?.modes;
  }

  /** The prefixes of `nick` in the joined channel `key` (undefined: not in it). */
  memberPrefixes(key: string, nick: string): ReadonlySet<string> | undefined {
    const prefixes = this.#live(key)?.members.get(this.#fold(nick))?.prefixes;
    return prefixes === undefined ? undefined : new Set(prefixes);
  }

  /** Whether the person is in (or joining) `key`. */
  has(key: string): boolean {
    return this.#channels.has(key);
  }

  /** The person's prefixes in the joined channel `key` (undefined: not in it). */
  selfPrefixes(key: string): ReadonlySet<string> | undefined {
    const channel = this.#live(key);
    if (channel === undefined) return undefined;
    return new Set(channel.members.get(this.#fold(this.host.nick()))?.prefixes);
  }

  /** Whether `nick` is in the joined channel `key`. */
  hasMember(key: string, nick: string): boolean {
    return this.#live(key)?.members.has(this.#fold(nick)) === true;
  }

  /** How many are in the joined channel `key`, the person included (0: not in it). */
  memberCount(key: string): number {
    return this.#live(key)?.members.size ?? 0;
  }

  /**
   * Joins `key` (with the channel key `password`): resolves with the channel once NAMES ended,
   * rejects with the server's refusal, a password no JOIN line can carry, or on `signal`.
   */
  join(key: string, signal: AbortSignal, password?: string): Promise<RoomSnapshot> {
    if (password !== undefined && !isChannelKey(password)) return Promise.reject(new LegacyRefusal(`a channel key has at most ${MAX_KEY} characters and no spaces, commas or control characters`, 'not-acceptable'));
    const known = this.#channels.get(key);
    if (known !== undefined) return known.pending?.promise ?? Promise.resolve(this.#snapshot(known));
    if (this.#channels.size >= MAX_CHANNELS) return Promise.reject(new LegacyRefusal(`you are in ${MAX_CHANNELS} channels already; leave one first`, 'not-acceptable'));
    let resolve!: (s: RoomSnapshot) => void;
    let reject!: (e: LegacyRefusal) => void;
    const promise = new Promise<RoomSnapshot>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    const channel: Channel = { name: key, members: new KeyedList(keyOf), topic: '', topicBy: undefined, moderated: false, modes: new Map(), pending: undefined };
    const onAbort = (): void => {
      if (channel.pending === undefined) return;
      channel.pending = undefined;
      this.#channels.delete(key);
      this.host.send(`PART ${key}`);
      reject(new LegacyRefusal('the IRC server did not answer the join in time', 'remote-server-timeout'));
    };
    channel.pending = {
      promise,
      resolve: (s) => (signal.removeEventListener('abort', onAbort), resolve(s)),
      reject: (e) => (signal.removeEventListener('abort', onAbort), reject(e)),
    };
    this.#channels.set(key, channel);
    signal.addEventListener('abort', onAbort, { once: true });
    this.host.send(password === undefined ? `JOIN ${key}` : `JOIN ${key} ${password}`);
    // The modes (324) come after NAMES: +m then turns the unvoiced into visitors by role events.
    this.host.send(`MODE ${key}`);
    return promise;
  }

  /** Parts `key` (nothing is reported for it afterwards). */
  part(key: string): void {
    const channel = this.#channels.get(key);
    if (channel === undefined) return;
    this.#channels.delete(key);
    channel.pending?.reject(new LegacyRefusal('you left the channel', 'service-unavailable'));
    this.host.send(`PART ${key}`);
  }

  /** The connection is gone: every channel with it (joins waiting are refused). */
  clear(reason: string): void {
    for (const channel of this.#channels.values()) channel.pending?.reject(new LegacyRefusal(reason, 'service-unavailable'));
    this.#channels.clear();
    this.answers.clear(reason);
  }

  /** One line the connection received. */
  line(line: ParsedLine): void {
    const p = line.params;
    const last = p[p.length - 1] ?? '';
    switch (line.command) {
      case 'JOIN':
        return this.#joined(line.nick, p[0] ?? '');
      case 'PART':
        return this.#left(p[0] ?? '', line.nick, p.length > 1 ? last : undefined, false);
      case 'KICK':
        return this.#left(p[0] ?? '', p[1] ?? '', `kicked by ${line.nick}${p.length > 2 && last !== '' ? `: ${last}` : ''}`, true);
      case 'QUIT':
        for (const [key, channel] of this.#channels) if (channel.pending === undefined) this.#left(key, line.nick, p.length > 0 ? `quit: ${last}` : 'quit', false);
        return;
      case 'NICK':
        return this.#renamed(line.nick, last);
      case 'MODE':
        if (line.nick !== '' && this.#isSelf(line.nick)) this.answers.echoed(this.#key(p[0] ?? ''));
        return this.#mode(p[0] ?? '', p[1] ?? '', p.slice(2));
      case 'TOPIC': {
        const channel = this.#live(p[0] ?? '');
        if (channel === undefined) return;
        channel.topic = ircPlainText(last).slice(0, MAX_TEXT);
        channel.topicBy = line.nick;
        return this.host.event(this.#key(p[0] ?? ''), { kind: 'subject', subject: { text: channel.topic, by: line.nick } });
      }
      case 'PRIVMSG':
      case 'NOTICE':
        return this.#message(line, p[0] ?? '', p.length > 1 ? last : '');
      case '332': { // RPL_TOPIC <me> <channel> :<topic>
        const channel = this.#channels.get(this.#key(p[1] ?? ''));
        if (channel !== undefined) channel.topic = ircPlainText(last).slice(0, MAX_TEXT);
        return;
      }
      case '324': { // RPL_CHANNELMODEIS <me> <channel> <modes> [params]
        const channel = this.#channels.get(this.#key(p[1] ?? ''));
        if (channel === undefined) return;
        channel.modes = applyModes(new Map(), p[2] ?? '', p.slice(3), this.host.prefixes(), this.host.chanmodes());
        this.#setModerated(this.#key(p[1] ?? ''), channel, (p[2] ?? '').includes('m'));
        return;
      }
      case '333': { // RPL_TOPICWHOTIME <me> <channel> <setter> <time>
        const channel = this.#channels.get(this.#key(p[1] ?? ''));
        if (channel !== undefined && p[2] !== undefined) channel.topicBy = p[2].split('!')[0];
        return;
      }
      case '353': { // RPL_NAMREPLY <me> <symbol> <channel> :<names>
        const channel = this.#channels.get(this.#key(p[2] ?? ''));
        if (channel?.pending === undefined) return;
        for (const entry of last.split(' ')) {
          if (channel.members.size >= MAX_MEMBERS) break;
          const { prefixes, nick } = namesEntry(entry, this.host.prefixes());
          if (nick !== '') channel.members.put(this.#member(nick, [...new Set(prefixes)].join('')));
        }
        return;
      }
      case '366': { // RPL_ENDOFNAMES <me> <channel>
        const channel = this.#channels.get(this.#key(p[1] ?? ''));
        const pending = channel?.pending;
        if (channel === undefined || pending === undefined) return;
        channel.pending = undefined;
        const snapshot = this.#snapshot(channel);
        // Alone in it with operator status: the JOIN created the channel (an empty persistent channel gives no op).
        const created = snapshot.participants.length === 0 && ['owner', 'admin'].includes(snapshot.self.affiliation);
        pending.resolve(created ? { ...snapshot, created } : snapshot);
        return;
      }
      case '482': { // ERR_CHANOPRIVSNEEDED <me> <channel> :<text>
        const key = this.#key(p[1] ?? '');
        if (this.answers.refused(line.command, p, (name) => this.#key(name))) return;
        if (this.#live(key) !== undefined) this.host.event(key, { kind: 'refused', text: `IRC refused: ${last.slice(0, MAX_TEXT)}` });
        return;
      }
      case '367':
      case '368':
        this.answers.banLine(line.command, p, (name) => this.#key(name));
        return;
      default: {
        if (this.answers.refused(line.command, p, (name) => this.#key(name))) return;
        const refusal = JOIN_REFUSALS[line.command];
        const channel = refusal === undefined ? undefined : this.#channels.get(this.#key(p[1] ?? ''));
        if (refusal === undefined || channel?.pending === undefined) return;
        this.#channels.delete(this.#key(p[1] ?? ''));
        channel.pending.reject(new LegacyRefusal(`${p[1] ?? ''}: ${refusal.why} (the server said "${last.slice(0, 200)}")`, refusal.condition));
      }
    }
  }

  #fold(name: string): string {
    return casefold(name, this.host.mapping());
  }

  #key(channel: string): string {
    return this.#fold(channel);
  }

  /** A joined channel (not one still waiting for NAMES). */
  #live(name: string): Channel | undefined {
    const channel = this.#channels.get(this.#key(name));
    return channel?.pending === undefined ? channel : undefined;
  }

  #isSelf(nick: string): boolean {
    return this.#fold(nick) === this.#fold(this.host.nick());
  }

  #member(nick: string, prefixes: string): Member {
    return pooledMember(nick, prefixes, pooledName(this.#fold(nick)));
  }

  #participant(member: Member, moderated: boolean): RoomParticipant {
    return pooledParticipant(member, moderated);
  }

  /** +m set or unset: the members with no prefix change role (reported once the channel is joined). */
  #setModerated(key: string, channel: Channel, moderated: boolean): void {
    if (channel.moderated === moderated) return;
    channel.moderated = moderated;
    if (channel.pending !== undefined) return;
    for (const member of channel.members.values()) {
      if (member.prefixes === '') this.host.event(key, { kind: 'role', participant: this.#participant(member, moderated) });
    }
  }

  #snapshot(channel: Channel): RoomSnapshot {
    const selfKey = this.#fold(this.host.nick());
    const self = channel.members.get(selfKey) ?? this.#member(this.host.nick(), '');
    const participants = channel.members.values().filter((m) => m.key !== selfKey).map((m) => this.#participant(m, channel.moderated));
    return { name: channel.name, self: this.#participant(self, channel.moderated), participants, subject: { text: channel.topic, ...(channel.topicBy === undefined ? {} : { by: channel.topicBy }) } };
  }

  #joined(nick: string, name: string): void {
    const key = this.#key(name);
    const channel = this.#channels.get(key);
    if (channel === undefined) return;
    if (this.#isSelf(nick)) {
      channel.name = name.slice(0, 64);
      return;
    }
    if (channel.pending !== undefined || channel.members.size >= MAX_MEMBERS) return;
    const member = this.#member(nick, '');
    channel.members.put(member);
    this.host.event(key, { kind: 'joined', participant: this.#participant(member, channel.moderated) });
  }

  #left(name: string, nick: string, reason: string | undefined, kicked: boolean): void {
    const key = this.#key(name);
    const channel = this.#live(name);
    if (channel === undefined) return;
    if (this.#isSelf(nick)) {
      this.#channels.delete(key);
      return this.host.event(key, { kind: 'removed', reason: (reason ?? 'you left the channel').slice(0, MAX_TEXT), kicked });
    }
    if (!channel.members.delete(this.#fold(nick))) return;
    this.host.event(key, { kind: 'left', nick, ...(reason === undefined ? {} : { reason: reason.slice(0, MAX_TEXT) }), ...(kicked ? { kicked } : {}) });
  }

  /** `from` is now `to` (the person included: the session already follows its own nick). */
  #renamed(from: string, to: string): void {
    const old = this.#fold(from);
    for (const [key, channel] of this.#channels) {
      const member = channel.members.get(old);
      if (member === undefined || channel.pending !== undefined) continue;
      channel.members.delete(old);
      channel.members.put(this.#member(to, member.prefixes));
      this.host.event(key, { kind: 'renamed', nick: from, to });
    }
  }

  #mode(name: string, modes: string, args: readonly string[]): void {
    const channel = this.#live(name);
    if (channel === undefined) return;
    channel.modes = applyModes(channel.modes, modes, args, this.host.prefixes(), this.host.chanmodes());
    const moderated = flagChange(modes, 'm');
    if (moderated !== undefined) this.#setModerated(this.#key(name), channel, moderated);
    const touched = new Map<string, Member>();
    for (const change of prefixChanges(modes, args, this.host.prefixes(), this.host.chanmodes())) {
      const key = this.#fold(change.nick);
      const known = channel.members.get(key);
      if (known === undefined) continue;
      const before = shown(known.prefixes, channel.moderated);
      const prefixes = change.add ? (known.prefixes.includes(change.symbol) ? known.prefixes : known.prefixes + change.symbol) : known.prefixes.replace(change.symbol, '');
      const member = this.#member(known.nick, prefixes);
      channel.members.put(member);
      if (before !== shown(member.prefixes, channel.moderated)) touched.set(key, member);
      else touched.delete(key);
    }
    for (const member of touched.values()) this.host.event(this.#key(name), { kind: 'role', participant: this.#participant(member, channel.moderated) });
  }

  #message(line: ParsedLine, target: string, text: string): void {
    const channel = this.#live(target);
    if (channel === undefined || (line.nick === '' && line.hostname === '') || (line.nick !== '' && this.#isSelf(line.nick))) return;
    let action = false;
    let body = text;
    if (body.startsWith('\u0001')) {
      // eslint-disable-next-line no-control-regex -- CTCP is delimited by \x01
      const ctcp = /^\u0001ACTION (.*?)\u0001?$/su.exec(body);
      if (ctcp === null) return; // other CTCPs to a channel are not messages
      action = true;
      body = ctcp[1] ?? '';
    }
    const msgid = line.tags?.msgid;
    // A server (a prefix without a nick) speaks as the room itself.
    const nick = line.nick === '' ? undefined : line.nick;
    this.host.event(this.#key(target), { kind: 'message', nick, text: ircToStyling(body), action, ...(typeof msgid === 'string' && msgid.length <= 128 ? { legacyId: msgid } : {}) });
  }
}
