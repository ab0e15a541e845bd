/**
 * The server-link network adapter (`protocol: irc-link`): Switchboard links to an IRC network
 * as a server, tracks every server, user and channel (state.ts) and shows each remote person
 * as a virtual client of its own (virtual-clients.ts). What the lines mean is up to the server
 * protocol (server-protocol.ts; protocols/ngircd.ts); this file owns the socket, the hub's
 * lifecycle, keep-alive and sending.
 *
 * Lifecycle (core/network.ts): `connect()` opens the socket, sends the protocol's handshake and
 * resolves once the uplink finished its burst and ours is sent (ENDBURST is emitted just
 * before); it rejects when the attempt fails (fatal on a password mismatch). Each connection
 * starts from an empty state: a relink is a full resync. A link lost later is reported once
 * through `ctx.connectionLost`; the hub's reconnect policy calls `connect()` again.
 *
 * The link's own service client (`serviceNick`) sits in the wanted channels, because a server
 * receives a channel's messages only while one of its clients is in it; it speaks for the hub
 * when a message has no `asUser`.
 */
import type { ChannelRestore, MemberStatus, ModerationActions, Network, NetworkCapabilities, NetworkContext, OutgoingMessage, PuppetChange, SendResult } from '../../core/network.js';
import type { ChannelRef, UserRef } from '../../core/refs.js';
import type { Command } from '../../core/event.js';
import { ServerSupport } from '../irc/isupport.js';
import { IrcTransport } from '../irc/transport.js';
import { LineIds } from '../irc/line-ids.js';
import type { IrcLinkConfig } from './config.js';
import { LinkEvents } from './events.js';
import { parseLinkLine, type LinkLine } from './line.js';
import { SERVER_PROTOCOLS } from './protocols/index.js';
import type { LinkSession, ServerProtocol } from './server-protocol.js';
import { LinkState, NO_MODES, type LinkUser } from './state.js';
import { allocateNick, hostFor, identFor, realNameFor, VirtualClients } from './virtual-clients.js';
import { renderLinkMessage } from './render.js';
import { LinkModeration } from './moderation.js';
import { prefixChanges, WantedPrefixes } from './prefixes.js';
import { readFileSync } from 'node:fs';
import { fillIdentity } from '../irc/puppet-nick.js';
import { nickCandidate } from '../irc/nick.js';
import { RateWindow } from '../../core/rate-window.js';

type State = 'idle' | 'connecting' | 'connected' | 'stopped';

/** Most revivals of one person's killed virtual client within the window. */
const REVIVALS = { count: 3, windowMs: 60_000 } as const;

/** Mode changes per MODE line we send (RFC 2812's minimum for MODES, which ngIRCd allows). */
const MODES_PER_LINE = 3;

/** Joins of one channel kept back at most (`writeJoin`): a few lines' worth. */
const MAX_PENDING_JOINS = 100;

/** How long the goodbye may take before the socket is closed anyway. */
const GOODBYE_GRACE_MS = 2_000;

interface PendingConnect {
  resolve(): void;
  reject(error: Error): void;
  readonly timer: NodeJS.Timeout;
}

export class IrcLinkNetwork implements Network {
  readonly protocol = 'irc-link';
  readonly capabilities: NetworkCapabilities = {
    edits: false, deletes: false, reactions: false, replies: false, threads: false, attachments: false, typing: false,
    formatting: 'irc', maxMessageBytes: 400, puppets: true,
  };

  private state: State = 'idle';
  private transport: IrcTransport | undefined;
  private server: ServerProtocol | undefined;
  private link = new LinkState(new ServerSupport());
  private readonly virtuals = new VirtualClients();
  /** The prefix modes the relay wants each person's virtual client to hold (kept across relinks). */
  private readonly prefixes = new WantedPrefixes();
  private service: LinkUser | undefined;
  /** The service client's UserRef (`botUser`), with the fields it was built from. */
  private serviceRef: (Pick<LinkUser, 'nick' | 'ident' | 'host' | 'realName' | 'account'> & { readonly user: LinkUser; readonly ref: UserRef }) | undefined;
  /** Channels the hub wants, by name as given (folded per connection). */
  private readonly wanted = new Map<string, ChannelRef>();
  private readonly ids: LineIds;
  private readonly events: LinkEvents;
  private pending: PendingConnect | undefined;
  private pingTimer: NodeJS.Timeout | undefined;
  private lastReceived = 0;
  /** Why the current connection is ending (set by the protocol before the socket closes). */
  private ending: { reason: string; fatal: boolean } | undefined;
  private readonly ignoredKinds = new Set<string>();
  private ignoredCount = 0;
  private warnedCap = false;
  /** Revivals of killed virtual clients per person (bounded against kill loops). */
  private revivals = new RateWindow(REVIVALS.count, REVIVALS.windowMs);
  /** Pending rejoins, cleared when the connection ends. */
  private readonly timers = new Set<NodeJS.Timeout>();
  /**
   * Joins of our clients not written yet (protocols with `joinMany`), by channel name: written
   * together before any other line we write, at the latest at the end of the turn. Only
   * introductions of new clients (which depend on no join) go out before them, so that the
   * introductions and joins of many people make a few lines, not two per person.
   */
  private pendingJoins = new Map<string, LinkUser[]>();
  private joinsScheduled = false;

