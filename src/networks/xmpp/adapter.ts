/**
 * The XMPP network: one client account (SASL, STARTTLS, stream management) in MUC rooms and
 * one-to-one chats. The hub drives the lifecycle: `connect()` logs in, joins every wanted room
 * and emits ENDBURST; a dropped connection is reported through `ctx.connectionLost` and the hub
 * calls `connect()` again (xmpp.js's own reconnect is not used). That `connect()` first tries to
 * resume the dropped stream (XEP-0198): resumed, the rooms are still joined server-side and only
 * the unacknowledged stanzas are resent; refused, it starts a new session and rejoins every room.
 *
 * Received stanzas are handled by `Inbound`, room joins by `RoomJoins`, sending by `Outbound`.
 */
import xml from '@xmpp/xml';
import type {
  ModerationActions,
  Network,
  NetworkCapabilities,
  NetworkContext,
  OutgoingMessage,
  SendResult,
} from '../../core/network.js';
import type { ChannelRef, UserRef } from '../../core/refs.js';
import { createXmppClient, FatalXmppError, startSession, type XmppClient } from './client.js';
import { XmppLifecycle } from './lifecycle.js';
import type { XmppConfig } from './config.js';
import { Inbound } from './inbound.js';
import { bareJid } from './jid.js';
import { LogOnce } from '../log-once.js';
import { MessageIds } from './message-ids.js';
import { optional, type MucRoom, type Occupant } from './muc-room.js';
import { ArchiveSearch, type OurOccupant } from './archive.js';
import { Confirmations } from './confirmations.js';
import { deliveryIds, Outbound } from './outbound.js';
import { ReactionSets } from './reactions.js';
import { isRoomModerator, occupantRef, roomMembers } from './refs.js';
import { captureSession, isFresh, restoreSession, type ResumableSession } from './resumption.js';
import { RoomJoins } from './room-joins.js';
import { buildMucLeave } from './stanza-build.js';
import { defaultEgressClient } from '../../net/egress/index.js';
import { roomAssignsStanzaIds } from './room-features.js';
import { CatchUp } from './catch-up.js';
import { RoomCursors } from '../catch-up/cursors.js';

/** How long one page of a message archive search may take. */
const ARCHIVE_TIMEOUT_MS = 10_000;
/** How long a room may take to reflect a message we sent before its delivery counts as uncertain. */
const ECHO_TIMEOUT_MS = 30_000;

export class XmppNetwork implements Network {
  readonly protocol = 'xmpp';
  readonly capabilities: NetworkCapabilities;
  readonly moderation: ModerationActions = {
    kick: (channel, user, reason) => this.track(this.outbound.moderate(channel, user, 'kick', reason)),
    ban: (channel, user, reason) => this.track(this.outbound.moderate(channel, user, 'ban', reason)),
  };

  private readonly lifecycle: XmppLifecycle<XmppClient>;
  /** The stream management session of a dropped connection, until a login resumes or replaces it. */
  private resumable: ResumableSession | undefined;
  private readonly rooms = new Map<string, MucRoom>();
  /** The last `botUser` answer per room, with the occupant and nick it was built from. */
  private readonly botRefs = new WeakMap<MucRoom, { readonly occupant: Occupant | undefined; readonly nick: string; readonly ref: UserRef }>();
  private readonly logOnce: LogOnce;
  private readonly inbound: Inbound;
  private readonly joins: RoomJoins;
  private readonly outbound: Outbound;
  private readonly archive = new ArchiveSearch();
  private readonly confirmations = new Confirmations(ECHO_TIMEOUT_MS);
  /** Undefined when catch-up is turned off. */
  private readonly catchUp: CatchUp | undefined;

