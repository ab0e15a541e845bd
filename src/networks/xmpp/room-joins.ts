/**
 * Joining MUC rooms and staying in them: the join handshake with alternative nicks on a
 * conflict and room passwords, what to do when the bot is kicked (rejoin after a delay), banned
 * (log once, stop trying) or the room is destroyed or forgets us (rejoin).
 */
import type { NetworkContext } from '../../core/network.js';
import type { ChannelRef, UserRef } from '../../core/refs.js';
import type { Element } from '@xmpp/xml';
import type { XmppConfig } from './config.js';
import type { LogOnce } from '../log-once.js';
import { bareJid } from './jid.js';
import { MucRoom, optional, type RoomChange } from './muc-room.js';
import { occupantRef } from './refs.js';
import { buildMucJoin } from './stanza-build.js';

/** How many nicks to try when ours is taken in a room: `nick`, then `nick_1` … */
const NICK_ATTEMPTS = 5;

type JoinOutcome = { readonly ok: true } | { readonly ok: false; readonly condition: string };

/** What room joining needs from the adapter. */
export interface RoomJoinsDeps {
  readonly ctx: NetworkContext;
  readonly config: XmppConfig;
  readonly logOnce: LogOnce;
  readonly rooms: Map<string, MucRoom>;
  /** The network's connection (the lifecycle, lifecycle.ts): sends on its session; `online` after ENDBURST. */
  readonly connection: RoomConnection;
  /** Asks a room whether it assigns stanza-ids (room-features.ts); rejects when it cannot tell. */
  assignsStanzaIds(id: string): Promise<boolean>;
  /**
   * The room was joined (`learnt` settles once its stanza-ids were checked): catches up on what
   * it archived meanwhile and then releases its held live messages (catch-up.ts). Not awaited;
   * never rejects.
   */
  joined(room: MucRoom, learnt: Promise<void>): Promise<void>;
}

/** What room joins see of the network's connection. */
export interface RoomConnection {
  readonly online: boolean;
  readonly session: { readonly entity: { send(el: Element): Promise<void> } } | undefined;
}

export class RoomJoins {
  private readonly pending = new Map<string, (outcome: JoinOutcome) => void>();
  private readonly rejoinTimers = new Map<string, NodeJS.Timeout>();
  private readonly banned = new Set<string>();
  /** Rooms joined at run time (`want`), beside those the hub's bridges name. */
  private readonly joinedAtRunTime = new Set<string>();
  /** Rooms parted at run time (`unwant`): not joined again, even when a bridge names them. */
  private readonly parted = new Set<string>();

  constructor(private readonly deps: RoomJoinsDeps) {}

  /** The rooms to be in: the bridges' (`fromHub`) and those joined at run time, less those parted and those we are banned from. */
  wanted(fromHub: readonly string[]): string[] {
    return [...new Set([...fromHub, ...this.joinedAtRunTime])].filter((id) => !this.parted.has(id) && !this.banned.has(id));
  }

  /** The rooms to be in now: those the hub's bridges name on this network, see `wanted`. */
  wantedNow(): string[] {
    const { ctx } = this.deps;
    return this.wanted(ctx.wantedChannels().filter((c) => c.network === ctx.name).map((c) => bareJid(c.id)));
  }

  /** Network.join: the room is wanted from now on, and joined at once when online. */
  async enter(channel: ChannelRef): Promise<void> {
    const id = bareJid(channel.id);
    this.want(id);
    if (this.deps.connection.online) await this.join(id);
  }

  /**
   * Network.part: the room is no longer wanted and is forgotten. Returns its id and the room
   * (when it was joined or joining: the caller sends the leave, then marks it left).
   */
  drop(channel: ChannelRef): { readonly id: string; readonly room: MucRoom | undefined } {
    const id = bareJid(channel.id);
    this.unwant(id);
    const room = this.deps.rooms.get(id);
    this.deps.rooms.delete(id);
    return { id, room: room?.joined || room?.joining ? room : undefined };
  }

  /** The hub asked to join `id` (Network.join): wanted from now on, also if we were banned. */
  want(id: string): void {
    this.joinedAtRunTime.add(id);
    this.parted.delete(id);
    this.allow(id);
  }

  /** The hub asked to part `id` (Network.part): no longer wanted; a join under way is cancelled. */
  unwant(id: string): void {
    this.parted.add(id);
    this.joinedAtRunTime.delete(id);
    this.cancel(id);
  }

  /** True when the bot was banned from the room (it does not try again until `allow`). */
  isBanned(id: string): boolean {
    return this.banned.has(id);
  }

  /** Lets the bot try a room again (the hub asked for it explicitly). */
  allow(id: string): void {
    this.banned.delete(id);
  }

  /** Joins a room, trying alternative nicks on a conflict. Rejects (after logging once) on failure. */
  async join(id: string): Promise<void> {
    const { config, logOnce, rooms } = this.deps;
    const room = rooms.get(id) ?? new MucRoom(id, config.nick);
    rooms.set(id, room);
    if (room.joined) return;
    for (let attempt = 0; attempt < NICK_ATTEMPTS; attempt++) {
      const outcome = await this.tryJoin(room, attempt === 0 ? config.nick : `${config.nick}_${attempt}`);
      if (outcome.ok) {
        logOnce.forget(`join:${id}`);
        const learnt = this.learnStanzaIds(room);
        void this.deps.joined(room, learnt);
        await learnt;
        return;
      }
      if (outcome.condition === 'conflict') continue;
      if (outcome.condition === 'disconnected' || outcome.condition === 'superseded') throw new Error(`join of ${id} ${outcome.condition}`);
      if (outcome.condition === 'forbidden') this.banned.add(id);
      throw this.failed(id, joinFailure(id, outcome.condition), outcome.condition);
    }
    throw this.failed(id, `cannot join ${id}: the nicks ${config.nick} to ${config.nick}_${NICK_ATTEMPTS - 1} are all taken`, 'conflict');
  }

