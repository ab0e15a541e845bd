/**
 * One person's IRC session ({@link LegacySession}): their own connection (connect.ts),
 * one-to-one messages both ways (PRIVMSG, NOTICE unless the `notices` preference is off, CTCP ACTION for /me; a
 * DCC offer arrives as text, files from XMPP leave as their URL), vCards and search by WHOIS, typing with
 * `+typing` where the server has message tags, contacts' presence through MONITOR (ISON polls
 * where the server has none; at most the server's MONITOR limit) and RPL_AWAY, and the
 * person's own AWAY. What the person sends goes through the IRC adapter's flood-controlled queue
 * (one lane per contact, taking turns), bounded: a message beyond `maxQueuedLines` is refused.
 * The person's own nick is followed: a NICK of theirs (their `nick` command, or the server's
 * doing) is reported as a profile change. Channels are group chats (channels.ts, ADR 0010): joined,
 * left, spoken in and given a topic through the same queue; backfilled from the server's
 * CHATHISTORY where it keeps one (channel-history.ts, which takes every history line first).
 */
import type { Client, ParsedLine } from 'irc-framework';
import { casefold, parseCaseMapping, type CaseMapping } from '../../networks/irc/casemapping.js';
import { OutgoingQueue } from '../../networks/irc/queue.js';
import { LegacyRefusal, type BackfilledMessage, type ChatState, type ContactProfile, type ContactShow, type HoleBound, type LegacySession, type RoomBan, type RoomConfig, type RoomModeration, type RoomRoleChange, type RoomSnapshot, type SearchResult, type SessionEvents, type TextOptions } from '../api.js';
import { DEFAULT_PREFIXES, isChannelName, roleOf, type PrefixMode } from './channel-modes.js';
import { IrcChannels } from './channels.js';
import { ChannelHistory } from './channel-history.js';
import { moderationLines } from './channel-moderation.js';
import { roleChangeMode } from './channel-roles.js';
import { configModes, configOf, isOperator } from './channel-config.js';

/** How long a MODE sent from XMPP may wait for the server's answer. */
const MODE_ANSWER_MS = 10_000;
import { InviteLimiter, readInvite } from './invites.js';
import type { IrcLegacyConfig } from './config.js';
import { connectIrc, type IrcLogin } from './connect.js';
import { isNick, joinedBatches } from './lines.js';
import { ircToStyling } from './styling.js';
import { privmsgLines } from './text-lines.js';
import { WhoSearches, isWhoPattern, whoReplyRealname } from './who.js';
import { WhoisLookups, whoisProfile, type WhoisUser } from './whois.js';
import { SendRefusals } from './send-refusals.js';
import { isSendRefusalNumeric } from '../../networks/irc/refused.js';

/** The longest topic sent (leaves room for the prefix the server adds when relaying it). */
const LINE_BYTES = 400;
/** Bytes of nicks per MONITOR or ISON line (within the 512-byte line with room to spare). */
const TARGET_BYTES = 400;
/** Most IRC lines one XMPP message becomes. */
const MAX_LINES = 10;
/** Most contacts watched per session. */
const MAX_WATCHED = 500;

export class IrcSession implements LegacySession {
  #client: Client | undefined;
  #mapping: CaseMapping = 'rfc1459';
  #monitor = false;
  #ison: NodeJS.Timeout | undefined;
  readonly #watched = new Map<string, string>();
  #loggedOut = false;
  #monitorLimit = MAX_WATCHED;
  readonly #queue: OutgoingQueue;
  readonly #whois = new WhoisLookups();
  /** The server's refusals of messages already written (401, 404...), told to the person. */
  readonly #refusals = new SendRefusals();
  readonly #who = new WhoSearches();
  /** The `notices` preference: whether NOTICEs are shown. */
  #showNotices: boolean;
  /** The person's nick now (followed through their NICKs). */
  #nick = '';
  /** A rename (setName) waiting for the server's NICK or refusal. */
  #renaming: { readonly resolve: () => void; readonly reject: (error: LegacyRefusal) => void } | undefined;
  /** The person's `user@host` as the server shows it to others (from their own JOIN or 396): the message budget (text-lines.ts). */
  #userHost: { user: string; host: string } | undefined;
  /** The server's LINELEN (ISUPPORT), when it gave one. */
  #lineLength: number | undefined;
  /** The server's CHANTYPES (channel name prefixes). */
  #chantypes = '#&';
  #prefixes: readonly PrefixMode[] = DEFAULT_PREFIXES;
  #chanmodes: readonly string[] = ['beI', 'k', 'l', 'imnpst'];
  readonly #channels: IrcChannels;
  readonly #invites = new InviteLimiter();
  /** CHATHISTORY for room backfill (channel-history.ts). */
  readonly #history: ChannelHistory;