  constructor(
    private readonly ctx: NetworkContext,
    private readonly config: XmppConfig,
  ) {
    this.logOnce = new LogOnce(ctx.log);
    this.capabilities = {
      edits: true,
      deletes: true,
      reactions: true,
      replies: true,
      threads: false,
      attachments: true,
      typing: true,
      formatting: 'xmpp-styling',
      delayMarks: true,
      replaysHistory: config.catchUp.enabled,
    };
    const cursors = config.catchUp.enabled
      ? new RoomCursors(ctx.store, (room, error) => this.logOnce.log('warn', `cursor:${room}`, { room, err: error }, 'could not store where the hub got to in a room; a catch-up after a restart may repeat messages'))
      : undefined;
    const ids = new MessageIds();
    const reactions = new ReactionSets();
    this.lifecycle = new XmppLifecycle<XmppClient>({
      ctx,
      logOnce: this.logOnce,
      joins: { cancelAll: () => this.joins.cancelAll() },
      confirmations: this.confirmations,
      errorLog: { key: 'client-error', message: 'XMPP connection error' },
      lostMessage: 'XMPP connection lost',
      onStanza: (_client, el) => {
        if (!this.archive.take(el)) this.inbound.handle(el);
      },
      gone: () => this.connectionGone(),
      dropped: (client, wasOnline) => {
        if (wasOnline) this.resumable = captureSession(client, Date.now());
        return { resumable: this.resumable !== undefined };
      },
    });
    this.joins = new RoomJoins({
      ctx,
      config,
      logOnce: this.logOnce,
      rooms: this.rooms,
      connection: this.lifecycle,
      assignsStanzaIds: (id) => roomAssignsStanzaIds(this.requireConnectedClient().iqCaller, id, config.joinTimeoutMs),
      joined: (room, learnt) => this.catchUp?.run(room, learnt) ?? Promise.resolve(),
    });
    this.inbound = new Inbound({
      ctx,
      rooms: this.rooms,
      ids,
      reactions,
      logOnce: this.logOnce,
      account: config.jid,
      confirmations: this.confirmations,
      peerBridges: new Set(config.peerBridges),
      maxBodyBytes: config.maxBodyBytes,
      onSelfChange: (room, change) => this.joins.onSelfChange(room, change),
      onRoomError: (room, condition) => this.joins.onRoomError(room, condition),
      ...optional('cursors', cursors),
      onHoldFull: (room) => this.catchUp?.giveUp(room),
    });
    this.catchUp = cursors && new CatchUp({
      config: config.catchUp,
      archive: this.archive,
      cursors,
      log: ctx.log,
      logOnce: this.logOnce,
      iqCaller: () => this.requireConnectedClient().iqCaller,
      us: (room) => this.ourOccupant(room),
      replay: (room, message) => this.inbound.replay(room, message),
      notice: (room, text) => this.inbound.roomNotice(room, text),
      handle: (el) => this.inbound.handle(el),
    });
    this.outbound = new Outbound({
      name: ctx.name,
      config,
      logOnce: this.logOnce,
      rooms: this.rooms,
      ids,
      reactions,
      confirmations: this.confirmations,
      egress: ctx.egress ?? defaultEgressClient(),
      client: () => this.requireClient(),
    });
  }

  get name(): string {
    return this.ctx.name;
  }

  // --- lifecycle --------------------------------------------------------------------------

