/**
 * The XMPP network: one client account (SASL, STARTTLS, stream management) in MUC rooms and
 * one-to-one chats. The hub drives the lifecycle: `connect()` logs in, joins every wanted room
 * and emits ENDBURST; a dropped connection is reported through `ctx.connectionLost` and the hub
 * calls `connect()` again (xmpp.js's own reconnect is not used).
 */
import { randomUUID } from 'node:crypto';
import xml, { type Element } from '@xmpp/xml';
import type { Attachment } from '../../core/message.js';
import type {
  ModerationActions,
  Network,
  NetworkCapabilities,
  NetworkContext,
  OutgoingMessage,
  SendResult,
} from '../../core/network.js';
import type { ChannelRef, UserRef } from '../../core/refs.js';
import { createXmppClient, FatalXmppError, type XmppClient } from './client.js';
import type { XmppConfig } from './config.js';
import { Inbound } from './inbound.js';
import { bareJid, resourceOf, splitJid } from './jid.js';
import { LogOnce } from './log-once.js';
import { MessageIds } from './message-ids.js';
import { MucRoom, optional, type RoomChange } from './muc-room.js';
import { ReactionSets } from './reactions.js';
import { occupantRef } from './refs.js';
import {
  buildChatMessage,
  buildMucAdminQuery,
  buildMucJoin,
  buildMucLeave,
  buildReactions,
  buildRetraction,
  type MessageType,
  type MucAdminItem,
} from './stanza-build.js';
import { renderStyling } from './styling-render.js';
import { discoverUploadService, downloadFile, uploadFile, type UploadService } from './upload.js';

/** How many alternative nicks to try when ours is taken in a room. */
const NICK_ATTEMPTS = 5;
/** Our own entry in the reaction sets. */
const SELF = '\u0000self';

type JoinOutcome = { readonly ok: true } | { readonly ok: false; readonly condition: string };

interface PendingJoin {
  readonly settle: (outcome: JoinOutcome) => void;
}

/** Where a message goes and how its ids are scoped. */
interface Address {
  readonly to: string;
  readonly type: MessageType;
  readonly scope: string;
}

export class XmppNetwork implements Network {
  readonly protocol = 'xmpp';
  readonly capabilities: NetworkCapabilities = {
    edits: true,
    deletes: true,
    reactions: true,
    replies: true,
    threads: false,
    attachments: true,
    typing: true,
    formatting: 'xmpp-styling',
  };
  readonly moderation: ModerationActions = {
    kick: (channel, user, reason) => this.changeOccupant(channel, user, 'kick', reason),
    ban: (channel, user, reason) => this.changeOccupant(channel, user, 'ban', reason),
  };

  private client: XmppClient | undefined;
  private online = false;
  private closing = false;
  private readonly rooms = new Map<string, MucRoom>();
  private readonly joinedAtRunTime = new Set<string>();
  private readonly parted = new Set<string>();
  private readonly banned = new Set<string>();
  private readonly pendingJoins = new Map<string, PendingJoin>();
  private readonly rejoinTimers = new Map<string, NodeJS.Timeout>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly ids = new MessageIds();
  private readonly reactions = new ReactionSets();
  private readonly logOnce: LogOnce;
  private readonly inbound: Inbound;
  private uploadService: Promise<UploadService | undefined> | undefined;

  constructor(
    private readonly ctx: NetworkContext,
    private readonly config: XmppConfig,
  ) {
    this.logOnce = new LogOnce(ctx.log);
    this.inbound = new Inbound({
      ctx,
      rooms: this.rooms,
      ids: this.ids,
      reactions: this.reactions,
      logOnce: this.logOnce,
      account: config.jid,
      onSelfChange: (room, change) => this.onSelfChange(room, change),
      onRoomError: (room, condition) => this.onRoomError(room, condition),
    });
  }

  get name(): string {
    return this.ctx.name;
  }

  // --- lifecycle --------------------------------------------------------------------------

