/**
 * The IRC network adapter: one bot connection (irc-framework) that joins the wanted channels,
 * turns what it sees into catalog events (inbound.ts) and sends messages through a
 * flood-controlled queue (queue.ts), rendered and split for IRC (format-render.ts, split.ts).
 *
 * Lifecycle (see core/network.ts): `connect()` resolves after registration and the joins, just
 * after ENDBURST is emitted; it rejects when the attempt fails (and then does not call
 * `connectionLost`). A connection that drops later is reported once through
 * `ctx.connectionLost` and the hub calls `connect()` again; irc-framework's own reconnect is off.
 * Lines still queued stay queued across a reconnect and are sent, in order, once connected.
 */
import { randomBytes } from 'node:crypto';
import { Client, type ParsedLine } from 'irc-framework';
import type {
  ModerationActions, Network, NetworkCapabilities, NetworkContext, OutgoingMessage, SendResult,
} from '../../core/network.js';
import { SendRefusedError } from '../../core/network.js';
import { raceDeadline } from '../../core/deadline.js';
import type { ChannelRef, UserRef } from '../../core/refs.js';
import type { IrcConfig } from './config.js';
import { ServerSupport } from './isupport.js';
import { MemberTracker } from './members.js';
import { InboundMapper, type InboundIssue } from './inbound.js';
import { OutgoingQueue } from './queue.js';
import { messageBudget } from './split.js';
import { sanitizeRunText } from './runs.js';
import { attributedText, type Content } from './attributed-text.js';
import { plainText } from '../../core/richtext-ops.js';
import { LongMessages, type LongMessage } from './long-messages.js';
import { SendOrder } from './send-order.js';
import { renderIrcLine } from './format-render.js';
import { nickCandidate } from './nick.js';
import { NickReclaimer } from './nick-reclaim.js';
import { ircConnectOptions } from './connect-options.js';
import { PuppetPool } from './puppet-pool.js';
import { fillIdentity } from './puppet-nick.js';
import { FATAL_NUMERICS, JOIN_COST, JOIN_ERRORS, JOIN_TIMEOUT_MS, safeParam } from './protocol.js';
import { DEFAULT_JOIN_TARGETS, joinLines, safeJoinName, type JoinTarget } from './join-batch.js';
import { lineForConnection, RELAYED_TAG, withClientTags } from './tags.js';
import { parseSendRefusal, RefusedChannels } from './refused.js';
import { PeerBridges } from './peer-bridges.js';

/** How long QUIT may take before the socket is closed anyway. */
const QUIT_GRACE_MS = 2_000;
/** How long after a channel refused a message one send is let through again (refused.ts). */
const REFUSAL_RETRY_MS = 60_000;
/** How long such a probe must go unrefused before the channel counts as taking messages again. */
const REFUSAL_QUIET_MS = 30_000;

type State = 'idle' | 'connecting' | 'connected' | 'stopped';

/** A message split for one target, before its lines are cut to `maxLines` (or pasted). */
interface Draft extends LongMessage {
  /** Turns the texts to send into protocol lines (attribution, command, target, ACTION, tags). */
  format(texts: readonly string[]): string[];
}


interface PendingJoin {
  resolve(): void;
  reject(error: Error): void;
}

export class IrcNetwork implements Network {
  readonly protocol = 'irc';
  readonly capabilities: NetworkCapabilities;
  readonly moderation: ModerationActions = {
    kick: (channel, user, reason) => this.kick(channel, user, reason),
    ban: (channel, user, reason) => this.ban(channel, user, reason),
  };