  /** Kicks and bans (the access module's): by the service client and our server (moderation.ts). */
  readonly moderation: ModerationActions;

  constructor(private readonly ctx: NetworkContext, private readonly config: IrcLinkConfig) {
    this.ids = new LineIds(ctx.name);
    this.moderation = new LinkModeration({
      name: ctx.name,
      server: () => (this.state === 'connected' ? this.server : undefined),
      state: () => this.link,
      service: () => this.service,
      target: (ref) => this.localOrVirtual(ref),
      write: (...lines) => this.write(...lines),
    });
    this.events = new LinkEvents({
      network: ctx.name,
      state: () => this.link,
      emit: (event) => this.ctx.emit(event),
      mintId: () => this.ids.next(),
      maxBodyBytes: config.maxBodyBytes,
      onTruncated: (context) => this.ctx.log.info(context, 'a received message was longer than maxBodyBytes and was cut'),
      ...(ctx.wants ? { wants: (command: Command) => ctx.wants!(command) } : {}),
    });
  }

  get name(): string {
    return this.ctx.name;
  }

  /** The link's view of the network (servers, users, channels): who is where. */
  get linkState(): LinkState {
    return this.link;
  }

  /** Lines the protocol could not use since the start (malformed, unknown): a metric. */
  get ignoredLines(): number {
    return this.ignoredCount;
  }

  // --- lifecycle ----------------------------------------------------------------------------

