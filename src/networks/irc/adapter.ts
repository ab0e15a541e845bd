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
 *
 * Received lines are handled by `InboundMapper`, channel joins by `ChannelJoins`, sending by
 * `Outbound`, refused channels by `RefusalWatch`, moderation by `IrcModeration`, and the
 * catch-up after an outage on servers with IRCv3 CHATHISTORY by `IrcCatchUp`.
 */
import { guardHandlers } from './handler-guard.js';
import { Client, type ParsedLine } from 'irc-framework';
import type {
  MemberStatus, ModerationActions, Network, NetworkCapabilities, NetworkContext, OutgoingMessage, SendResult,
} from '../../core/network.js';
import type { ChannelRef, UserRef } from '../../core/refs.js';
import type { IrcConfig } from './config.js';
import { ServerSupport } from './isupport.js';
import { MemberTracker } from './members.js';
import { InboundMapper } from './inbound.js';
import { InboundIssueLog } from './inbound-issues.js';
import { OutgoingQueue } from './queue.js';
import { renderIrcLine } from './format-render.js';
import { NickReclaimer } from './nick-reclaim.js';
import { ircConnectOptions } from './connect-options.js';
import { PuppetPool } from './puppet-pool.js';
import { hasRelayedTag, lineForConnection } from './tags.js';
import { PeerBridges } from './peer-bridges.js';
import { ChannelJoins } from './channel-joins.js';
import { NamesPending } from './names-pending.js';
import { LineIds } from './line-ids.js';
import { IrcModeration } from './moderation.js';
import { Outbound } from './outbound.js';
import { ircUserRef } from './refs.js';
import { RefusalWatch } from './refusal-watch.js';
import { attemptConnection } from './registration.js';
import { CHATHISTORY_CAPS, EVENT_PLAYBACK_CAP, IrcCatchUp } from './catch-up.js';
import { withholdHistory } from './history-withheld.js';
import { withholdMessages } from './unhandled-messages.js';
import { RoomCursors } from '../catch-up/cursors.js';
import { LogOnce } from '../log-once.js';
import type { IrcLine } from './inbound.js';

/** How long QUIT may take before the socket is closed anyway. */
const QUIT_GRACE_MS = 2_000;
/** Longest wait for the member lists of the channels just joined before the connect counts as done. */
const NAMES_WAIT_MS = 5_000;

type State = 'idle' | 'connecting' | 'connected' | 'stopped';

export class IrcNetwork implements Network {
  readonly protocol = 'irc';
  readonly capabilities: NetworkCapabilities;
  readonly moderation: ModerationActions;

  private state: State = 'idle';
  private client: Client | undefined;
  private support = new ServerSupport();
  private tracker = new MemberTracker(this.support);
  private readonly queue: OutgoingQueue;
  private nick: string;
  private ownUser: string | undefined;
  private ownHost: string | undefined;
  private readonly ids: LineIds;
  /** The puppets, in `mode: puppets`. */
  private readonly puppets: PuppetPool | undefined;
  /** Gets the configured nick back after a fallback. */
  private readonly reclaimer: NickReclaimer;
  private readonly joins: ChannelJoins;
  /** Member lists still arriving after our joins: the connect is done once they are in. */
  private readonly names: NamesPending;
  /** Channels that answered a message with a refusal (+m, a ban, ...): sends to them reject. */
  private readonly refusals: RefusalWatch;
  private readonly outbound: Outbound;
  private readonly peerBridges: PeerBridges;
  private readonly issues: InboundIssueLog;
  /** The current connection's inbound mapper. */
  private mapper: InboundMapper | undefined;
  /** Where the hub got to in each channel; undefined when catch-up is off. */
  private readonly cursors: RoomCursors | undefined;
  /** Catching up on channel history after an outage (CHATHISTORY servers only). */
  private readonly catchUp: IrcCatchUp | undefined;