  constructor(
    private readonly config: IrcLegacyConfig,
    private readonly login_: IrcLogin,
    private readonly events: SessionEvents,
    preferences: Readonly<Record<string, unknown>> = {},
    /** The connection a registration check left registered for this login, if any (handoff.ts). */
    private readonly checked: () => Client | undefined = () => undefined,
  ) {
    this.#showNotices = preferences.notices !== 'false';
    this.#queue = new OutgoingQueue(config.flood, (line) => {
      if (this.#client === undefined) return false;
      this.#client.raw(line);
      return true;
    });
    this.#channels = new IrcChannels({
      send: (line) => void this.#queue.enqueueControl(line),
      nick: () => this.#nick,
      mapping: () => this.#mapping,
      prefixes: () => this.#prefixes,
      chanmodes: () => this.#chanmodes,
      event: (room, event) => this.events.room(room, event),
    });
    this.#history = new ChannelHistory({
      send: (line) => this.#queue.enqueueControl(line),
      capEnabled: (cap) => this.#client?.network.cap.isEnabled(cap),
      supports: (name) => (this.#client?.network as unknown as { supports(name: string): unknown } | undefined)?.supports(name),
      fold: (name) => casefold(name, this.#mapping),
      nick: () => this.#nick,
    });
  }

  contactKey(id: string): string | undefined {
    return isNick(id) ? casefold(id, this.#mapping) : undefined;
  }

  async login(signal: AbortSignal): Promise<string> {
    this.#loggedOut = false;
    if (signal.aborted) throw signal.reason instanceof LegacyRefusal ? signal.reason : new LegacyRefusal('the login was cancelled', 'service-unavailable');
    const client = this.checked() ?? await connectIrc(this.config, this.login_, signal);
    this.#client = client;
    const network = client.network as unknown as { supports(name: string): unknown };
    this.#mapping = parseCaseMapping(String(network.supports('CASEMAPPING') ?? ''));
    const monitor = network.supports('MONITOR');
    this.#monitor = monitor !== false && monitor !== undefined;
    // MONITOR=<n> caps the list (no number: no cap of the server's); ISON covers nobody beyond it.
    this.#monitorLimit = Math.min(MAX_WATCHED, /^\d+$/.test(String(monitor)) ? Number(monitor) : MAX_WATCHED);
    this.#readChannelSupport(network);
    const lineLength = Number(network.supports('LINELEN'));
    this.#lineLength = Number.isInteger(lineLength) && lineLength >= 512 && lineLength <= 65_536 ? lineLength : undefined;
    this.#userHost = undefined;
    client.on('privmsg', (e: IrcMessageEvent) => this.#message(client, e, false));
    client.on('action', (e: IrcMessageEvent) => this.#message(client, e, true));
    client.on('notice', (e: IrcMessageEvent) => {
      if (this.#showNotices) this.#message(client, e, false);
    });
    client.on('tagmsg', (e: IrcMessageEvent) => this.#tagmsg(client, e));
    client.on('ctcp request', (e: IrcMessageEvent & { readonly type?: string | null }) => {
      // A DCC offer stays text: the gateway takes no DCC transfer (nor connects anywhere it says).
      if (e.type?.toUpperCase() === 'DCC') this.#message(client, { ...e, message: `${e.message ?? ''} (a DCC file offer: the gateway does not take DCC transfers; ask for a link)` }, false);
    });
    client.connection.on('message', (line: ParsedLine) => {
      if (this.#client !== client || this.#history.take(line)) return; // history is never live
      this.#line(line);
      this.#channels.line(line);
    });
    client.on('socket close', (error?: Error | false) => {
      if (this.#client !== client) return;
      this.#stopPolling();
      this.#client = undefined;
      this.#queue.pause();
      this.#queue.discard();
      this.#channels.clear('the IRC connection closed');
      this.#history.reset();
      if (!this.#loggedOut) this.events.lost(error ? error.message : 'the IRC connection closed', false);
    });
    if (this.#watched.size > 0) this.#watchAll();
    if (!this.#monitor) this.#ison = setInterval(() => this.#pollIson(), this.config.isonIntervalSec * 1000);
    this.#queue.resume('all');
    this.#nick = client.user.nick;
    return `Connected as ${client.user.nick}`;
  }

  async logout(reason: string): Promise<void> {
    this.#loggedOut = true;
    this.#renaming?.reject(new LegacyRefusal('logged out', 'service-unavailable'));
    this.#stopPolling();
    this.#queue.pause();
    this.#queue.discard();
    this.#channels.clear('logged out');
    this.#history.reset();
    const client = this.#client;
    this.#client = undefined;
    if (client === undefined) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        client.connection.end(undefined, true);
        resolve();
      }, 2000);
      client.once('socket close', () => {
        clearTimeout(timer);
        resolve();
      });
      client.quit(reason.replace(/[\r\n\0]/g, ' ').slice(0, 200));
    });
  }

  async onText(contact: string, text: string, options: TextOptions): Promise<string | undefined> {
    return this.#privmsg(contact, text, options);
  }

  /** A channel name (CHANTYPES prefix, RFC 2812 characters) case-folded; undefined otherwise. */
  roomKey(id: string): string | undefined {
    return isChannelName(id, this.#chantypes) ? casefold(id, this.#mapping) : undefined;
  }

  /** JOIN: the channel with its members and topic, or the server's refusal. IRC keeps its own nick. */
  async joinRoom(room: string, _nick: string, signal: AbortSignal, password?: string): Promise<RoomSnapshot> {
    this.#require();
    return this.#channels.join(room, signal, password);
  }

  async leaveRoom(room: string): Promise<void> {
    if (this.#client !== undefined) this.#channels.part(room);
  }

  /** The channel's own history (CHATHISTORY, channel-history.ts) where the server keeps one; [] otherwise. */
  /** Whether the server offers CHATHISTORY (and the caps it needs) on this connection. */
  canBackfill(): boolean {
    return this.#client !== undefined && this.#history.available();
  }

  async backfillRoom(room: string, bounds: { readonly after?: HoleBound; readonly before?: HoleBound; readonly limit: number }, signal: AbortSignal): Promise<readonly BackfilledMessage[]> {
    if (this.#client === undefined || !this.#channels.has(room)) return [];
    return this.#history.backfill(room, bounds, signal);
  }

  async onRoomText(room: string, text: string, options: TextOptions): Promise<string | undefined> {
    if (!this.#channels.has(room)) throw new LegacyRefusal('you are not in this channel; join it first', 'not-acceptable');
    return this.#privmsg(room, text, options);
  }

  async setRoomSubject(room: string, subject: string): Promise<void> {
    this.#require();
    if (!this.#channels.has(room)) throw new LegacyRefusal('you are not in this channel; join it first', 'not-acceptable');
    const topic = subject.replace(/[\r\n\0]+/g, ' ');
    if (Buffer.byteLength(topic, 'utf8') > LINE_BYTES) throw new LegacyRefusal(`the topic is too long for IRC (at most ${LINE_BYTES} bytes)`, 'not-acceptable');
    void this.#queue.enqueueControl(`TOPIC ${room} :${topic}`);
  }

  /** KICK, or MODE +b and KICK, when the person's prefix allows it (channel-moderation.ts). */
  async moderateRoom(room: string, action: RoomModeration): Promise<void> {
    this.#require();
    const self = this.#channels.selfPrefixes(room);
    if (self === undefined) throw new LegacyRefusal('you are not in this channel; join it first', 'not-acceptable');
    if (action.kind === 'kick' && !this.#channels.hasMember(room, action.nick)) throw new LegacyRefusal(`${action.nick.slice(0, 40)} is not in ${room}`, 'item-not-found');
    for (const line of moderationLines(room, action, self)) void this.#queue.enqueueControl(line);
  }

  /** MODE ±v/±h/±o as channel-roles.ts maps the change; answered once the server echoed it or refused it (mode-answers.ts). */
  async changeRoomRole(room: string, change: RoomRoleChange): Promise<void> {
    this.#require();
    const self = this.#channels.selfPrefixes(room);
    if (self === undefined) throw new LegacyRefusal('you are not in this channel; join it first', 'not-acceptable');
    const target = this.#channels.memberPrefixes(room, change.nick);
    if (target === undefined) throw new LegacyRefusal(`${change.nick.slice(0, 40)} is not in ${room}`, 'item-not-found');
    const mode = roleChangeMode(room, change, self, target, this.#prefixes);
    if (mode === undefined) return;
    await this.#channels.answers.request(room, () => void this.#queue.enqueueControl(`MODE ${room} ${mode.modes} ${mode.args.join(' ')}`), MODE_ANSWER_MS);
  }

  /** The channel's ban list (MODE #chan +b, at most MAX_BANS entries). */
  async roomBans(room: string): Promise<readonly RoomBan[]> {
    this.#require();
    if (this.#channels.selfPrefixes(room) === undefined) throw new LegacyRefusal('you are not in this channel; join it first', 'not-acceptable');
    return this.#channels.answers.bans(room, () => void this.#queue.enqueueControl(`MODE ${room} +b`), MODE_ANSWER_MS);
  }

  /** The channel's modes as the room configuration (channel-config.ts); operators only. */
  async roomConfig(room: string): Promise<RoomConfig> {
    this.#require();
    const self = this.#channels.selfPrefixes(room);
    const modes = this.#channels.modes(room);
    if (self === undefined || modes === undefined) throw new LegacyRefusal('you are not in this channel; join it first', 'not-acceptable');
    if (!isOperator(self, this.#prefixes)) throw new LegacyRefusal(`only an operator (@) of ${room} may configure it, and you are none`, 'forbidden');
    return configOf(modes);
  }

  /** The MODE line(s) for the change (channel-config.ts), each answered once the server echoed or refused it. */
  async configureRoom(room: string, change: Partial<RoomConfig>): Promise<void> {
    this.#require();
    const self = this.#channels.selfPrefixes(room);
    const modes = this.#channels.modes(room);
    if (self === undefined || modes === undefined) throw new LegacyRefusal('you are not in this channel; join it first', 'not-acceptable');
    for (const line of configModes(room, modes, change, self, this.#prefixes)) {
      await this.#channels.answers.request(room, () => void this.#queue.enqueueControl(`MODE ${room} ${line}`), MODE_ANSWER_MS);
    }
  }

  /** IRC has no destroy: a channel ends when its last member leaves, so an operator alone in it may end it by parting. */
  async destroyRoom(room: string): Promise<void> {
    this.#require();
    const self = this.#channels.selfPrefixes(room);
    if (self === undefined) throw new LegacyRefusal('you are not in this channel; join it first', 'not-acceptable');
    if (!['owner', 'admin'].includes(roleOf(self).affiliation)) throw new LegacyRefusal(`only an operator of ${room} may end it, and you are none`, 'forbidden');
    const others = this.#channels.memberCount(room) - 1;
    if (others > 0) throw new LegacyRefusal(`IRC channels end when the last person leaves, and ${others} other${others === 1 ? ' is' : 's are'} still in ${room}: kick them first, or just leave`, 'not-acceptable');
    this.#channels.part(room);
  }

  /** INVITE (IRC has no reason: it is not sent). */
  async inviteToRoom(room: string, contact: string): Promise<void> {
    this.#require();
    if (!this.#channels.has(room)) throw new LegacyRefusal('you are not in this channel; join it first', 'not-acceptable');
    if (!isNick(contact)) throw new LegacyRefusal(`"${contact.slice(0, 40)}" is not a valid IRC nick`, 'bad-request');
    void this.#queue.enqueueControl(`INVITE ${contact} ${room}`);
  }

  /** PRIVMSG lines to `target` (a nick or a channel), through its lane of the queue. */
  #privmsg(target: string, text: string, options: TextOptions): string | undefined {
    this.#require();
    const lines = privmsgLines(text, { nick: this.#nick, ...this.#userHost, target, lineLength: this.#lineLength, action: options.action, maxLines: MAX_LINES });
    if (this.#queue.depth() + lines.length > this.config.maxQueuedLines) throw new LegacyRefusal('too many messages are waiting to be sent to IRC; try again in a moment', 'remote-server-timeout');
    // Lines still queued when the connection drops are dropped with it: the person hears of each
    // such message once (at most maxQueuedLines messages wait, so the errors are bounded too).
    void this.#queue.enqueue(target, lines).then((written) => {
      if (!written) options.undelivered?.(`the IRC connection dropped before ${lines.length > 1 ? 'all of this message' : 'this message'} was sent; send it again`);
      else this.#refusals.written(casefold(target, this.#mapping), options.undelivered);
    });
    return undefined; // plain IRC has no message ids
  }

  async onChatState(contact: string, state: ChatState): Promise<void> {
    const client = this.#client;
    if (client === undefined || !client.network.cap.isEnabled('message-tags')) return;
    const typing = state === 'composing' ? 'active' : state === 'paused' ? 'paused' : 'done';
    if (this.#queue.depth() < this.config.maxQueuedLines) void this.#queue.enqueue(contact, [`@+typing=${typing} TAGMSG ${contact}`]);
  }

  async onPresence(show: ContactShow, status: string | undefined): Promise<void> {
    this.#require();
    const text = (status ?? (show === 'busy' ? 'Busy' : 'Away')).replace(/[\r\n\0]/g, ' ').slice(0, 200);
    void this.#queue.enqueueControl(show === 'online' ? 'AWAY' : `AWAY :${text}`);
  }

  /** NICK `name`: resolves on the server's NICK, rejects on its refusal (432, 433, 436, 437, 484) or `signal`. */
  async setName(name: string, signal: AbortSignal): Promise<void> {
    this.#require();
    if (!isNick(name) || name.length > 32) throw new LegacyRefusal(`"${name.slice(0, 40)}" is not a valid IRC nick`, 'bad-request');
    if (this.#renaming !== undefined) throw new LegacyRefusal('a nick change is already under way', 'conflict');
    if (casefold(name, this.#mapping) === casefold(this.#nick, this.#mapping) && name === this.#nick) return;
    await new Promise<void>((resolve, reject) => {
      const done = (): void => {
        this.#renaming = undefined;
        signal.removeEventListener('abort', onAbort);
      };
      const onAbort = (): void => {
        done();
        reject(new LegacyRefusal('the IRC server did not answer the nick change in time', 'remote-server-timeout'));
      };
      this.#renaming = { resolve: () => (done(), resolve()), reject: (error) => (done(), reject(error)) };
      signal.addEventListener('abort', onAbort, { once: true });
      void this.#queue.enqueueControl(`NICK ${name}`);
    });
  }

  onPreferences(preferences: Readonly<Record<string, string>>): void {
    this.#showNotices = preferences.notices !== 'false';
  }

  /**
   * A search by nick: one WHOIS (nick, user, host, realname; an unknown nick finds nobody), or with
   * `*` / `?` in it one WHO of that pattern (who.ts: what the server shows, at most 50).
   */
  async onSearch(query: Readonly<Record<string, string>>): Promise<readonly SearchResult[]> {
    const nick = (query.nick ?? '').trim();
    if (isWhoPattern(nick)) {
      this.#require();
      const users = await this.#who.search(nick, (mask) => void this.#queue.enqueueControl(`WHO ${mask}`));
      return users.map(searchResult);
    }
    const user = await this.#whoisOf(nick);
    return user === undefined ? [] : [searchResult(user)];
  }

  /** A contact's vCard from one WHOIS (shared with searches of the same nick); undefined: not on IRC. */
  async onProfile(contact: string): Promise<ContactProfile | undefined> {
    const user = await this.#whoisOf(contact);
    return user === undefined ? undefined : whoisProfile(user);
  }

  /** One WHOIS of `nick` (bounded by WhoisLookups); refused when not connected or not a nick. */
  #whoisOf(nick: string): Promise<WhoisUser | undefined> {
    this.#require();
    if (!isNick(nick) || nick.length > 32) throw new LegacyRefusal(`"${nick.slice(0, 40)}" is not a valid IRC nick`, 'bad-request');
    return this.#whois.lookup(casefold(nick, this.#mapping), () => void this.#queue.enqueueControl(`WHOIS ${nick}`));
  }

  watch(contact: string): void {
    if (this.#watched.has(contact) || this.#watched.size >= this.#monitorLimit) return;
    this.#watched.set(contact, contact);
    if (this.#client !== undefined && this.#monitor) void this.#queue.enqueueControl(`MONITOR + ${contact}`);
    else this.#pollIson();
  }

  unwatch(contact: string): void {
    if (!this.#watched.delete(contact)) return;
    if (this.#client !== undefined && this.#monitor) void this.#queue.enqueueControl(`MONITOR - ${contact}`);
  }

  /** CHANTYPES, PREFIX and CHANMODES as the server announced them (irc-framework's parsed ISUPPORT). */
  #readChannelSupport(network: { supports(name: string): unknown }): void {
    const types = network.supports('CHANTYPES');
    const chantypes = Array.isArray(types) ? types.join('') : typeof types === 'string' ? types : '';
    if (chantypes !== '') this.#chantypes = chantypes;
    const prefix = network.supports('PREFIX');
    if (Array.isArray(prefix)) {
      this.#prefixes = prefix.filter((p): p is PrefixMode => typeof (p as PrefixMode).symbol === 'string' && typeof (p as PrefixMode).mode === 'string').slice(0, 16);
    }
    const chanmodes = network.supports('CHANMODES');
    if (Array.isArray(chanmodes)) this.#chanmodes = chanmodes.filter((m): m is string => typeof m === 'string');
  }

  #require(): Client {
    if (this.#client === undefined) throw new LegacyRefusal('not connected to IRC right now', 'remote-server-timeout');
    return this.#client;
  }

  #message(client: Client, event: IrcMessageEvent, action: boolean): void {
    if (this.#client !== client || event.from_server === true || event.nick === undefined || event.nick === '') return;
    if (casefold(event.target ?? '', this.#mapping) !== casefold(client.user.nick, this.#mapping)) return; // channels: next issue
    const msgid = event.tags?.msgid;
    this.events.text(event.nick, ircToStyling(event.message ?? ''), { action, name: event.nick, ...(typeof msgid === 'string' && msgid.length <= 128 ? { legacyId: msgid } : {}) });
  }

  #tagmsg(client: Client, event: IrcMessageEvent): void {
    if (this.#client !== client || event.nick === undefined) return;
    const typing = event.tags?.['+typing'];
    if (typing === 'active') this.events.chatState(event.nick, 'composing');
    else if (typing === 'paused') this.events.chatState(event.nick, 'paused');
    else if (typing === 'done') this.events.chatState(event.nick, 'active');
  }

  #line(line: ParsedLine): void {
    const last = line.params[line.params.length - 1] ?? '';
    // A refusal of a message already written (401, 404...): told on that message (send-refusals.ts).
    if (isSendRefusalNumeric(line.command) && line.params[1] !== undefined) this.#refusals.refused(line.command, casefold(line.params[1], this.#mapping), line.params.length > 2 ? last : '');
    switch (line.command) {
      case 'JOIN': // the person's own JOIN shows their user@host as others see it
        if (line.nick !== '' && line.ident !== '' && line.hostname !== '' && casefold(line.nick, this.#mapping) === casefold(this.#nick, this.#mapping)) this.#userHost = { user: line.ident, host: line.hostname };
        break;
      case '396': // RPL_VISIBLEHOST <me> <host> :is now your displayed host
        if (this.#userHost !== undefined && line.params[1] !== undefined) this.#userHost = { ...this.#userHost, host: line.params[1] };
        break;
      case 'INVITE': {
        const invite = readInvite(line, (nick) => casefold(nick, this.#mapping) === casefold(this.#nick, this.#mapping));
        const room = invite === undefined ? undefined : this.roomKey(invite.channel);
        if (invite !== undefined && room !== undefined && this.#invites.allow(room, Date.now())) this.events.room(room, { kind: 'invited', by: invite.by });
        break;
      }
      case '730': // RPL_MONONLINE
      case '731': // RPL_MONOFFLINE
        for (const target of last.split(',')) {
          const nick = target.split('!')[0] ?? '';
          if (nick !== '') this.events.presence(nick, line.command === '730' ? 'online' : 'offline', { name: nick });
        }
        break;
      case '303': { // RPL_ISON
        const online = new Set(last.split(' ').filter((n) => n !== '').map((n) => casefold(n, this.#mapping)));
        for (const key of this.#watched.keys()) this.events.presence(key, online.has(key) ? 'online' : 'offline');
        break;
      }
      case '311': // RPL_WHOISUSER <me> <nick> <user> <host> * :<realname>
        if (line.params.length >= 6) this.#whois.user(casefold(line.params[1] ?? '', this.#mapping), { nick: line.params[1] ?? '', user: line.params[2] ?? '', host: line.params[3] ?? '', realname: last });
        break;
      case '312': // RPL_WHOISSERVER <me> <nick> <server> :<info>
        if (line.params.length >= 3) this.#whois.detail(casefold(line.params[1] ?? '', this.#mapping), 'server', line.params[2] ?? '');
        break;
      case '330': // RPL_WHOISACCOUNT <me> <nick> <account> :is logged in as
        if (line.params.length >= 4) this.#whois.detail(casefold(line.params[1] ?? '', this.#mapping), 'account', line.params[2] ?? '');
        break;
      case '352': // RPL_WHOREPLY <me> <channel> <user> <host> <server> <nick> <flags> :<hops> <realname>
        if (line.params.length >= 8) this.#who.reply({ nick: line.params[5] ?? '', user: line.params[2] ?? '', host: line.params[3] ?? '', realname: whoReplyRealname(last) });
        break;
      case '315': // RPL_ENDOFWHO <me> <mask> :End of WHO list
        if (line.params[1] !== undefined) this.#who.end(line.params[1]);
        break;
      case '318': // RPL_ENDOFWHOIS
        if (line.params[1] !== undefined) this.#whois.end(casefold(line.params[1], this.#mapping));
        break;
      case '401': // ERR_NOSUCHNICK: ends a WHOIS (and refuses a message: below)
        if (line.params[1] !== undefined) this.#whois.end(casefold(line.params[1], this.#mapping));
        break;
      case 'NICK': // the person's own nick changed (their nick command, or the server)
        if (line.nick !== '' && casefold(line.nick, this.#mapping) === casefold(this.#nick, this.#mapping) && isNick(last)) {
          this.#nick = last;
          this.events.profile({ displayName: last }, `Connected as ${last}`);
          this.#renaming?.resolve();
        }
        break;
      case '432': // ERR_ERRONEUSNICKNAME
      case '433': // ERR_NICKNAMEINUSE
      case '436': // ERR_NICKCOLLISION
      case '437': // ERR_UNAVAILRESOURCE
      case '484': // ERR_RESTRICTED
        this.#renaming?.reject(new LegacyRefusal(`the IRC server refused the nick: ${last.replace(/\p{Cc}/gu, ' ').slice(0, 200)}`, line.command === '432' ? 'bad-request' : 'conflict'));
        break;
      case '301': // RPL_AWAY
        if (line.params[1] !== undefined) this.events.presence(line.params[1], 'away', { status: last, name: line.params[1] });
        break;
      default:
    }
  }

  #watchAll(): void {
    if (this.#monitor) {
      const nicks = [...this.#watched.keys()];
      for (const targets of joinedBatches(nicks, ',', TARGET_BYTES)) void this.#queue.enqueueControl(`MONITOR + ${targets}`);
    } else {
      this.#pollIson();
    }
  }

  #pollIson(): void {
    if (this.#client === undefined || this.#watched.size === 0) return;
    const nicks = [...this.#watched.keys()];
    // Skipped while earlier polls still wait (a slow queue must not pile them up).
    if (this.#queue.depth() > 0) return;
    for (const targets of joinedBatches(nicks, ' ', TARGET_BYTES)) void this.#queue.enqueueControl(`ISON ${targets}`);
  }

  #stopPolling(): void {
    this.#refusals.clear();
    this.#whois.cancel();
    this.#who.cancel();
    if (this.#ison !== undefined) clearInterval(this.#ison);
    this.#ison = undefined;
  }
}

/** The fields of irc-framework's message events that the session reads. */
interface IrcMessageEvent {
  readonly nick?: string;
  readonly target?: string;
  readonly message?: string;
  readonly from_server?: boolean;
  readonly tags?: Record<string, unknown>;
}

/** A WHOIS or WHO reply as a search result (the contact's id is the nick). */
function searchResult(user: WhoisUser): SearchResult {
  return { id: user.nick, name: user.nick, details: { nick: user.nick, user: user.user, host: user.host, realname: user.realname } };
}