  async connect(): Promise<void> {
    await this.teardown(0);
    this.closing = false;
    const client = createXmppClient(this.config);
    this.client = client;
    const { entity } = client;
    entity.on('error', (error: Error) => {
      this.logOnce.log('warn', `client-error:${error.message}`, { err: error }, 'XMPP connection error');
    });
    // Listeners stay attached (xmpp.js's own, e.g. stream management's timers, need theirs);
    // ours ignore a client that is no longer current.
    entity.on('stanza', (el: Element) => {
      if (this.client === client) this.inbound.handle(el);
    });
    const dropped = new Promise<never>((_resolve, reject) => {
      entity.once('disconnect', (info?: { reason?: unknown }) => reject(new Error(`connection closed while logging in: ${describe(info?.reason)}`)));
    });
    dropped.catch(() => undefined);
    entity.on('disconnect', (info?: { reason?: unknown }) => this.onDisconnect(client, describe(info?.reason)));
    try {
      await Promise.race([entity.start(), dropped]);
    } catch (error) {
      throw asConnectError(error);
    }
    await entity.send(xml('presence'));
    this.uploadService = undefined;
    await this.joinWantedRooms();
    if (this.client !== client || this.closing || entity.status !== 'online') throw new Error('the connection closed while joining rooms');
    this.online = true;
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
    const deadlineMs = options.deadlineMs ?? 5000;
    this.closing = true;
    this.online = false;
    this.clearRoomTimers();
    await withDeadline(Promise.allSettled([...this.inFlight]), deadlineMs);
    const entity = this.client?.entity;
    if (entity?.status === 'online') {
      const goodbye = xml('presence', { type: 'unavailable' }, options.reason ? xml('status', {}, options.reason) : null);
      await withDeadline(entity.send(goodbye).catch(() => undefined), deadlineMs);
    }
    await this.teardown(deadlineMs);
  }

  /** Closes the current client (politely within `deadlineMs`, then by force) and forgets rooms. */
  private async teardown(deadlineMs: number): Promise<void> {
    const client = this.client;
    this.client = undefined;
    this.online = false;
    this.clearRoomTimers();
    for (const room of this.rooms.values()) room.markLeft();
    if (client === undefined) return;
    const { entity } = client;
    if (deadlineMs > 0 && entity.status !== 'disconnect' && entity.status !== 'offline') {
      await withDeadline(entity.stop().catch(() => undefined), deadlineMs);
    }
    destroySocket(entity.socket);
  }

  private onDisconnect(client: XmppClient, reason: string): void {
    if (client !== this.client) return;
    const wasOnline = this.online;
    this.online = false;
    this.clearRoomTimers();
    for (const room of this.rooms.values()) room.markLeft();
    if (this.closing || !wasOnline) return; // a failing connect() rejects by itself
    this.ctx.log.warn({ reason }, 'XMPP connection lost');
    this.ctx.connectionLost({ wasSuccessful: true, reason });
  }

  private clearRoomTimers(): void {
    for (const timer of this.rejoinTimers.values()) clearTimeout(timer);
    this.rejoinTimers.clear();
    for (const pending of this.pendingJoins.values()) pending.settle({ ok: false, condition: 'disconnected' });
    this.pendingJoins.clear();
  }

  queueDepth(): number {
    return this.inFlight.size + (this.client?.sm.outbound_q.length ?? 0);
  }

  // --- rooms ------------------------------------------------------------------------------

  private wantedRoomIds(): string[] {
    const fromHub = this.ctx
      .wantedChannels()
      .filter((c) => c.network === this.name)
      .map((c) => bareJid(c.id));
    return [...new Set([...fromHub, ...this.joinedAtRunTime])].filter((id) => !this.parted.has(id) && !this.banned.has(id));
  }

  private async joinWantedRooms(): Promise<void> {
    await Promise.all(this.wantedRoomIds().map((id) => this.joinRoom(id).catch(() => undefined)));
  }

  async join(channel: ChannelRef): Promise<void> {
    const id = bareJid(channel.id);
    this.joinedAtRunTime.add(id);
    this.parted.delete(id);
    this.banned.delete(id);
    if (this.online) await this.joinRoom(id);
  }

  async part(channel: ChannelRef, reason?: string): Promise<void> {
    const id = bareJid(channel.id);
    this.parted.add(id);
    this.joinedAtRunTime.delete(id);
    clearTimeout(this.rejoinTimers.get(id));
    this.rejoinTimers.delete(id);
    const room = this.rooms.get(id);
    this.rooms.delete(id);
    if (room?.joined && this.client) {
      await this.client.entity.send(buildMucLeave({ room: id, nick: room.nick, ...optional('reason', reason) }));
    }
    room?.markLeft();
  }