  private state: State = 'idle';
  private client: Client | undefined;
  private support = new ServerSupport();
  private tracker = new MemberTracker(this.support);
  private readonly queue: OutgoingQueue;
  private nick: string;
  private ownUser: string | undefined;
  private ownHost: string | undefined;
  private counter = 0;
  /** Random per run, so that ids minted after a restart never repeat earlier ones. */
  private readonly runId = randomBytes(6).toString('hex');
  private readonly extraChannels = new Map<string, ChannelRef>();
  private readonly partedChannels = new Set<string>();
  private readonly pendingJoins = new Map<string, PendingJoin[]>();
  private readonly timers = new Set<NodeJS.Timeout>();
  /** The puppets, in `mode: puppets`. */
  private readonly puppets: PuppetPool | undefined;
  /** Gets the configured nick back after a fallback. */
  private readonly reclaimer: NickReclaimer;
  /** Channels that answered a message with a refusal (+m, a ban, ...): sends to them reject. */
  private readonly refusals = new RefusedChannels({ retryAfterMs: REFUSAL_RETRY_MS, quietAfterMs: REFUSAL_QUIET_MS });
  /** Messages longer than `maxLines`: pasted (`paste` option) or truncated. */
  private readonly longMessages: LongMessages;
  /** Keeps sends to a target in order while one of them waits for a paste upload. */
  private readonly sendOrder = new SendOrder();
  private readonly peerBridges: PeerBridges;
  /** Inbound issues logged at their first level already (later ones go to debug). */
  private readonly issuesSeen = new Set<InboundIssue>();

  constructor(private readonly ctx: NetworkContext, private readonly config: IrcConfig) {
    this.nick = config.nick;
    this.peerBridges = new PeerBridges(config.peerBridges);
    this.queue = new OutgoingQueue(config.flood, (line) => this.writeNow(line));
    this.longMessages = new LongMessages({ log: ctx.log, ...(ctx.egress ? { egress: ctx.egress } : {}), ...(config.paste ? { paste: config.paste } : {}) });
    this.reclaimer = new NickReclaimer({
      wanted: config.nick,
      intervalMs: config.nickReclaimSec * 1000,
      support: () => this.support,
      currentNick: () => this.nick,
      send: (line) => void this.queue.enqueueControl(line),
    });
    this.capabilities = {
      edits: false, deletes: false, reactions: false, replies: false, threads: false, attachments: false, typing: false,
      formatting: 'irc', maxMessageBytes: 400, puppets: config.mode === 'puppets',
    };
    this.puppets = config.mode === 'puppets'
      ? new PuppetPool({ config, log: ctx.log, support: () => this.support, channelKey: (channel) => this.channelKey(channel) })
      : undefined;
  }

  get name(): string {
    return this.ctx.name;
  }

  /** The bot's current nick. */
  currentNick(): string {
    return this.nick;
  }

  // --- lifecycle ----------------------------------------------------------------------------