  async connect(): Promise<void> {
    const previous = this.resumable !== undefined && isFresh(this.resumable, Date.now()) ? this.resumable : undefined;
    if (previous === undefined) this.forgetSession();
    const create = (): XmppClient => {
      const client = createXmppClient(this.config);
      if (previous !== undefined) restoreSession(client, previous);
      return client;
    };
    const { session: client, started: start } = await this.lifecycle.open(create, async (c, signal) => {
      try {
        return await startSession(c, signal);
      } catch (error) {
        throw asConnectError(error);
      }
    });
    const { entity } = client;
    if (start === 'resumed') {
      this.ctx.log.info({ jid: this.config.jid, unackedResent: previous?.unacked.length ?? 0 }, 'XMPP stream resumed');
    } else {
      if (previous !== undefined) this.ctx.log.info({ jid: this.config.jid }, 'XMPP stream could not be resumed: new session');
      this.forgetSession();
      await entity.send(xml('presence'));
    }
    this.resumable = undefined;
    this.outbound.reset();
    // Resumed, the rooms are still joined: only rooms wanted since then (or left) are joined.
    const missing = this.joins.wantedNow().filter((id) => this.rooms.get(id)?.joined !== true);
    await Promise.all(missing.map((id) => this.joins.join(id).catch(() => undefined)));
    this.lifecycle.goOnline(client, entity.status === 'online');
    this.ctx.log.info(
      {
        jid: this.config.jid,
        encrypted: entity.isSecure(),
        streamManagement: client.sm.enabled,
        rooms: [...this.rooms.values()].filter((r) => r.joined).map((r) => r.id),
      },
      'XMPP online',
    );
    this.ctx.emit({ network: this.name, sender: this.name, command: 'ENDBURST', args: { server: this.name } });
  }

  async disconnect(options: { readonly deadlineMs?: number; readonly reason?: string } = {}): Promise<void> {
    await this.lifecycle.close({
      deadlineMs: options.deadlineMs ?? 5000,
      goodbyes: (client) => {
        this.forgetSession();
        if (client?.entity.status !== 'online') return [];
        return [xml('presence', { type: 'unavailable' }, options.reason ? xml('status', {}, options.reason) : null)];
      },
    });
  }

  /** The connection is gone: nothing is joined any more, unless the session may be resumed. */
  private connectionGone(): void {
    if (this.resumable === undefined) this.forgetSessionState();
  }

  /** No session to resume any more: the rooms have to be joined again. */
  private forgetSession(): void {
    this.resumable = undefined;
    this.forgetSessionState();
  }

  /**
   * What a new session starts without: joined rooms, and echoes still awaited (a resumed
   * session would resend unacknowledged stanzas, so those are only given up without one).
   */
  private forgetSessionState(): void {
    this.forgetRooms();
    this.confirmations.dropAll('the session ended');
  }

  private forgetRooms(): void {
    for (const room of this.rooms.values()) room.markLeft();
  }

  /**
   * Sends not yet written to the stream. Stanzas written but not yet acknowledged under stream
   * management (XEP-0198) do not count: they are on the wire, and a resumed stream resends them.
   */
  queueDepth(): number {
    return this.lifecycle.pending;
  }

  // --- rooms ------------------------------------------------------------------------------

  join(channel: ChannelRef): Promise<void> {
    return this.joins.enter(channel);
  }

  async part(channel: ChannelRef, reason?: string): Promise<void> {
    const { id, room } = this.joins.drop(channel);
    const client = this.lifecycle.session;
    if (room !== undefined && client) {
      await client.entity.send(buildMucLeave({ room: id, nick: room.nick, ...optional('reason', reason) }));
    }
    room?.markLeft();
  }

  members(channel: ChannelRef): readonly UserRef[] {
    return roomMembers(this.rooms, this.name, channel);
  }

  isModerator(channel: ChannelRef, user: UserRef): boolean | undefined {
    return isRoomModerator(this.rooms, channel, user);
  }

  botUser(channel: ChannelRef): UserRef | undefined {
    const room = this.rooms.get(bareJid(channel.id));
    if (!room?.joined) return undefined;
    // Asked for every relayed message (the relay's echo guard): built again only when our
    // occupant (a new object on each self-presence) or nick changed.
    const occupant = room.occupant(room.nick);
    const known = this.botRefs.get(room);
    if (known !== undefined && known.occupant === occupant && known.nick === room.nick) return known.ref;
    const self = occupant ?? { nick: room.nick, jid: `${room.id}/${room.nick}` };
    const ref: UserRef = { ...occupantRef(this.name, self), account: this.config.jid };
    this.botRefs.set(room, { occupant, nick: room.nick, ref });
    return ref;
  }