  members(channel: ChannelRef): readonly UserRef[] {
    const room = this.rooms.get(bareJid(channel.id));
    return room?.joined ? room.members().map((o) => occupantRef(this.name, o)) : [];
  }

  /** Joins a room, trying alternative nicks on a conflict. Rejects (after logging once) on failure. */
  private async joinRoom(id: string): Promise<void> {
    const room = this.rooms.get(id) ?? new MucRoom(id, this.config.nick);
    this.rooms.set(id, room);
    if (room.joined) return;
    for (let attempt = 0; attempt < NICK_ATTEMPTS; attempt++) {
      const nick = attempt === 0 ? this.config.nick : `${this.config.nick}_${attempt}`;
      const outcome = await this.tryJoin(room, nick);
      if (outcome.ok) {
        this.logOnce.forget(`join:${id}`);
        return;
      }
      if (outcome.condition === 'conflict') continue;
      if (outcome.condition === 'disconnected' || outcome.condition === 'superseded') throw new Error(`join of ${id} ${outcome.condition}`);
      if (outcome.condition === 'forbidden') this.banned.add(id);
      const error = new Error(joinFailure(id, outcome.condition));
      this.logOnce.log('error', `join:${id}`, { room: id, condition: outcome.condition }, error.message);
      throw error;
    }
    const error = new Error(`cannot join ${id}: the nicks ${this.config.nick} to ${this.config.nick}_${NICK_ATTEMPTS - 1} are all taken`);
    this.logOnce.log('error', `join:${id}`, { room: id }, error.message);
    throw error;
  }

  private tryJoin(room: MucRoom, nick: string): Promise<JoinOutcome> {
    const client = this.client;
    if (client === undefined) return Promise.resolve({ ok: false, condition: 'disconnected' });
    this.pendingJoins.get(room.id)?.settle({ ok: false, condition: 'superseded' });
    room.startJoin(nick);
    return new Promise<JoinOutcome>((resolve) => {
      const timer = setTimeout(() => settle({ ok: false, condition: 'remote-server-timeout' }), this.config.joinTimeoutMs);
      const settle = (outcome: JoinOutcome): void => {
        clearTimeout(timer);
        if (this.pendingJoins.get(room.id)?.settle === settle) this.pendingJoins.delete(room.id);
        resolve(outcome);
      };
      this.pendingJoins.set(room.id, { settle });
      const password = this.config.roomPasswords[room.id];
      client.entity.send(buildMucJoin({ room: room.id, nick, ...optional('password', password) })).catch((error: unknown) => {
        settle({ ok: false, condition: `send failed: ${describe(error)}` });
      });
    });
  }

  private onSelfChange(room: MucRoom, change: RoomChange): void {
    const pending = this.pendingJoins.get(room.id);
    if (change.kind === 'joined') return pending?.settle({ ok: true });
    if (change.kind === 'join-error') return pending?.settle({ ok: false, condition: change.condition });
    if (change.kind !== 'self-removed') return;
    const channel: ChannelRef = { network: this.name, id: room.id };
    const self: UserRef = { network: this.name, id: `${room.id}/${room.nick}`, nick: room.nick, account: this.config.jid };
    const actor = change.actor;
    if (change.cause === 'kick' || change.cause === 'ban') {
      this.ctx.emit({
        network: this.name,
        sender: actor?.jid ?? room.id,
        command: 'KICK',
        args: { channel, target: self, ...optional('by', actor && occupantRef(this.name, actor)), reason: change.reason ?? '', ban: change.cause === 'ban' },
      });
    } else {
      this.ctx.emit({ network: this.name, sender: self.id, command: 'PART', args: { channel, user: self, reason: change.reason ?? change.cause } });
    }
    if (change.cause === 'ban') {
      this.banned.add(room.id);
      this.logOnce.log('error', `banned:${room.id}`, { room: room.id, reason: change.reason }, 'the bot was banned from a room; not rejoining it');
      return;
    }
    this.logOnce.log('warn', `removed:${room.id}:${change.cause}`, { room: room.id, cause: change.cause, reason: change.reason }, 'the bot was removed from a room; rejoining after a delay');
    this.scheduleRejoin(room.id);
  }