  connect(): Promise<void> {
    if (this.state === 'connecting' || this.state === 'connected') return Promise.reject(new Error(`${this.name}: already ${this.state}`));
    let ca: string | undefined;
    try {
      ca = this.config.tlsCa === undefined ? undefined : readFileSync(this.config.tlsCa, 'utf8');
    } catch (error) {
      return Promise.reject(Object.assign(new Error(`${this.name}: cannot read tlsCa: ${(error as Error).message}`), { fatal: true }));
    }
    this.state = 'connecting';
    this.ending = undefined;
    this.link = new LinkState(new ServerSupport());
    this.pendingJoins = new Map();
    this.virtuals.clear();
    this.revivals = new RateWindow(REVIVALS.count, REVIVALS.windowMs);
    this.service = undefined;
    for (const channel of this.ctx.wantedChannels()) this.wanted.set(channel.name ?? channel.id, channel);
    const transport = new IrcTransport({
      host: this.config.host, port: this.config.port, tls: this.config.tls, rejectUnauthorized: !this.config.tlsInsecure,
      ...(ca === undefined ? {} : { ca }), batchWrites: true,
    });
    this.transport = transport;
    const server = SERVER_PROTOCOLS[this.config.ircd](this.session(transport));
    this.server = server;
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => this.end(transport, `no link within ${this.config.connectTimeoutMs} ms`, false), this.config.connectTimeoutMs);
      this.pending = { resolve, reject, timer };
      transport.on('open', () => {
        this.lastReceived = Date.now();
        for (const line of server.handshake()) transport.writeLine(line);
      });
      transport.on('line', (raw: string) => this.onLine(transport, server, raw));
      transport.on('debug', (text: string) => this.ctx.log.debug({ text }, 'link socket'));
      transport.on('close', (error: Error | false) => this.onClose(transport, error));
      transport.connect();
    });
  }

  /** What the protocol gets for one connection. */
  private session(transport: IrcTransport): LinkSession {
    const link = this.link;
    return {
      config: this.config,
      log: this.ctx.log,
      state: link,
      events: this.events,
      send: (...lines) => {
        if (this.transport !== transport) return;
        this.writeJoins();
        for (const line of lines) transport.writeLine(line);
      },
      uplinkBurstDone: (uplink) => this.linked(transport, uplink),
      fail: (reason, fatal) => this.end(transport, reason, fatal),
      ownClientKilled: (user) => this.ownClientKilled(transport, user),
      ownClientKicked: (user, channel) => this.ownClientKicked(transport, user, channel),
      forceTag: (user, why, lostNick) => this.forceTag(transport, user, why, lostNick),
      ignored: (kind, line, detail) => this.ignored(kind, line, detail),
    };
  }

  private onLine(transport: IrcTransport, server: ServerProtocol, raw: string): void {
    if (this.transport !== transport) return;
    this.lastReceived = Date.now();
    const line = parseLinkLine(raw);
    if (!line) return this.ignored('malformed', { source: '', command: '?', params: [raw.slice(0, 200)] });
    try {
      server.handle(line);
    } catch (error) {
      this.ctx.log.error({ err: error, command: line.command }, 'could not handle a line from the linked server; ignored');
    }
  }

  /** Logs the first line of each kind the protocol cannot use; counts them all. */
  private ignored(kind: string, line: LinkLine, detail?: string): void {
    this.ignoredCount += 1;
    if (this.ignoredKinds.has(kind) || this.ignoredKinds.size >= 100) return;
    this.ignoredKinds.add(kind);
    this.ctx.log.warn({ kind, command: line.command, source: line.source, ...(detail === undefined ? {} : { detail: detail.slice(0, 200) }) },
      'a line from the linked server was ignored (further lines of this kind are ignored without a log line)');
  }

  /** The uplink's burst is done: ours (the service client in the wanted channels) follows. */
  private linked(transport: IrcTransport, uplink: string): void {
    if (this.transport !== transport || this.state !== 'connecting') return;
    if (!this.introduceService(transport)) return;
    this.state = 'connected';
    this.startPing(transport);
    const pending = this.pending;
    this.pending = undefined;
    if (pending) clearTimeout(pending.timer);
    this.ctx.log.info({ uplink, servers: this.link.serverCount(), users: this.link.userCount(), channels: this.link.channelCount() }, 'server link established');
    this.ctx.emit({ network: this.name, sender: this.name, command: 'ENDBURST', args: { server: this.name } });
    pending?.resolve();
  }

  /**
   * One of our clients was killed: the service client comes back at once (the link needs it in
   * the channels); a virtual client on its person's next message.
   */
  private ownClientKilled(transport: IrcTransport, user: LinkUser): void {
    if (this.transport !== transport) return;
    this.ctx.log.warn({ nick: user.nick }, 'one of the link\'s clients was killed; it comes back');
    if (user.uid !== this.service?.uid) return this.reviveVirtual(user);
    this.service = undefined;
    if (this.state === 'connected') this.introduceService(transport);
  }

  /**
   * A killed virtual client comes back at once (PyLink's rule; ngIRCd cannot turn a KILL into a
   * KICK) and rejoins the channels it was in, at most `REVIVALS.count` times per person within
   * `REVIVALS.windowMs` (against kill loops): past that it stays away until its person speaks.
   */
  private reviveVirtual(user: LinkUser): void {
    const remote = this.virtuals.remoteOf(user.uid);
    this.virtuals.remove(user.uid);
    if (!remote || this.state !== 'connected' || !this.revivals.allow(`${remote.network}\u0000${remote.id}`, Date.now())) return;
    const channels = [...user.channels].map((folded) => this.wantedName(folded)).filter((name) => name !== undefined);
    const clone = this.virtualFor(remote);
    if (clone) for (const channel of channels) this.joinOwn(clone, channel);
  }

  /**
   * The tagged nick of `remote`'s virtual client (the nick template, NICKLEN, `/` where the ircd
   * takes it) that `taken` does not refuse.
   */
  private tagNick(remote: UserRef, taken: (nick: string) => boolean): string | undefined {
    return allocateNick(this.config.nickTemplate, remote, this.link.support.nickLen, taken, this.server?.slashInNicks === true);
  }

  /** The name of the wanted channel whose folded name is `folded`. */
  private wantedName(folded: string): string | undefined {
    return [...this.wanted.keys()].find((name) => this.link.support.fold(name) === folded);
  }

  /**
   * One of our clients may not keep its nick (a collision, SAVE, SVSNICK): it takes the next
   * tagged nick of its person (the service client: the next `serviceNick` candidate), never the
   * nick the ircd asked for (PyLink's force-tagging).
   */
  private forceTag(transport: IrcTransport, user: LinkUser, why: string, lostNick?: string): void {
    const server = this.server;
    if (this.transport !== transport || !server || !this.link.user(user.uid)) return;
    const taken = (n: string): boolean => this.link.nickInUse(n) || (lostNick !== undefined && this.link.support.equal(n, lostNick));
    const remote = this.virtuals.remoteOf(user.uid);
    let nick: string | undefined;
    if (remote) {
      nick = this.tagNick(remote, taken);
    } else {
      for (let attempt = 1; attempt < 10 && nick === undefined; attempt++) {
        const candidate = nickCandidate(this.config.serviceNick, attempt, this.link.support.nickLen);
        if (!taken(candidate)) nick = candidate;
      }
    }
    if (nick === undefined) {
      this.ctx.log.warn({ nick: user.nick, why }, 'no free tagged nick for one of the link\'s clients; it quits');
      this.write(...server.quit(user, 'no free nick'));
      this.link.removeUser(user.uid);
      this.virtuals.remove(user.uid);
      return;
    }
    this.ctx.log.info({ nick: user.nick, newNick: nick, why }, 'one of the link\'s clients may not keep its nick: force-tagged');
    this.write(...server.nick(user, nick));
    this.link.changeNick(user.uid, nick);
  }

  /**
   * One of our clients was kicked: the service client rejoins a wanted channel after
   * `rejoinDelayMs` (the link hears a channel only through it); a virtual client rejoins with
   * its person's next message there.
   */
  private ownClientKicked(transport: IrcTransport, user: LinkUser, channel: string): void {
    if (user.uid !== this.service?.uid || !this.isWanted(channel)) return;
    this.ctx.log.warn({ channel }, 'the service client was kicked; it rejoins');
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      const service = this.service;
      if (this.transport !== transport || this.state !== 'connected' || !service || !this.isWanted(channel)) return;
      this.joinOwn(service, channel);
    }, this.config.rejoinDelayMs);
    this.timers.add(timer);
  }

  private isWanted(channel: string): boolean {
    return [...this.wanted.keys()].some((name) => this.link.support.equal(name, channel));
  }

  /** Introduces the service client and puts it in the wanted channels. */
  private introduceService(transport: IrcTransport): boolean {
    // Someone holding the nick must not keep the link down: `nick_`, `nick__`, then digits.
    let service: LinkUser | undefined;
    for (let attempt = 0; attempt < 10 && !service; attempt++) {
      const nick = nickCandidate(this.config.serviceNick, attempt, this.link.support.nickLen);
      service = this.addOwnUser(nick, 'switchboard', this.config.serverName, this.config.description);
    }
    if (!service) {
      this.end(transport, `no free nick for the service client (${this.config.serviceNick})`, false);
      return false;
    }
    if (service.nick !== this.config.serviceNick) this.ctx.log.warn({ wanted: this.config.serviceNick, nick: service.nick }, 'the service nick is taken; the service client uses another');
    this.service = service;
    this.write(...this.requireServer().introduce(service));
    for (const channel of this.wanted.values()) this.joinOwn(service, channel.name ?? channel.id);
    return true;
  }

  /** Ends the connection for `reason` (the protocol's or ours); the close reports it. */
  private end(transport: IrcTransport, reason: string, fatal: boolean): void {
    if (this.transport !== transport) return;
    this.ending ??= { reason, fatal };
    transport.close(true);
  }

  private onClose(transport: IrcTransport, error: Error | false): void {
    if (this.transport !== transport) return;
    this.transport = undefined;
    this.server = undefined;
    this.stopPing();
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    const reason = this.ending?.reason ?? (error ? `connection error: ${error.message}` : 'the linked server closed the connection');
    const fatal = this.ending?.fatal === true;
    const wasConnected = this.state === 'connected';
    if (this.state !== 'stopped') this.state = 'idle';
    this.link.clear();
    this.virtuals.clear();
    this.pendingJoins = new Map();
    this.service = undefined;
    const pending = this.pending;
    this.pending = undefined;
    if (pending) {
      clearTimeout(pending.timer);
      pending.reject(Object.assign(new Error(`${this.name}: ${reason}`), fatal ? { fatal: true } : {}));
      return;
    }
    if (!wasConnected) return;
    this.ctx.log.warn({ reason, fatal }, 'server link lost');
    this.ctx.connectionLost({ wasSuccessful: true, reason, ...(fatal ? { fatal } : {}) });
  }

  private startPing(transport: IrcTransport): void {
    this.stopPing();
    const intervalMs = this.config.pingIntervalSec * 1000;
    this.pingTimer = setInterval(() => {
      if (Date.now() - this.lastReceived > 2 * intervalMs) return this.end(transport, `no answer from the linked server for ${2 * this.config.pingIntervalSec} s`, false);
      if (this.server) this.write(this.server.ping());
    }, intervalMs);
    this.pingTimer.unref();
  }

  private stopPing(): void {
    if (this.pingTimer) clearInterval(this.pingTimer);
    this.pingTimer = undefined;
  }

  async disconnect(options: { readonly deadlineMs?: number; readonly reason?: string } = {}): Promise<void> {
    const transport = this.transport;
    const server = this.server;
    this.state = 'stopped';
    this.stopPing();
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    if (!transport) return;
    this.ending ??= { reason: 'disconnected', fatal: false };
    const closed = new Promise<void>((resolve) => transport.once('close', () => resolve()));
    if (server && transport.isConnected()) {
      this.writeJoins();
      for (const line of server.goodbye(stripControls(options.reason ?? 'Switchboard shutting down'))) transport.writeLine(line);
    }
    transport.close(false);
    const grace = setTimeout(() => transport.close(true), Math.min(GOODBYE_GRACE_MS, options.deadlineMs ?? GOODBYE_GRACE_MS));
    await closed;
    clearTimeout(grace);
  }

  // --- our clients --------------------------------------------------------------------------

  private requireServer(): ServerProtocol {
    if (!this.server || this.state === 'stopped') throw new Error(`${this.name}: not linked`);
    return this.server;
  }

  private write(...lines: string[]): void {
    this.writeJoins();
    for (const line of lines) this.transport?.writeLine(line);
  }

  /** Writes the lines that introduce a new client of ours: they may go out before the pending joins. */
  private writeIntroduction(lines: readonly string[]): void {
    for (const line of lines) this.transport?.writeLine(line);
  }

  /** Puts `user` in `channel` on the network: at once, or with the other joins of this turn (`joinMany`). */
  private writeJoin(server: ServerProtocol, user: LinkUser, channel: string): void {
    if (!server.joinMany) return this.write(...server.join(user, channel));
    const users = this.pendingJoins.get(channel);
    if (users) users.push(user);
    else this.pendingJoins.set(channel, [user]);
    // Many joins in one turn go out as they fill lines' worth, not all at its end.
    if ((users?.length ?? 1) >= MAX_PENDING_JOINS) return this.writeJoins();
    if (this.joinsScheduled) return;
    this.joinsScheduled = true;
    process.nextTick(() => {
      this.joinsScheduled = false;
      this.writeJoins();
    });
  }

  /** Writes the pending joins (`writeJoin`), channel by channel in the order they came. */
  private writeJoins(): void {
    if (this.pendingJoins.size === 0) return;
    const pending = this.pendingJoins;
    this.pendingJoins = new Map();
    const server = this.server;
    if (!server?.joinMany) return;
    for (const [channel, users] of pending) for (const line of server.joinMany(users, channel)) this.transport?.writeLine(line);
  }

  /** Adds one of our clients to the state (not yet introduced); undefined when the nick is taken. */
  private addOwnUser(nick: string, ident: string, host: string, realName: string): LinkUser | undefined {
    const user: LinkUser = {
      uid: this.requireServer().newUid(), nick, ident, host, realName, server: this.config.serverName.toLowerCase(),
      modes: NO_MODES, signonTs: Date.now(), channels: new Set(), own: true,
    };
    return this.link.addUser(user) ? user : undefined;
  }

  /** Puts one of our clients in a channel (once). */
  private joinOwn(user: LinkUser, channel: string): void {
    if (this.link.channel(channel)?.members.has(user.uid)) return;
    if (!this.link.join(channel, user.uid)) throw new Error(`${this.name}: cannot join ${channel}`);
    this.writeJoin(this.requireServer(), user, channel);
    const remote = this.virtuals.remoteOf(user.uid);
    if (remote) this.applyPrefixes(user, remote, channel, []);
  }

  /**
   * Brings the prefix modes of `remote`'s virtual client `user` in `channel` (where it is) from
   * what the relay wanted `before` to what it wants now (our server sets them, a few per line);
   * nothing when it holds them already. Modes people gave it on the ircd are left alone.
   */
  private applyPrefixes(user: LinkUser, remote: UserRef, channel: string, before: readonly string[]): void {
    const state = this.link.channel(channel);
    const held = state?.members.get(user.uid);
    const server = this.server;
    if (!state || !held || !server) return;
    const wanted = this.prefixes.get(remote, this.link.support.fold(channel));
    const changes = prefixChanges(held, before, wanted, user.nick, (m) => this.link.support.isPrefixMode(m));
    for (let i = 0; i < changes.length; i += MODES_PER_LINE) {
      const chunk = changes.slice(i, i + MODES_PER_LINE);
      this.write(...server.mode(undefined, state.name, modeString(chunk), chunk.map((c) => c.arg ?? '')));
    }
    this.link.applyChannelModes(state.name, changes);
  }

  /** The virtual client `remote` has on the link now, if any (never introduces one). */
  private virtualOf(remote: UserRef): LinkUser | undefined {
    const uid = this.virtuals.uidOf(remote);
    return uid === undefined ? undefined : this.link.user(uid);
  }

  /** Whether `remote` has a virtual client in channel `name` (one that a leave will part or quit). */
  private virtualIn(remote: UserRef, name: string): boolean {
    return this.virtualOf(remote)?.channels.has(this.link.support.fold(name)) === true;
  }

  /**
   * The virtual client of `remote`, introduced on first use with a tagged nick (PyLink's
   * `nick|net`), shortened to the ircd's NICKLEN so that the tag survives. Undefined when
   * `maxVirtualClients` are in use.
   */
  private virtualFor(remote: UserRef): LinkUser | undefined {
    const existing = this.virtuals.uidOf(remote);
    const known = existing === undefined ? undefined : this.link.user(existing);
    if (known) return known;
    if (existing !== undefined) this.virtuals.remove(existing);
    if (this.virtuals.size >= this.config.maxVirtualClients) {
      if (!this.warnedCap) this.ctx.log.warn({ max: this.config.maxVirtualClients }, 'maxVirtualClients reached: the service client speaks for further people');
      this.warnedCap = true;
      return undefined;
    }
    const nick = this.tagNick(remote, (n) => this.link.nickInUse(n));
    if (nick === undefined) throw new Error(`${this.name}: no free nick for ${remote.nick ?? remote.id}`);
    const user = this.addOwnUser(nick, identFor(remote), hostFor(remote, this.config.serverName), realNameFor(remote));
    if (!user) throw new Error(`${this.name}: no free nick for ${remote.nick ?? remote.id}`);
    this.virtuals.add(remote, user.uid);
    this.writeIntroduction(this.requireServer().introduce(user));
    return user;
  }

  /**
   * The person behind a virtual client left `channel` (Network.leave): the client parts it, or
   * quits when it is in no other channel (PyLink: a clone quits when its person left the last
   * shared channel). Nothing happens for someone without a virtual client.
   */
  async leave(channel: ChannelRef, remote: UserRef, reason: string, quit: boolean): Promise<void> {
    const folded = this.link.support.fold(channel.name ?? channel.id);
    if (quit) this.prefixes.forget(remote);
    else this.prefixes.forget(remote, folded);
    const user = this.virtualOf(remote);
    if (!user || !this.server || this.state !== 'connected') return;
    const text = stripControls(reason);
    if ([...user.channels].every((c) => c === folded)) {
      this.write(...this.server.quit(user, text || (quit ? 'Quit' : 'Left')));
      this.link.removeUser(user.uid);
      this.virtuals.remove(user.uid);
    } else if (user.channels.has(folded)) {
      const name = this.link.channel(channel.name ?? channel.id)?.name ?? channel.name ?? channel.id;
      this.write(...this.server.part(user, name, text));
      this.link.part(name, user.uid);
    }
  }

  /**
   * A remote person's change shown natively (Network.puppetChange): their virtual client JOINs
   * (introduced if needed), changes NICK (re-tagged from the new name; keeps its uid and channels),
   * sets the TOPIC or KICKs (introduced and joined first, as when they speak). False when it cannot
   * be shown here (not linked, not a channel, no virtual client for a rename, the kicked person not
   * in the channel, maxVirtualClients reached): the relay falls back to a notice.
   */
  async puppetChange(channel: ChannelRef, remote: UserRef, change: PuppetChange): Promise<boolean> {
    const server = this.server;
    const name = channel.name ?? channel.id;
    if (this.state !== 'connected' || !server || !this.link.support.isChannel(name)) return false;
    if (change.kind === 'nick') return this.renameVirtual(remote, change.user);
    // Away and typing are not shown by virtual clients (yet): never introduce one for them.
    if (change.kind === 'away' || change.kind === 'typing') return false;
    if (change.kind === 'prefix') {
      // Kept for when the client joins; never introduces one by itself.
      const folded = this.link.support.fold(name);
      const before = this.prefixes.get(remote, folded);
      this.prefixes.set(remote, folded, change.modes.filter((m) => /^[A-Za-z]$/.test(m)));
      const user = this.virtualOf(remote);
      if (user) this.applyPrefixes(user, remote, name, before);
      return true;
    }
    // The leave job that follows parts or quits their virtual client: nothing to send here.
    if (change.kind === 'leave') return this.virtualIn(remote, name);
    const actor = this.virtualFor(remote);
    if (!actor) return false;
    this.joinOwn(actor, name);
    const here = this.link.channel(name)?.name ?? name;
    switch (change.kind) {
      case 'join':
        return true;
      case 'topic': {
        const text = stripControls(change.text);
        this.write(...server.topic(actor, here, text));
        const state = this.link.channel(here);
        if (state) state.topic = text;
        return true;
      }
      case 'kick': {
        const target = this.localOrVirtual(change.target);
        if (!target || !this.link.channel(here)?.members.has(target.uid) || target.uid === this.service?.uid) return false;
        this.write(...server.kick(actor, here, target, stripControls(change.reason)));
        this.link.part(here, target.uid);
        return true;
      }
    }
  }

  /**
   * Undoes a change the bridge refuses (Network.restoreChannel): the topic is set back by the
   * service client, the modes by our server (a few changes per line, as ngIRCd's MODES allows).
   */
  async restoreChannel(channel: ChannelRef, what: ChannelRestore): Promise<boolean> {
    const server = this.server;
    const state = this.link.channel(channel.name ?? channel.id);
    if (this.state !== 'connected' || !server || !state) return false;
    if ('topic' in what) {
      const service = this.service;
      if (!service || !state.members.has(service.uid)) return false;
      const text = stripControls(what.topic);
      this.write(...server.topic(service, state.name, text));
      state.topic = text;
      return true;
    }
    const changes = what.modes.filter((c) => /^[+-][A-Za-z]$/.test(c.mode) && (c.arg === undefined || /^[^\s:,][^\s,]*$/.test(c.arg)));
    for (let i = 0; i < changes.length; i += MODES_PER_LINE) {
      const chunk = changes.slice(i, i + MODES_PER_LINE);
      this.write(...server.mode(undefined, state.name, modeString(chunk), chunk.flatMap((c) => (c.arg === undefined ? [] : [c.arg]))));
    }
    this.link.applyChannelModes(state.name, changes);
    return changes.length > 0;
  }

  /** Every virtual client of a person of `network` quits (that network's connection was lost: Network.leaveAll). */
  async leaveAll(network: string, reason: string): Promise<void> {
    this.prefixes.forgetNetwork(network);
    const server = this.server;
    if (!server || this.state !== 'connected') return;
    for (const [remote, uid] of this.virtuals.entries()) {
      const user = this.link.user(uid);
      if (remote.network !== network) continue;
      if (user) this.write(...server.quit(user, stripControls(reason)));
      this.link.removeUser(uid);
      this.virtuals.remove(uid);
    }
  }

  /** The remote person one of our virtual clients stands for (Network.puppetOf). */
  puppetOf(user: UserRef): UserRef | undefined {
    if (user.network !== this.name) return undefined;
    const found = this.link.userByNick(user.nick ?? user.id);
    return found?.own ? this.virtuals.remoteOf(found.uid) : undefined;
  }

  /** `ref` as a user on the link: a remote person's virtual client, or a user of this network. */
  private localOrVirtual(ref: UserRef): LinkUser | undefined {
    const uid = this.virtuals.uidOf(ref);
    if (uid !== undefined) return this.link.user(uid);
    return ref.network === this.name ? this.link.userByNick(ref.nick ?? ref.id) : undefined;
  }

  /**
   * The person behind a virtual client is now `renamed`: the client takes the nick the template
   * gives the new name (NICK, not a quit and a new client) and answers for `renamed` from now on.
   */
  private renameVirtual(before: UserRef, renamed: UserRef): boolean {
    const user = this.virtualOf(before);
    const server = this.server;
    if (!user || !server) return false;
    const nick = this.tagNick(renamed, (n) => this.link.nickInUse(n) && this.link.userByNick(n)?.uid !== user.uid);
    if (nick === undefined) return false;
    if (nick !== user.nick) {
      this.write(...server.nick(user, nick));
      this.link.changeNick(user.uid, nick);
    }
    this.virtuals.remove(user.uid);
    this.virtuals.add(renamed, user.uid);
    this.prefixes.rename(before, renamed);
    return true;
  }

  // --- Network ------------------------------------------------------------------------------

  async send(message: OutgoingMessage): Promise<SendResult> {
    if (this.state !== 'connected' || !this.service) throw new Error(`${this.name}: not linked`);
    const server = this.requireServer();
    let sender = this.service;
    let attribution = message.attribution ?? [];
    if (message.asUser) {
      const virtual = this.virtualFor(message.asUser);
      if (virtual) sender = virtual;
      else attribution = [{ type: 'text', text: fillIdentity('<{nick}> ', message.asUser) }, ...attribution];
    }
    const target = 'channel' in message.target
      ? message.target.channel.name ?? message.target.channel.id
      : message.target.user.nick ?? message.target.user.id;
    if ('channel' in message.target) {
      if (!this.link.support.isChannel(target)) throw new Error(`${this.name}: not a channel: ${JSON.stringify(target)}`);
      this.joinOwn(sender, target);
    }
    const texts = renderLinkMessage({ ...message, attribution }, { sender, target, lineLength: this.link.support.lineLen, maxLines: this.config.maxLines });
    const lines = texts.filter((text) => text !== '').map((text) => server.message(sender, target, message.kind === 'notice', text));
    this.write(...lines);
    return { ids: lines.map(() => this.ids.next()) };
  }

  queueDepth(): number {
    return 0;
  }

  async join(channel: ChannelRef): Promise<void> {
    this.wanted.set(channel.name ?? channel.id, channel);
    if (this.state === 'connected' && this.service) this.joinOwn(this.service, channel.name ?? channel.id);
  }

  async part(channel: ChannelRef, reason?: string): Promise<void> {
    const name = channel.name ?? channel.id;
    this.wanted.delete(name);
    if (this.state !== 'connected' || !this.server) return;
    for (const { user } of this.link.members(name)) {
      if (!user.own) continue;
      this.write(...this.server.part(user, name, stripControls(reason ?? '')));
      this.link.part(name, user.uid);
    }
  }

  /** The channel's members other than our own clients. */
  members(channel: ChannelRef): readonly UserRef[] {
    return this.link.members(channel.name ?? channel.id).filter((m) => !m.user.own).map((m) => this.events.userRef(m.user));
  }

  botUser(channel: ChannelRef): UserRef | undefined {
    const service = this.service;
    if (!service || !this.link.channel(channel.name ?? channel.id)?.members.has(service.uid)) return undefined;
    // Asked for every event the relay handles: one ref while the service client stays as it is.
    const cached = this.serviceRef;
    if (cached?.user === service && cached.nick === service.nick && cached.ident === service.ident && cached.host === service.host
      && cached.realName === service.realName && cached.account === service.account) return cached.ref;
    const ref = this.events.userRef(service);
    this.serviceRef = { user: service, nick: service.nick, ident: service.ident, host: service.host, realName: service.realName, account: service.account, ref };
    return ref;
  }

  isModerator(channel: ChannelRef, user: UserRef): boolean | undefined {
    const name = channel.name ?? channel.id;
    const state = this.link.channel(name);
    if (!state) return undefined;
    const member = this.link.userByNick(user.nick ?? user.id);
    const modes = member && state.members.get(member.uid);
    return modes !== undefined && isOperator(modes);
  }

  /** Half-operators and above are `op`, voiced members `voice`; undefined for someone not in the channel. */
  memberStatus(channel: ChannelRef, user: UserRef): MemberStatus | undefined {
    const state = this.link.channel(channel.name ?? channel.id);
    const member = state && this.link.userByNick(user.nick ?? user.id);
    const modes = member && state.members.get(member.uid);
    if (!modes) return undefined;
    if (isOperator(modes)) return 'op';
    return modes.has('v') ? 'voice' : 'none';
  }
}

/** The prefix modes of half-operators and above. */
const OPERATOR_MODES = ['h', 'o', 'a', 'q'] as const;

/** true when a member's prefix modes make them a half-operator or above (asked for every join the relay carries). */
function isOperator(modes: ReadonlySet<string>): boolean {
  if (modes.size === 0) return false;
  for (const mode of OPERATOR_MODES) if (modes.has(mode)) return true;
  return false;
}

/** `+o-v+b` for a list of changes (the sign repeated only where it changes). */
function modeString(changes: readonly { readonly mode: string }[]): string {
  let out = '';
  let sign = '';
  for (const { mode } of changes) {
    if (mode[0] !== sign) out += (sign = mode[0] ?? '+');
    out += mode.slice(1);
  }
  return out;
}

/** Text for a trailing parameter: no CR, LF or NUL. */
function stripControls(text: string): string {
  return text.replace(/[\r\n\0]+/g, ' ');
}