  constructor(private readonly ctx: NetworkContext, private readonly config: IrcConfig) {
    this.nick = config.nick;
    this.ids = new LineIds(ctx.name);
    this.peerBridges = new PeerBridges(config.peerBridges);
    this.issues = new InboundIssueLog(ctx.log);
    this.queue = new OutgoingQueue(config.flood, (line) => this.writeNow(line));
    const connected = (): boolean => this.state === 'connected';
    const support = (): ServerSupport => this.support;
    const tracker = (): MemberTracker => this.tracker;
    const enqueueControl = (line: string, cost?: number): Promise<boolean> => this.queue.enqueueControl(line, cost);
    this.reclaimer = new NickReclaimer({
      wanted: config.nick,
      intervalMs: config.nickReclaimSec * 1000,
      support,
      currentNick: () => this.nick,
      send: (line) => void this.queue.enqueueControl(line),
    });
    const replaysHistory = (): boolean => this.catchUp !== undefined && this.historyAvailable();
    this.capabilities = {
      edits: false, deletes: false, reactions: false, replies: false, threads: false, attachments: false, typing: false,
      formatting: 'irc', maxMessageBytes: 400, puppets: config.mode === 'puppets',
      /** While the server grants CHATHISTORY and catch-up is on (it may change on each connection). */
      get replaysHistory() {
        return replaysHistory();
      },
    };
    this.joins = new ChannelJoins({ ctx, config, support, tracker, isConnected: connected, enqueueControl });
    this.names = new NamesPending((channel) => support().fold(channel));
    this.refusals = new RefusalWatch({ name: ctx.name, log: ctx.log, support, isJoinPending: (folded) => this.joins.isPending(folded) });
    this.puppets = config.mode === 'puppets'
      ? new PuppetPool({ config, log: ctx.log, support, channelKey: (channel) => this.joins.keyOf(channel) })
      : undefined;
    this.outbound = new Outbound({
      name: ctx.name, config, log: ctx.log, egress: ctx.egress, queue: this.queue, puppets: this.puppets,
      refusals: this.refusals, ids: this.ids, support, isConnected: connected,
      bot: () => ({ nick: this.nick, user: this.ownUser, host: this.ownHost }),
    });
    const logOnce = new LogOnce(ctx.log);
    this.cursors = config.catchUp.enabled
      ? new RoomCursors(ctx.store, (channel, error) => logOnce.log('warn', `cursor:${channel}`, { channel, err: error }, 'could not store where the hub got to in a channel; a catch-up after a restart may repeat messages'))
      : undefined;
    this.catchUp = this.cursors && new IrcCatchUp({
      config: config.catchUp, cursors: this.cursors, log: ctx.log, logOnce, support,
      available: () => this.historyAvailable(),
      send: (line) => this.queue.enqueueControl(line),
      leftOut: (line) => this.fromUs(line) || !(this.mapper?.relayable(line) ?? false),
      replay: (line) => this.mapper?.replay(line) ?? Promise.resolve(),
      notice: (channel, text) => this.mapper?.notice(channel, text),
      handle: (line) => this.mapper?.handle(line),
    });
    const moderation = new IrcModeration({ name: ctx.name, tracker, isConnected: connected, enqueueControl });
    this.moderation = {
      kick: (channel, user, reason) => moderation.kick(channel, user, reason),
      ban: (channel, user, reason) => moderation.ban(channel, user, reason),
    };
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
    this.catchUp?.reset();
    const client = new Client();
    guardHandlers(client, this.ctx.log);
    if (this.catchUp) client.requestCap([...CHATHISTORY_CAPS, EVENT_PLAYBACK_CAP]);
    withholdMessages(client);
    withholdHistory(client);
    this.client = client;
    const mapper = this.createMapper();
    this.mapper = mapper;
    const options = { name: this.name, log: this.ctx.log, nick: this.config.nick, timeoutMs: this.config.connectTimeoutMs, connect: () => ircConnectOptions(this.config) };
    return attemptConnection(client, options, {
      isCurrent: () => this.client === client,
      line: (line) => this.onLine(line, mapper),
      registered: () => {
        this.queue.resume('control');
        return this.afterRegistration();
      },
      succeeded: () => {
        this.state = 'connected';
        this.queue.resume();
        if (this.config.nickReclaimSec > 0) this.reclaimer.start();
        this.ctx.emit({ network: this.name, sender: this.name, command: 'ENDBURST', args: { server: this.name } });
      },
      failed: () => {
        this.state = 'idle';
        this.client = undefined;
        this.catchUp?.reset();
        this.queue.pause();
        this.queue.discardControl();
      },
      ended: (reason, fatal) => this.connectionEnded(reason, fatal),
    });
  }