  private onRoomError(room: MucRoom, condition: string): void {
    this.logOnce.log('warn', `room-error:${room.id}:${condition}`, { room: room.id, condition }, 'a room refused a message');
    // XEP-0410: "not-acceptable" means the room no longer counts us as an occupant.
    if (condition === 'not-acceptable' && room.joined) {
      room.markLeft();
      this.scheduleRejoin(room.id);
    }
  }

  private scheduleRejoin(id: string): void {
    if (this.rejoinTimers.has(id)) return;
    const timer = setTimeout(() => {
      this.rejoinTimers.delete(id);
      if (!this.online || !this.wantedRoomIds().includes(id)) return;
      this.joinRoom(id).catch(() => undefined);
    }, this.config.rejoinDelayMs);
    this.rejoinTimers.set(id, timer);
  }

  // --- sending ----------------------------------------------------------------------------

  send(message: OutgoingMessage): Promise<SendResult> {
    return this.track(this.sendNow(message));
  }

  private async sendNow(message: OutgoingMessage): Promise<SendResult> {
    const client = this.requireClient();
    const address = this.addressOf(message.target);
    const rendered = renderStyling(message.body);
    const body = message.kind === 'action' ? `/me ${rendered}` : rendered;
    const attachments = message.attachments ?? [];
    const sent: string[] = [];
    if (body !== '' || attachments.length === 0) {
      sent.push(
        await this.sendMessage(client, address, {
          body,
          ...optional('replaceId', message.editOf === undefined ? undefined : this.ids.forCorrection(address.scope, message.editOf)),
          ...optional('reply', message.replyTo === undefined ? undefined : { id: this.ids.forReference(address.scope, message.replyTo) }),
        }),
      );
    }
    for (const attachment of attachments) {
      const url = await this.shareAttachment(client, attachment);
      if (url === undefined) continue;
      sent.push(await this.sendMessage(client, address, { body: url, links: [{ url, desc: attachment.name }] }));
    }
    return { ids: sent };
  }

  private async sendMessage(client: XmppClient, address: Address, content: Omit<Parameters<typeof buildChatMessage>[0], 'to' | 'type' | 'id'>): Promise<string> {
    const id = randomUUID();
    this.ids.record(address.scope, { senderId: id });
    await client.entity.send(buildChatMessage({ to: address.to, type: address.type, id, ...content }));
    return id;
  }

  /** Re-uploads an attachment with HTTP File Upload; falls back to its original link. */
  private async shareAttachment(client: XmppClient, attachment: Attachment): Promise<string | undefined> {
    if (attachment.url === undefined) {
      this.logOnce.log('warn', 'attachment-without-url', { name: attachment.name }, 'an attachment without a URL cannot be sent; skipped');
      return undefined;
    }
    try {
      const service = await this.findUploadService(client);
      if (service === undefined) throw new Error('the server has no upload service');
      const file = await downloadFile(attachment.url, this.config.maxUploadBytes);
      return await uploadFile(client.iqCaller, service, {
        name: attachment.name,
        data: file.data,
        ...optional('contentType', attachment.mimeType ?? file.contentType),
      });
    } catch (error) {
      this.logOnce.log('warn', `upload:${describe(error)}`, { err: error, file: attachment.name }, 'file upload failed; sending the link instead');
      return attachment.url;
    }
  }

  private findUploadService(client: XmppClient): Promise<UploadService | undefined> {
    this.uploadService ??= discoverUploadService(client.iqCaller, splitJid(this.config.jid).domain, this.config.uploadService).catch(
      (error: unknown) => {
        this.uploadService = undefined; // try again next time
        throw error;
      },
    );
    return this.uploadService;
  }

  async deleteMessage(channel: ChannelRef, messageId: string): Promise<void> {
    const client = this.requireClient();
    const address = this.addressOf({ channel });
    const targetId = this.ids.forReference(address.scope, messageId);
    await this.track(client.entity.send(buildRetraction({ to: address.to, type: address.type, id: randomUUID(), targetId })));
  }