  connect(): Promise<void> {
    if (this.state === 'connecting' || this.state === 'connected') return Promise.reject(new Error(`${this.name}: already ${this.state}`));
    this.state = 'connecting';
    this.queue.pause();
    this.queue.discardControl();
    this.support = new ServerSupport();
    this.tracker = new MemberTracker(this.support);
    this.nick = this.config.nick;
    this.ownUser = undefined;
    this.ownHost = undefined;
    this.refusals.clearAll();
    const client = new Client();
    this.client = client;
    const mapper = this.createMapper();
    let settled = false;
    let registered = false;
    let nickAttempt = 0;
    let nickMax = 30;
    let closeReason = 'connection closed';
    let fatal = false;

    return new Promise<void>((resolve, reject) => {
      const timeout = setTimeout(() => fail(new Error(`${this.name}: no registration within ${this.config.connectTimeoutMs} ms`)), this.config.connectTimeoutMs);
      const fail = (error: Error): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timeout);
        this.state = 'idle';
        this.client = undefined;
        this.queue.pause();
        this.queue.discardControl();
        client.connection.end(undefined, true);
        reject(error);
      };
      const succeed = (): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timeout);
        this.state = 'connected';
        this.queue.resume();
        if (this.config.nickReclaimSec > 0) this.reclaimer.start();
        this.ctx.emit({ network: this.name, sender: this.name, command: 'ENDBURST', args: { server: this.name } });
        resolve();
      };

      client.connection.on('message', (line: ParsedLine) => {
        if (this.client !== client) return;
        if (!registered && (line.command === '433' || line.command === '432' || line.command === '436')) {
          if (line.command === '432') nickMax = Math.min(nickMax, 9);
          else nickAttempt++;
          const next = nickCandidate(this.config.nick, nickAttempt, nickMax);
          this.ctx.log.info({ taken: line.params[1], next }, 'nick unavailable, trying another');
          client.changeNick(next);
          return;
        }
        if (FATAL_NUMERICS.has(line.command)) {
          fatal = true;
          closeReason = `${line.command} ${line.params[line.params.length - 1] ?? ''}`.trim();
        }
        if (line.command === 'ERROR') closeReason = line.params[0] ?? closeReason;
        this.onLine(line, mapper);
      });
      client.connection.on('decode fallback', (text: string) => {
        this.ctx.log.warn({ sample: text.slice(0, 80) }, 'received invalid UTF-8; decoding such lines as latin-1');
      });
      client.on('sasl failed', (event: { reason?: string; message?: string }) => {
        fatal = true;
        closeReason = `SASL failed: ${event.message ?? event.reason ?? 'unknown reason'}`;
        fail(Object.assign(new Error(`${this.name}: ${closeReason}`), { fatal: true }));
      });
      client.on('registered', () => {
        if (this.client !== client) return;
        registered = true;
        this.queue.resume('control');
        this.afterRegistration().then(succeed, (error: unknown) => fail(error instanceof Error ? error : new Error(String(error))));
      });
      client.on('socket close', (error?: Error | false) => {
        if (this.client !== client) return;
        const reason = error ? `${closeReason} (${error.message})` : closeReason;
        if (!settled) {
          fail(Object.assign(new Error(`${this.name}: ${reason}`), { fatal }));
          return;
        }
        this.connectionEnded(reason, fatal);
      });
      client.connect(ircConnectOptions(this.config));
    });
  }

  private async afterRegistration(): Promise<void> {
    if (this.config.nickservPassword && !this.config.sasl) {
      void this.queue.enqueueControl(`PRIVMSG ${this.config.nickservNick} :IDENTIFY ${this.config.nickservPassword}`);
    }
    const results = await Promise.allSettled(this.joinMany(this.channelsToJoin()));
    results.forEach((result) => {
      if (result.status === 'rejected') this.ctx.log.warn({ err: (result.reason as Error).message }, 'could not join a channel');
    });
  }

  /** Called once when an established connection ends without disconnect(). */
  private connectionEnded(reason: string, fatal: boolean): void {
    if (this.state !== 'connected') return;
    this.state = 'idle';
    this.client = undefined;
    this.queue.pause();
    this.queue.discardControl();
    this.reclaimer.stop();
    void this.puppets?.closeAll('relay connection lost', 0);
    this.tracker.clear();
    this.clearTimers();
    this.rejectPendingJoins(new Error('connection lost'));
    this.ctx.log.warn({ reason, fatal }, 'connection lost');
    this.ctx.connectionLost({ wasSuccessful: true, reason, ...(fatal ? { fatal } : {}) });
  }

  async disconnect(options: { readonly deadlineMs?: number; readonly reason?: string } = {}): Promise<void> {
    const client = this.client;
    const wasConnected = this.state === 'connected';
    this.state = 'stopped';
    this.clearTimers();
    this.reclaimer.stop();
    const puppetsClosed = this.puppets?.closeAll(options.reason ?? 'Switchboard shutting down', options.deadlineMs ?? 5_000);
    if (!client) {
      await puppetsClosed;
      return;
    }
    if (wasConnected) {
      const deadline = Date.now() + (options.deadlineMs ?? 5_000);
      await this.pastesDone(deadline - Date.now());
      await this.queue.drain(Math.max(0, deadline - Date.now()));
    }
    this.queue.pause();
    const dropped = this.queue.discard();
    if (dropped > 0) this.ctx.log.warn({ dropped }, 'lines still queued at disconnect were dropped');
    this.client = undefined;
    this.rejectPendingJoins(new Error('disconnected'));
    await new Promise<void>((resolve) => {
      const force = setTimeout(() => {
        client.connection.end(undefined, true);
        resolve();
      }, QUIT_GRACE_MS);
      client.once('socket close', () => {
        clearTimeout(force);
        resolve();
      });
      if (client.connected) client.quit(renderIrcLine([{ type: 'text', text: options.reason ?? 'Switchboard shutting down' }]));
      else client.connection.end(undefined, true);
    });
    this.tracker.clear();
    await puppetsClosed;
  }

  // --- inbound ------------------------------------------------------------------------------

  private createMapper(): InboundMapper {
    return new InboundMapper({
      network: this.name,
      support: this.support,
      members: this.tracker,
      ownNick: () => this.nick,
      isPuppet: (nick) => this.puppets?.isPuppet(nick) ?? false,
      emit: (event) => this.ctx.emit(event),
      mintId: () => this.mintId(),
      peerBridges: this.peerBridges,
      maxBodyBytes: this.config.maxBodyBytes,
      onIssue: (issue, context) => this.onInboundIssue(issue, context),
      own: {
        joined: (channel, user, host) => {
          this.ownUser = user;
          this.ownHost = host;
          this.refusals.clear(this.support.fold(channel));
          this.settleJoin(channel);
        },
        kicked: (channel, by, reason) => this.onKicked(channel, by, reason),
        nickChanged: (nick) => {
          this.nick = nick;
          this.reclaimer.nickChanged();
        },
        hostChanged: (user, host) => {
          this.ownUser = user;
          this.ownHost = host;
        },
      },
    });
  }

  /**
   * Logs an inbound issue: a STATUSMSG line always at debug; the first cut text (warning) and the
   * first ignored hop marker (info) once, later ones at debug.
   */
  private onInboundIssue(issue: InboundIssue, context: Readonly<Record<string, unknown>>): void {
    const first = !this.issuesSeen.has(issue);
    this.issuesSeen.add(issue);
    switch (issue) {
      case 'status-message':
        return this.ctx.log.debug(context, 'a message to channel members with a status (STATUSMSG) is not relayed');
      case 'truncated':
        if (first) return this.ctx.log.warn(context, 'a received message is longer than maxBodyBytes: cut, with a marker (further ones are logged at debug)');
        return this.ctx.log.debug(context, 'a received message is longer than maxBodyBytes: cut');
      case 'untrusted-hop-marker':
        if (first) return this.ctx.log.info(context, 'a message carries the hop marker but its sender is not in peerBridges: treated as an ordinary message (further ones are logged at debug)');
        return this.ctx.log.debug(context, 'hop marker from someone not in peerBridges ignored');
    }
  }

  private onLine(line: ParsedLine, mapper: InboundMapper): void {
    this.trackRefusals(line);
    if (line.command === '001') this.nick = line.params[0] ?? this.nick;
    else if (line.command === '005') this.support.update(line.params.slice(1, -1));
    else if (JOIN_ERRORS.has(line.command) && line.params[1]) {
      const channel = line.params[1];
      const reason = line.params[2] ?? line.command;
      this.ctx.log.warn({ channel, numeric: line.command, reason }, 'join refused');
      this.settleJoin(channel, new Error(`${channel}: ${reason} (${line.command})`));
    }
    this.reclaimer.handle(line);
    try {
      mapper.handle(line);
    } catch (error) {
      this.ctx.log.error({ err: error, command: line.command }, 'could not handle a line from the server');
    }
  }

  /**
   * Keeps `refusals` up to date: a refusal numeric for a channel (not an answer to a JOIN under
   * way) records it, logged once per refusal; a MODE in the channel may have lifted it.
   */
  private trackRefusals(line: ParsedLine): void {
    if (line.command === 'MODE' && line.params[0] && this.support.isChannel(line.params[0])) {
      this.refusals.clear(this.support.fold(line.params[0]));
      return;
    }
    const refusal = parseSendRefusal(line, (name) => this.support.isChannel(name));
    if (!refusal) return;
    const key = this.support.fold(refusal.channel);
    if (this.pendingJoins.has(key)) return;
    if (this.refusals.refused(key, refusal)) {
      this.ctx.log.warn({ channel: refusal.channel, numeric: refusal.numeric, reason: refusal.reason },
        'channel refuses our messages; sends to it fail until its modes change or the bot rejoins');
    }
  }

  private onKicked(channel: string, by: string, reason: string): void {
    this.ctx.log.warn({ channel, by, reason }, 'kicked from a channel');
    if (!this.config.rejoinAfterKick) return;
    const ref = this.channelsToJoin().find((c) => this.support.equal(c.name ?? c.id, channel) || this.support.equal(c.id, channel));
    if (!ref) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (this.state !== 'connected') return;
      this.joinNow(ref).catch((error: unknown) => this.ctx.log.warn({ channel, err: (error as Error).message }, 'rejoin after kick failed'));
    }, this.config.rejoinDelayMs);
    this.timers.add(timer);
  }

  // --- channels -----------------------------------------------------------------------------

  /** The channels to be in: the hub's wanted channels plus join() calls, minus part() calls. */
  private channelsToJoin(): ChannelRef[] {
    const byKey = new Map<string, ChannelRef>();
    for (const channel of [...this.ctx.wantedChannels(), ...this.extraChannels.values()]) {
      if (channel.network !== this.name) continue;
      const key = this.support.fold(channel.id);
      if (!this.partedChannels.has(key) && !byKey.has(key)) byKey.set(key, channel);
    }
    return [...byKey.values()];
  }

  private channelKey(name: string): string | undefined {
    for (const [channel, key] of Object.entries(this.config.channelKeys)) if (this.support.equal(channel, name)) return key;
    return undefined;
  }

  private joinNow(channel: ChannelRef): Promise<void> {
    return this.joinMany([channel])[0] as Promise<void>;
  }

  /**
   * Joins `channels` with as few JOIN lines as fit (join-batch.ts); one promise per channel,
   * in order, settled by that channel's own JOIN echo, refusal numeric or timeout.
   */
  private joinMany(channels: readonly ChannelRef[]): Promise<void>[] {
    const targets: JoinTarget[] = [];
    const expected = new Map<string, (sent: boolean) => void>();
    const joins = channels.map((channel) => {
      const name = channel.name ?? channel.id;
      if (!safeJoinName(name) || !this.support.isChannel(name)) return Promise.reject(new Error(`not a channel name: ${JSON.stringify(name)}`));
      const { joined, written } = this.expectJoin(name);
      targets.push({ name, key: this.channelKey(name) });
      expected.set(name, written);
      return joined;
    });
    const limits = { maxBytes: this.support.lineLen - 2, maxTargets: this.support.joinTargets ?? DEFAULT_JOIN_TARGETS };
    for (const { line, channels: names } of joinLines(targets, limits)) {
      void this.queue.enqueueControl(line, JOIN_COST).then((sent) => {
        for (const name of names) expected.get(name)?.(sent);
      });
    }
    return joins;
  }

  /** Registers a wait for the JOIN of `name`; call `written` once its JOIN line was written (or dropped). */
  private expectJoin(name: string): { readonly joined: Promise<void>; written(sent: boolean): void } {
    const folded = this.support.fold(name);
    let timer: NodeJS.Timeout | undefined;
    const stopTimer = (): void => {
      clearTimeout(timer);
      if (timer) this.timers.delete(timer);
    };
    const joined = new Promise<void>((resolve, reject) => {
      const waiters = this.pendingJoins.get(folded) ?? [];
      waiters.push({
        resolve: () => { stopTimer(); resolve(); },
        reject: (error) => { stopTimer(); reject(error); },
      });
      this.pendingJoins.set(folded, waiters);
    });
    const written = (sent: boolean): void => {
      if (!sent) {
        this.settleJoin(name, new Error(`${name}: JOIN not sent (connection gone)`));
        return;
      }
      if (!this.pendingJoins.has(folded)) return;
      timer = setTimeout(() => {
        this.timers.delete(timer as NodeJS.Timeout);
        this.settleJoin(name, new Error(`${name}: no answer to JOIN within ${JOIN_TIMEOUT_MS} ms`));
      }, JOIN_TIMEOUT_MS);
      this.timers.add(timer);
    };
    return { joined, written };
  }

  private settleJoin(channel: string, error?: Error): void {
    const folded = this.support.fold(channel);
    const waiters = this.pendingJoins.get(folded) ?? [];
    this.pendingJoins.delete(folded);
    for (const waiter of waiters) {
      if (error) waiter.reject(error);
      else waiter.resolve();
    }
  }

  private rejectPendingJoins(error: Error): void {
    for (const key of [...this.pendingJoins.keys()]) this.settleJoin(key, error);
  }

  async join(channel: ChannelRef): Promise<void> {
    if (channel.network !== this.name) throw new Error(`${this.name}: cannot join a channel of network ${channel.network}`);
    const key = this.support.fold(channel.id);
    this.extraChannels.set(key, channel);
    this.partedChannels.delete(key);
    if (this.state === 'connected' && !this.tracker.channel(channel.name ?? channel.id)) await this.joinNow(channel);
  }

  async part(channel: ChannelRef, reason?: string): Promise<void> {
    const key = this.support.fold(channel.id);
    this.extraChannels.delete(key);
    this.partedChannels.add(key);
    const name = channel.name ?? channel.id;
    this.refusals.clear(this.support.fold(name));
    if (this.state !== 'connected' || !this.tracker.channel(name)) return;
    const text = reason ? renderIrcLine([{ type: 'text', text: reason }]) : '';
    this.tracker.removeChannel(name);
    await this.queue.enqueueControl(text ? `PART ${name} :${text}` : `PART ${name}`);
  }

  members(channel: ChannelRef): readonly UserRef[] {
    const members = this.tracker.members(channel.name ?? channel.id).filter((member) => !this.puppets?.isPuppet(member.nick));
    return members.map((member) => ({
      network: this.name,
      id: this.support.fold(member.nick),
      nick: member.nick,
      ...(member.user && member.host ? { host: `${member.user}@${member.host}` } : {}),
      ...(member.account ? { account: member.account } : {}),
    }));
  }

  /** A channel operator (or half-operator and above: modes h, o, a, q) is; others are not. */
  isModerator(channel: ChannelRef, user: UserRef): boolean | undefined {
    const name = channel.name ?? channel.id;
    if (!this.tracker.channel(name)) return undefined;
    const member = this.tracker.member(name, user.nick ?? user.id);
    return member !== undefined && ['h', 'o', 'a', 'q'].some((mode) => member.modes.has(mode));
  }

  /** The bot as it appears in `channel`; undefined when it is not in it. */
  botUser(channel: ChannelRef): UserRef | undefined {
    if (this.state !== 'connected' || !this.tracker.member(channel.name ?? channel.id, this.nick)) return undefined;
    return {
      network: this.name,
      id: this.support.fold(this.nick),
      nick: this.nick,
      ...(this.ownUser && this.ownHost ? { host: `${this.ownUser}@${this.ownHost}` } : {}),
    };
  }

  // --- outbound -----------------------------------------------------------------------------

  /**
   * Renders, splits and queues a message. Resolves once the lines are queued (not yet
   * written) with one minted id per IRC line, in order; rejects when not connected, when
   * the target is not a valid IRC target, or when the target channel refused our last message
   * (moderated, banned: see refused.ts). With `relayed`, each line carries the hop marker tag
   * where the connection can carry it.
   */
  async send(message: OutgoingMessage): Promise<SendResult> {
    if (this.state !== 'connected') throw new Error(`${this.name}: not connected`);
    const target = 'channel' in message.target
      ? message.target.channel.name ?? message.target.channel.id
      : message.target.user.nick ?? message.target.user.id;
    if (!safeParam(target)) throw new Error(`${this.name}: invalid IRC target ${JSON.stringify(target)}`);
    const refusal = 'channel' in message.target ? this.refusals.current(this.support.fold(target)) : undefined;
    if (refusal) throw new SendRefusedError(`${this.name}: ${refusal.channel} refuses our messages: ${refusal.reason} (${refusal.numeric})`);
    const body = [...message.body];
    for (const attachment of message.attachments ?? []) {
      if (attachment.url) body.push({ type: 'text', text: `\n${attachment.name}: ${attachment.url}` });
    }
    let content: Content = { attribution: message.attribution ?? [], body };
    if (this.puppets && message.asUser) {
      const sent = await this.sendAsPuppet(message, target, content);
      if (sent) return sent;
      const fallback = fillIdentity(this.config.puppets.fallbackIdentity, message.asUser);
      content = { attribution: [{ type: 'text', text: fallback }, ...content.attribution], body };
    }
    const key = this.support.fold(target);
    const draft = this.draft(message, target, content, { nick: this.nick, user: this.ownUser, host: this.ownHost });
    let written: Promise<boolean> | undefined;
    const lines = await this.queueLines(key, draft, (ready) => (written = this.queue.enqueue(key, ready)));
    return this.sendResult(lines, written);
  }

  /**
   * What a send returns: an id per line and, as its confirmation, the moment the lines were
   * written to the connection. IRC servers acknowledge nothing, so that is as close to
   * "delivered" as IRC gets; lines dropped unwritten (the connection was lost) reject it.
   */
  private sendResult(lines: readonly string[], written: Promise<boolean> | undefined): SendResult {
    const ids = lines.map(() => this.mintId());
    if (written === undefined) return { ids };
    const confirmed = written.then((ok) => {
      if (!ok) throw new Error(`${this.name}: the connection was lost before the message was written`);
    });
    confirmed.catch(() => undefined);
    return { ids, confirmed };
  }

  /**
   * Renders and splits content for `target`, sent by `sender`: its first `maxLines` lines and
   * how many follow (the line limit is applied later). The attribution starts every line.
   */
  private draft(message: OutgoingMessage, target: string, content: Content, sender: { nick: string; user?: string; host?: string }): Draft {
    const command = message.kind === 'notice' ? 'NOTICE' : 'PRIVMSG';
    const action = message.kind === 'action';
    const budget = messageBudget({ lineLength: this.support.lineLen, ...sender, command, target, action });
    const tags = message.relayed === true ? [RELAYED_TAG] : [];
    const { lineStart, parts, hidden, maxBytes } = this.render(content, budget);
    return {
      parts,
      hidden,
      maxLines: this.config.maxLines,
      maxBytes,
      plainText: () => sanitizeRunText(plainText([...content.attribution, ...content.body])),
      format: (texts) => texts.map((text) => withClientTags(`${command} ${target} :${action ? `\x01ACTION ${lineStart}${text}\x01` : lineStart + text}`, tags)),
    };
  }

  /**
   * Renders content for lines of `budget` bytes; one that cannot fit (an identity prefix too
   * long for an IRC line) is refused for good: sending it again cannot help.
   */
  private render(content: Content, budget: number): ReturnType<typeof attributedText> {
    try {
      return attributedText(content, budget, this.config.maxLines, { codeStyle: this.config.codeStyle });
    } catch (error) {
      throw new SendRefusedError(`${this.name}: ${(error as Error).message}`, { cause: error });
    }
  }

  /**
   * Cuts a draft to `maxLines` (pasting the full text when configured: long-messages.ts),
   * formats it and hands the lines to `enqueue`, after the earlier sends to `orderKey`.
   * Only a message that uploads (or follows one) waits; the others are queued at once.
   */
  private async queueLines(orderKey: string, draft: Draft, enqueue: (lines: string[]) => unknown): Promise<string[]> {
    const commit = (texts: readonly string[]): string[] => {
      const lines = draft.format(texts);
      enqueue(lines);
      return lines;
    };
    if (!this.longMessages.wouldPaste(draft) && !this.sendOrder.busy(orderKey)) return commit(this.longMessages.truncated(draft));
    return this.sendOrder.run(orderKey, async () => commit(await this.longMessages.fit(draft)));
  }

  /** Waits up to `timeoutMs` for the paste uploads under way (their lines are then queued). */
  private async pastesDone(timeoutMs: number): Promise<void> {
    await raceDeadline(this.sendOrder.idle(), Math.max(0, timeoutMs), undefined);
  }

  /**
   * Sends from the puppet of `message.asUser` (joining the channel first if needed). Returns
   * undefined when no puppet can speak (cap reached, it could not connect or join): then the
   * bot speaks for the user.
   */
  private async sendAsPuppet(message: OutgoingMessage, target: string, content: Content): Promise<SendResult | undefined> {
    const user = message.asUser as UserRef;
    const puppet = this.puppets?.acquire(user);
    if (!puppet) return undefined;
    puppet.busy++;
    try {
      await puppet.ready;
      if ('channel' in message.target) await puppet.join(target);
      const draft = this.draft(message, target, content, { nick: puppet.nick, user: puppet.userHost?.user, host: puppet.userHost?.host });
      let written: Promise<boolean> | undefined;
      const lines = await this.queueLines(`${puppet.nick}\u0000${this.support.fold(target)}`, draft, (ready) => (written = puppet.enqueue(target, ready)));
      return this.sendResult(lines, written);
    } catch (error) {
      this.ctx.log.warn({ puppet: puppet.nick, target, err: (error as Error).message }, 'puppet cannot speak; the bot speaks for this user');
      return undefined;
    } finally {
      puppet.busy--;
    }
  }
  queueDepth(): number {
    return this.queue.depth() + (this.puppets?.depth() ?? 0);
  }

  private async kick(channel: ChannelRef, user: UserRef, reason?: string): Promise<void> {
    const name = channel.name ?? channel.id;
    const nick = user.nick ?? user.id;
    if (!safeParam(name) || !safeParam(nick)) throw new Error(`${this.name}: invalid kick target`);
    const text = renderIrcLine([{ type: 'text', text: reason ?? '' }]);
    await this.control(`KICK ${name} ${nick} :${text}`);
  }

  private async ban(channel: ChannelRef, user: UserRef, reason?: string): Promise<void> {
    const name = channel.name ?? channel.id;
    const nick = user.nick ?? user.id;
    const member = this.tracker.member(name, nick);
    const mask = member?.host ? `*!*@${member.host}` : `${nick}!*@*`;
    if (!safeParam(name) || !safeParam(mask)) throw new Error(`${this.name}: invalid ban target`);
    await this.control(`MODE ${name} +b ${mask}`);
    await this.kick(channel, user, reason);
  }

  /**
   * Sends a control line (KICK, MODE, ...) through the flood queue's control lane; rejects
   * when not connected or when the connection drops before it was written.
   */
  private async control(line: string): Promise<void> {
    if (/[\r\n\0]/.test(line)) throw new Error('refusing to write a line containing CR, LF or NUL');
    if (this.state !== 'connected') throw new Error(`${this.name}: not connected`);
    if (!(await this.queue.enqueueControl(line))) throw new Error(`${this.name}: connection lost before ${line.split(' ')[0]} was sent`);
  }

  /**
   * Writes one protocol line now, without the tags this connection cannot carry. Refuses
   * (throws) a line with CR, LF or NUL.
   */
  private writeNow(line: string, client: Client | undefined = this.client): boolean {
    if (/[\r\n\0]/.test(line)) throw new Error('refusing to write a line containing CR, LF or NUL');
    if (!client?.connected) return false;
    client.raw(lineForConnection(line, (tag) => client.network.supportsTag(tag)));
    return true;
  }

  /** A message id, unique across restarts: this run's random prefix and a counter. */
  private mintId(): string {
    this.counter += 1;
    return `irc:${this.name}:${this.runId}:${this.counter}`;
  }

  private clearTimers(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}