  private async afterRegistration(): Promise<void> {
    if (this.config.nickservPassword && !this.config.sasl) {
      void this.queue.enqueueControl(`PRIVMSG ${this.config.nickservNick} :IDENTIFY ${this.config.nickservPassword}`);
    }
    await this.joins.joinWanted();
    // ENDBURST (after this) tells the hub who is in each channel: let their lists arrive first.
    await this.names.settled(NAMES_WAIT_MS);
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
    this.names.clear();
    this.joins.clearTimers();
    this.joins.rejectPending(new Error('connection lost'));
    this.catchUp?.reset();
    this.ctx.log.warn({ reason, fatal }, 'connection lost');
    this.ctx.connectionLost({ wasSuccessful: true, reason, ...(fatal ? { fatal } : {}) });
  }

  async disconnect(options: { readonly deadlineMs?: number; readonly reason?: string } = {}): Promise<void> {
    const client = this.client;
    const wasConnected = this.state === 'connected';
    this.state = 'stopped';
    this.joins.clearTimers();
    this.catchUp?.reset();
    this.reclaimer.stop();
    const puppetsClosed = this.puppets?.closeAll(options.reason ?? 'Switchboard shutting down', options.deadlineMs ?? 5_000);
    if (!client) {
      await puppetsClosed;
      return;
    }
    if (wasConnected) {
      const deadline = Date.now() + (options.deadlineMs ?? 5_000);
      await this.outbound.pastesDone(deadline - Date.now());
      await this.queue.drain(Math.max(0, deadline - Date.now()));
    }
    this.queue.pause();
    const dropped = this.queue.discard();
    if (dropped > 0) this.ctx.log.warn({ dropped }, 'lines still queued at disconnect were dropped');
    this.client = undefined;
    this.joins.rejectPending(new Error('disconnected'));
    await quit(client, renderIrcLine([{ type: 'text', text: options.reason ?? 'Switchboard shutting down' }]));
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
      ...(this.ctx.emitHandled ? { emitHandled: this.ctx.emitHandled.bind(this.ctx) } : {}),
      ...(this.cursors ? { noteSeen: this.noteSeen.bind(this, this.cursors) } : {}),
      mintId: () => this.ids.next(),
      peerBridges: this.peerBridges,
      maxBodyBytes: this.config.maxBodyBytes,
      onIssue: (issue, context) => this.issues.report(issue, context),
      own: {
        joined: (channel, user, host) => {
          this.ownUser = user;
          this.ownHost = host;
          this.refusals.clear(channel);
          this.names.joined(channel);
          this.joins.joined(channel);
          void this.catchUp?.joined(channel);
        },
        namesEnded: (channel) => this.names.ended(channel),
        kicked: (channel, by, reason) => this.joins.kicked(channel, by, reason),
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

  private onLine(line: ParsedLine, mapper: InboundMapper): void {
    // History (CHATHISTORY answers) never passes for live lines.
    if (this.catchUp?.take(line) === true) return;
    this.refusals.observe(line);
    if (line.command === '001') this.nick = line.params[0] ?? this.nick;
    else if (line.command === '005') this.support.update(line.params.slice(1, -1));
    else this.joins.handle(line);
    this.reclaimer.handle(line);
    try {
      if (this.catchUp?.hold(line) === true) return;
      mapper.handle(line);
    } catch (error) {
      this.ctx.log.error({ err: error, command: line.command }, 'could not handle a line from the server');
    }
  }

  // --- catch-up ---------------------------------------------------------------------------

  /** true when this connection can ask for channel history: CHATHISTORY with batch, message-tags and server-time. */
  private historyAvailable(): boolean {
    const cap = this.client?.network.cap;
    if (cap === undefined) return false;
    return CHATHISTORY_CAPS.some((name) => cap.isEnabled(name)) && ['batch', 'message-tags', 'server-time'].every((name) => cap.isEnabled(name));
  }

  /** A channel message was handled: where the channel's next catch-up starts (only where history can be asked for). */
  private noteSeen(cursors: RoomCursors, channel: string, cursor: { readonly id: string; readonly ts: number }, handled: Promise<void>): void {
    if (this.historyAvailable()) cursors.note(this.support.fold(channel), cursor, handled);
  }

  /**
   * true for a line the hub itself sent (in history): from the bot's nick now or its configured
   * one (a fallback nick may have been taken meanwhile), or from its SASL account; in puppets
   * mode also any line with the hop marker (every puppet line has it; a puppet of an earlier
   * session is gone from the pool).
   */
  private fromUs(line: IrcLine): boolean {
    if (this.support.equal(line.nick, this.nick) || this.support.equal(line.nick, this.config.nick)) return true;
    if (this.config.mode === 'puppets' && hasRelayedTag(line.tags)) return true;
    const account = line.tags.account;
    return this.config.sasl?.mechanism === 'PLAIN' && typeof account === 'string' && account === this.config.sasl.account;
  }

  // --- channels -----------------------------------------------------------------------------

  async join(channel: ChannelRef): Promise<void> {
    await this.joins.join(channel);
  }

  async part(channel: ChannelRef, reason?: string): Promise<void> {
    this.refusals.clear(channel.name ?? channel.id);
    await this.joins.part(channel, reason);
  }

  members(channel: ChannelRef): readonly UserRef[] {
    const members = this.tracker.members(channel.name ?? channel.id).filter((member) => !this.puppets?.isPuppet(member.nick));
    return members.map((member) => ircUserRef(this.name, this.support, member.nick, member));
  }

  /** A channel operator (or half-operator and above: modes h, o, a, q) is; others are not. */
  isModerator(channel: ChannelRef, user: UserRef): boolean | undefined {
    const name = channel.name ?? channel.id;
    if (!this.tracker.channel(name)) return undefined;
    const member = this.tracker.member(name, user.nick ?? user.id);
    return member !== undefined && ['h', 'o', 'a', 'q'].some((mode) => member.modes.has(mode));
  }

  /** Half-operators and above are `op`, voiced members `voice`; undefined for someone not in the channel. */
  memberStatus(channel: ChannelRef, user: UserRef): MemberStatus | undefined {
    const member = this.tracker.member(channel.name ?? channel.id, user.nick ?? user.id);
    if (!member) return undefined;
    if (['h', 'o', 'a', 'q'].some((mode) => member.modes.has(mode))) return 'op';
    return member.modes.has('v') ? 'voice' : 'none';
  }

  /** The bot as it appears in `channel`; undefined when it is not in it. */
  botUser(channel: ChannelRef): UserRef | undefined {
    if (this.state !== 'connected' || !this.tracker.member(channel.name ?? channel.id, this.nick)) return undefined;
    return ircUserRef(this.name, this.support, this.nick, { user: this.ownUser, host: this.ownHost });
  }

  // --- outbound -----------------------------------------------------------------------------

  /** Renders, splits and queues a message (outbound.ts). */
  send(message: OutgoingMessage): Promise<SendResult> {
    return this.outbound.send(message);
  }

  queueDepth(): number {
    return this.queue.depth() + (this.puppets?.depth() ?? 0);
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
}

/** Sends QUIT and waits for the socket to close, closing it after QUIT_GRACE_MS at the latest. */
function quit(client: Client, message: string): Promise<void> {
  return new Promise<void>((resolve) => {
    const force = setTimeout(() => {
      client.connection.end(undefined, true);
      resolve();
    }, QUIT_GRACE_MS);
    client.once('socket close', () => {
      clearTimeout(force);
      resolve();
    });
    if (client.connected) client.quit(message);
    else client.connection.end(undefined, true);
  });
}