  async react(channel: ChannelRef, messageId: string, reaction: string, remove: boolean): Promise<void> {
    const client = this.requireClient();
    const address = this.addressOf({ channel });
    const mine = new Set(this.reactions.get(address.scope, messageId, SELF));
    if (remove) mine.delete(reaction);
    else mine.add(reaction);
    this.reactions.replace(address.scope, messageId, SELF, mine);
    const targetId = this.ids.forReference(address.scope, messageId);
    await this.track(client.entity.send(buildReactions({ to: address.to, type: address.type, id: randomUUID(), targetId, reactions: [...mine] })));
  }

  private async changeOccupant(channel: ChannelRef, user: UserRef, action: 'kick' | 'ban', reason?: string): Promise<void> {
    const client = this.requireClient();
    const room = this.joinedRoom(channel);
    const nick = user.nick ?? resourceOf(user.id);
    let item: MucAdminItem;
    if (action === 'kick') {
      item = { nick, role: 'none', ...optional('reason', reason) };
    } else {
      const realJid = room.occupant(nick)?.realJid ?? user.account;
      if (realJid === undefined) throw new Error(`cannot ban ${nick} in ${room.id}: their real JID is not known (anonymous room)`);
      item = { jid: bareJid(realJid), affiliation: 'outcast', ...optional('reason', reason) };
    }
    try {
      await client.iqCaller.request(xml('iq', { type: 'set', to: room.id }, buildMucAdminQuery(item)), this.config.joinTimeoutMs);
    } catch (error) {
      throw new Error(`cannot ${action} ${nick} in ${room.id}: ${describe(error)} (does the bot have the rights?)`, { cause: error });
    }
  }

  private requireClient(): XmppClient {
    if (!this.online || this.client === undefined) throw new Error(`${this.name} is not connected`);
    return this.client;
  }

  private joinedRoom(channel: ChannelRef): MucRoom {
    const room = this.rooms.get(bareJid(channel.id));
    if (!room?.joined) throw new Error(`${this.name} is not in ${channel.id}`);
    return room;
  }

  private addressOf(target: OutgoingMessage['target']): Address {
    if ('channel' in target) {
      const room = this.joinedRoom(target.channel);
      return { to: room.id, type: 'groupchat', scope: room.id };
    }
    const id = target.user.id;
    const viaRoom = resourceOf(id) !== '' && this.rooms.has(bareJid(id));
    return { to: id, type: 'chat', scope: viaRoom ? id : bareJid(id) };
  }

  private track<T>(promise: Promise<T>): Promise<T> {
    this.inFlight.add(promise);
    const done = (): void => {
      this.inFlight.delete(promise);
    };
    promise.then(done, done);
    return promise;
  }
}

/** Why a join failed, in words an operator can act on. */
function joinFailure(room: string, condition: string): string {
  const hints: Record<string, string> = {
    'not-authorized': 'the room needs a password (set roomPasswords) or the password is wrong',
    forbidden: 'the bot is banned from the room',
    'registration-required': 'the room is members-only and the bot is not a member',
    'item-not-found': 'the room does not exist and cannot be created',
    'service-unavailable': 'the room is full or the service refused',
    'remote-server-timeout': 'no answer in time',
  };
  return `cannot join ${room}: ${hints[condition] ?? condition}`;
}

/** Marks authentication failures as fatal (retrying cannot fix them). */
function asConnectError(error: unknown): Error {
  if (error instanceof FatalXmppError) return error;
  const err = error instanceof Error ? error : new Error(String(error));
  if (err.name === 'SASLError') {
    return Object.assign(new Error(`XMPP login refused: ${err.message} (check jid and password)`), { fatal: true });
  }
  return err;
}

function describe(reason: unknown): string {
  if (reason instanceof Error) return reason.message;
  if (reason === undefined || reason === null) return 'connection closed';
  return String(reason);
}

function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

/** Destroys the client's socket (a net socket, or the TLS wrapper around one). */
function destroySocket(socket: unknown): void {
  const s = socket as { destroy?: () => void; socket?: { destroy?: () => void } } | null | undefined;
  s?.socket?.destroy?.();
  s?.destroy?.();
}