  // --- sending ----------------------------------------------------------------------------

  send(message: OutgoingMessage): Promise<SendResult> {
    return this.track(this.outbound.send(message));
  }

  deleteMessage(channel: ChannelRef, messageId: string): Promise<void> {
    return this.track(this.outbound.deleteMessage(channel, messageId));
  }

  /**
   * Searches the room's message archive (XEP-0313) for the stanzas of the given deliveries (their
   * origin-ids, see `deliveryIds`) that the bot itself sent (archive.ts: `archivedFromUs`); undefined, logged once per room, when the room has no archive
   * or it cannot be searched.
   */
  async findDelivered(channel: ChannelRef, ids: readonly string[], since: number): Promise<ReadonlyMap<string, readonly string[]> | undefined> {
    const bases = new Set(ids.map((id) => deliveryIds(id)(0)));
    const baseOf = (id: string): string | undefined => {
      if (bases.has(id)) return id;
      const dash = id.lastIndexOf('-');
      return dash > 0 && bases.has(id.slice(0, dash)) && /^\d+$/.test(id.slice(dash + 1)) ? id.slice(0, dash) : undefined;
    };
    const room = bareJid(channel.id);
    let found: string[];
    try {
      const us = this.ourOccupant(this.rooms.get(room));
      found = await this.archive.find(this.requireClient().iqCaller, room, us, (id) => baseOf(id) !== undefined, since, ARCHIVE_TIMEOUT_MS);
    } catch (error) {
      this.logOnce.log('warn', `archive:${room}`, { room, err: error }, 'cannot search the room\'s message archive (XEP-0313): a delivery in flight at a crash may be sent twice');
      return undefined;
    }
    const byDelivery = new Map<string, string[]>();
    for (const id of found) {
      const base = baseOf(id)!;
      byDelivery.set(base, [...(byDelivery.get(base) ?? []), id]);
    }
    // The first stanza of a delivery first, then its files in order (`<id>-1`, `<id>-2`, …).
    const index = (id: string, base: string): number => (id === base ? 0 : Number(id.slice(base.length + 1)));
    for (const [base, ids] of byDelivery) ids.sort((a, b) => index(a, base) - index(b, base));
    return byDelivery;
  }

  /** Who we are in `room` (our nicks, account and occupant id), to recognise our own archived messages. */
  private ourOccupant(room: MucRoom | undefined): OurOccupant {
    return { nicks: [...new Set([this.config.nick, room?.nick ?? this.config.nick])], account: this.config.jid, ...optional('occupantId', room?.ownOccupantId) };
  }

  react(channel: ChannelRef, messageId: string, reaction: string, remove: boolean): Promise<void> {
    return this.track(this.outbound.react(channel, messageId, reaction, remove));
  }

  /** The current client, also while logging in and joining (before the network counts as online). */
  private requireConnectedClient(): XmppClient {
    const client = this.lifecycle.session;
    if (client === undefined) throw new Error(`${this.name} is not connected`);
    return client;
  }

  private requireClient(): XmppClient {
    const client = this.lifecycle.session;
    if (!this.lifecycle.online || client === undefined) throw new Error(`${this.name} is not connected`);
    return client;
  }

  /** Counts a send in progress (queueDepth, and disconnect waits for it). */
  private track<T>(promise: Promise<T>): Promise<T> {
    return this.lifecycle.track(promise);
  }
}

/** Marks authentication failures as fatal (retrying cannot fix them). */
function asConnectError(error: unknown): Error {
  if (error instanceof FatalXmppError) return error;
  const err = error instanceof Error ? error : new Error(String(error));
  if (err.name === 'SASLError') {
    return Object.assign(new Error(`XMPP login refused: ${err.message} (check jid and password)`, { cause: err }), { fatal: true });
  }
  return err;
}