  /** Asks the room whether its stanza-ids can be believed; when it cannot tell, they are not. */
  private async learnStanzaIds(room: MucRoom): Promise<void> {
    try {
      room.assignsStanzaIds = await this.deps.assignsStanzaIds(room.id);
    } catch (error) {
      room.assignsStanzaIds = false;
      this.deps.logOnce.log('warn', `disco:${room.id}`, { room: room.id, err: error }, 'the room did not say whether it assigns stanza-ids; its stanza-ids are not used');
    }
  }

  private failed(id: string, message: string, condition: string): Error {
    this.deps.logOnce.log('error', `join:${id}`, { room: id, condition }, message);
    return new Error(message);
  }

  private tryJoin(room: MucRoom, nick: string): Promise<JoinOutcome> {
    const entity = this.deps.connection.session?.entity;
    if (entity === undefined) return Promise.resolve({ ok: false, condition: 'disconnected' });
    this.pending.get(room.id)?.({ ok: false, condition: 'superseded' });
    room.startJoin(nick, this.deps.config.catchUp.enabled);
    return new Promise<JoinOutcome>((resolve) => {
      const timer = setTimeout(() => settle({ ok: false, condition: 'remote-server-timeout' }), this.deps.config.joinTimeoutMs);
      const settle = (outcome: JoinOutcome): void => {
        clearTimeout(timer);
        if (this.pending.get(room.id) === settle) this.pending.delete(room.id);
        resolve(outcome);
      };
      this.pending.set(room.id, settle);
      const password = this.deps.config.roomPasswords[room.id];
      entity.send(buildMucJoin({ room: room.id, nick, ...optional('password', password) })).catch((error: unknown) => {
        settle({ ok: false, condition: `send failed: ${(error as Error).message}` });
      });
    });
  }

  /** A change about the bot itself in a room (from the inbound side). */
  onSelfChange(room: MucRoom, change: RoomChange): void {
    const settle = this.pending.get(room.id);
    if (change.kind === 'joined') return settle?.({ ok: true });
    if (change.kind === 'join-error') return settle?.({ ok: false, condition: change.condition });
    if (change.kind !== 'self-removed') return;
    this.emitRemoval(room, change);
    const { logOnce } = this.deps;
    if (change.cause === 'ban') {
      this.banned.add(room.id);
      logOnce.log('error', `banned:${room.id}`, { room: room.id, reason: change.reason }, 'the bot was banned from a room; not rejoining it');
      return;
    }
    logOnce.log(
      'warn',
      `removed:${room.id}:${change.cause}`,
      { room: room.id, cause: change.cause, reason: change.reason },
      'the bot was removed from a room; rejoining after a delay',
    );
    this.scheduleRejoin(room.id);
  }

  /** KICK for a kick or ban of the bot (someone did it), PART otherwise. */
  private emitRemoval(room: MucRoom, change: Extract<RoomChange, { kind: 'self-removed' }>): void {
    const { ctx, config } = this.deps;
    const channel: ChannelRef = { network: ctx.name, id: room.id };
    const self: UserRef = { network: ctx.name, id: `${room.id}/${room.nick}`, nick: room.nick, account: config.jid };
    const { actor } = change;
    if (change.cause === 'kick' || change.cause === 'ban') {
      ctx.emit({
        network: ctx.name,
        sender: actor?.jid ?? room.id,
        command: 'KICK',
        args: { channel, target: self, ...optional('by', actor && occupantRef(ctx.name, actor)), reason: change.reason ?? '', ban: change.cause === 'ban' },
      });
    } else {
      ctx.emit({ network: ctx.name, sender: self.id, command: 'PART', args: { channel, user: self, reason: change.reason ?? change.cause } });
    }
  }

  /** A room bounced one of our messages. */
  onRoomError(room: MucRoom, condition: string): void {
    this.deps.logOnce.log('warn', `room-error:${room.id}:${condition}`, { room: room.id, condition }, 'a room refused a message');
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
      if (!this.deps.connection.online || !this.wantedNow().includes(id) || this.banned.has(id)) return;
      this.join(id).catch(() => undefined);
    }, this.deps.config.rejoinDelayMs);
    this.rejoinTimers.set(id, timer);
  }

  /** Stops a pending rejoin of one room, and a join under way (it fails as superseded). */
  cancel(id: string): void {
    clearTimeout(this.rejoinTimers.get(id));
    this.rejoinTimers.delete(id);
    this.pending.get(id)?.({ ok: false, condition: 'superseded' });
  }

  /** Stops every pending rejoin and fails every join under way (the connection is gone). */
  cancelAll(): void {
    for (const timer of this.rejoinTimers.values()) clearTimeout(timer);
    this.rejoinTimers.clear();
    for (const settle of this.pending.values()) settle({ ok: false, condition: 'disconnected' });
    this.pending.clear();
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
