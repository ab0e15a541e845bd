/**
 * The XMPP component network (XEP-0114): the hub owns a domain of the XMPP server and shows
 * every remote person as a JID of their own there (puppet-jid.ts). A bot occupant
 * (`<botUser>@<domain>/bot`) reads each bridged room with the same room machinery as the `xmpp`
 * network (room joins, inbound events, outbound messages); each remote person the relay speaks
 * for (`asUser`) joins the room as an occupant of their own (puppet-rooms.ts) and speaks there
 * as themselves: messages, /me, corrections, replies, files (their link, as OOB data), and
 * retractions and reactions; their nick changes, away state and typing are shown natively
 * (`puppetChange`), and they leave when they leave (a quit: every room).
 *
 * One-to-one: a message to a person's JID is a private message to them, which the relay's
 * private messages handle (direct-messages.ts); their answers come from that JID. Presence: the
 * relay tells the component people's availability (`presence`), which their subscribers see
 * (presences.ts: subscriptions, probes, the presence router callbacks). Puppets' vCards and
 * disco: iq-answers.ts.
 *
 * Lifecycle as for every network: `connect()` connects, does the handshake, joins the bot to the
 * wanted rooms and emits ENDBURST; a lost connection is reported through `ctx.connectionLost`
 * and the hub calls `connect()` again; once the bot is back in the rooms, the puppets that were
 * in them when the connection was lost join them again (`rejoinPuppets`), a batch at a time.
 */
import xml, { type Element } from '@xmpp/xml';
import type { Client } from '@xmpp/client-core';
import middlewareFactory from '@xmpp/middleware';
import iqCallerFactory, { type IqCaller } from '@xmpp/iq/caller.js';
import type { Network, NetworkCapabilities, NetworkContext, OutgoingMessage, PuppetChange, SendResult } from '../../core/network.js';
import type { PresenceArgs } from '../../core/catalog.js';
import { plainText } from '../../core/richtext-ops.js';
import type { ChannelRef, UserRef } from '../../core/refs.js';
import { LogOnce } from '../log-once.js';
import { Confirmations } from '../xmpp/confirmations.js';
import { Inbound } from '../xmpp/inbound.js';
import { bareJid, resourceOf } from '../xmpp/jid.js';
import { XmppLifecycle } from '../xmpp/lifecycle.js';
import { MessageIds } from '../xmpp/message-ids.js';
import { NS } from '../xmpp/namespaces.js';
import type { MucRoom } from '../xmpp/muc-room.js';
import { Outbound, type StanzaClient } from '../xmpp/outbound.js';
import { ReactionSets } from '../xmpp/reactions.js';
import { isRoomModerator, roomMembers } from '../xmpp/refs.js';
import { roomAssignsStanzaIds } from '../xmpp/room-features.js';
import { RoomJoins } from '../xmpp/room-joins.js';
import { buildMucLeave } from '../xmpp/stanza-build.js';
import { defaultEgressClient } from '../../net/egress/index.js';
import { addresseeOf, type Addressee } from './addressees.js';
import { botBareJid, roomOptions, type XmppComponentConfig } from './config.js';
import { createComponentEntity, startComponent, type ComponentEndpoint } from './connection.js';
import { answerIq, errorReply } from './iq-answers.js';
import { PuppetMessages } from './puppet-messages.js';
import { isNickChange, PuppetRooms, puppetJid } from './puppet-rooms.js';
import { refusalStanza, Writers } from './direct-messages.js';
import { People, puppetBareJid } from './people.js';
import { Presences } from './presences.js';
import type { PuppetId } from './puppet-jid.js';
import { Subscriptions } from './subscriptions.js';

/** The bot occupant's resource. */
const BOT_RESOURCE = 'bot';
/** How long a room may take to reflect a message before its delivery counts as uncertain. */
const ECHO_TIMEOUT_MS = 30_000;
/** How often idle puppets are looked for (at most). */
const IDLE_SWEEP_MS = 60_000;
/** Presence types about subscriptions (RFC 6121 §3) and probes, which presences.ts answers. */
const SUBSCRIPTION_TYPES = new Set(['subscribe', 'unsubscribe', 'subscribed', 'unsubscribed', 'probe']);
/** What a room answers to a message from someone who is not (or no longer) an occupant. */
const GONE_CONDITIONS = new Set(['not-acceptable', 'forbidden', 'not-allowed', 'item-not-found']);

/** The connection of one connect attempt and its IQ requester. */
interface Session {
  readonly entity: Client;
  readonly iqCaller: IqCaller;
}

/** A network reached as an XMPP external component (XEP-0114); see the file's comment. */
export class XmppComponentNetwork implements Network {
  readonly protocol = 'xmpp-component';
  readonly capabilities: NetworkCapabilities = {
    edits: true,
    // From the person's puppet (the bot's where they have none in the room).
    deletes: true,
    reactions: true,
    replies: true,
    threads: false,
    // Not re-uploaded: the file's link goes out as OOB data (XEP-0066), from the puppet.
    attachments: true,
    typing: true,
    formatting: 'xmpp-styling',
    puppets: true,
    delayMarks: true,
    replaysHistory: false,
  };

  private readonly lifecycle: XmppLifecycle<Session>;
  private idleSweep: NodeJS.Timeout | undefined;
  private readonly botJid: string;
  private readonly endpoint: ComponentEndpoint;
  private readonly rooms = new Map<string, MucRoom>();
  private readonly logOnce: LogOnce;
  private readonly confirmations = new Confirmations(ECHO_TIMEOUT_MS);
  private readonly joins: RoomJoins;
  private readonly inbound: Inbound;
  private readonly outbound: Outbound;
  private readonly puppets: PuppetRooms;
  private readonly people: People;
  private readonly presences: Presences;
  private readonly writers = new Writers();
  private readonly ids = new MessageIds();
  private readonly puppetMessages = new PuppetMessages();
  /** Puppets' messages awaiting their echo (`room\0id`): true once the room bounced one for want of its occupant. */
  private readonly puppetSends = new Map<string, boolean>();

  constructor(
    private readonly ctx: NetworkContext,
    private readonly config: XmppComponentConfig,
  ) {
    this.logOnce = new LogOnce(ctx.log);
    this.botJid = `${botBareJid(config)}/${BOT_RESOURCE}`;
    this.endpoint = {
      domain: config.domain, host: config.host, port: config.port, password: config.password, tls: config.tls,
      ...(config.tlsCa === undefined ? {} : { tlsCa: config.tlsCa }), tlsInsecure: config.tlsInsecure,
      connectTimeoutMs: config.connectTimeoutMs, handshakeTimeoutMs: config.handshakeTimeoutMs, maxStanzaChars: config.maxStanzaChars,
    };
    const options = roomOptions(config);
    const ids = this.ids;
    const reactions = new ReactionSets();
    this.lifecycle = new XmppLifecycle<Session>({
      ctx,
      logOnce: this.logOnce,
      joins: { cancelAll: () => this.joins.cancelAll() },
      confirmations: this.confirmations,
      errorLog: { key: 'component-error', message: 'XMPP component connection error' },
      lostMessage: 'XMPP component connection lost',
      onStanza: (_session, el) => this.route(el),
      gone: () => this.connectionGone(),
    });
    this.joins = new RoomJoins({
      ctx,
      config: options,
      logOnce: this.logOnce,
      rooms: this.rooms,
      connection: this.lifecycle,
      assignsStanzaIds: (id) => roomAssignsStanzaIds(this.requireSession(false).iqCaller, id, config.joinTimeoutMs),
      joined: () => Promise.resolve(),
    });
    this.puppets = new PuppetRooms({
      domain: config.domain,
      logOnce: this.logOnce,
      joinTimeoutMs: config.joinTimeoutMs,
      maxPerRoom: config.maxPuppetsPerRoom,
      roomPasswords: options.roomPasswords,
      send: (el) => this.requireSession(false).entity.send(el),
      nickTaken: (room, nick, jid) => {
        const mucRoom = this.rooms.get(room);
        if (mucRoom === undefined) return false;
        // An occupant of the puppet's own JID is the puppet itself, left over from before a
        // reconnect (Prosody restores occupants after a restart): the join takes it over.
        const holder = mucRoom.occupant(nick)?.realJid;
        return mucRoom.nick === nick || (holder !== undefined && bareJid(holder) !== bareJid(jid));
      },
    });
    this.inbound = new Inbound({
      ctx,
      rooms: this.rooms,
      ids,
      reactions,
      logOnce: this.logOnce,
      account: botBareJid(config),
      confirmations: this.confirmations,
      peerBridges: new Set(options.peerBridges),
      maxBodyBytes: config.maxBodyBytes,
      onSelfChange: (room, change) => this.joins.onSelfChange(room, change),
      onRoomError: (room, condition) => this.joins.onRoomError(room, condition),
      isOwnOccupant: (room, nick) => this.puppets.isPuppetNick(room, nick),
      recipientOf: (to) => {
        const addressee = addresseeOf(to, config.domain, config.botUser);
        return addressee.kind === 'puppet' ? { network: ctx.name, id: addressee.bare, nick: this.nickOf(addressee.puppet) } : undefined;
      },
    });
    this.people = new People(config.domain);
    this.presences = new Presences({
      network: ctx.name,
      domain: config.domain,
      people: this.people,
      subscriptions: new Subscriptions(ctx.store),
      ...(ctx.presenceRouting === undefined ? {} : { routing: ctx.presenceRouting }),
      logOnce: this.logOnce,
      send: (el) => this.requireSession(false).entity.send(el),
      online: () => this.lifecycle.online,
    });
    this.outbound = new Outbound({
      name: ctx.name,
      config: options,
      logOnce: this.logOnce,
      rooms: this.rooms,
      ids,
      reactions,
      confirmations: this.confirmations,
      egress: ctx.egress ?? defaultEgressClient(),
      client: () => this.requireSession(true),
    });
  }

  get name(): string {
    return this.ctx.name;
  }

  // --- lifecycle --------------------------------------------------------------------------

  async connect(): Promise<void> {
    const create = (): Session => {
      const entity = createComponentEntity(this.endpoint);
      const middleware = middlewareFactory({ entity });
      stampFrom(entity, this.botJid);
      return { entity, iqCaller: iqCallerFactory({ middleware, entity }) };
    };
    const { session } = await this.lifecycle.open(create, (s, signal) => startComponent(s.entity, this.endpoint, signal));
    const { entity } = session;
    this.outbound.reset();
    await Promise.all(this.joins.wantedNow().map((id) => this.joins.join(id).catch(() => undefined)));
    this.lifecycle.goOnline(session, entity.socket !== null);
    this.ctx.log.info(
      { domain: this.config.domain, bot: this.botJid, encrypted: entity.isSecure(), rooms: [...this.rooms.values()].filter((r) => r.joined).map((r) => r.id) },
      'XMPP component online',
    );
    this.startIdleSweep(session);
    void this.track(this.presences.announce().catch((error: unknown) => {
      this.logOnce.log('warn', `announce:${(error as Error).message}`, { err: error }, 'could not tell subscribers the puppets\' presence');
    }));
    this.ctx.emit({ network: this.name, sender: this.name, command: 'ENDBURST', args: { server: this.name } });
    void this.rejoinPuppets(); // not a send: not in queueDepth; a lost connection ends its joins
  }

  /**
   * After a lost connection: the puppets that were in rooms join them again at once (not on
   * their next message), in rooms the bot is in again, a batch at a time (join-slots.ts). A
   * puppet the room refuses now speaks through the bot, as on a first join. Never rejects.
   */
  private async rejoinPuppets(): Promise<void> {
    const places = this.puppets.takeRejoins().filter((p) => this.rooms.get(p.room)?.joined === true);
    if (places.length === 0) return;
    const joined = await Promise.all(places.map((p) => this.puppets.ensure(p.room, p.person).catch(() => undefined)));
    const back = joined.filter((p) => p !== undefined).length;
    this.ctx.log.info({ puppets: places.length, rejoined: back }, 'puppets rejoined their rooms after the reconnect');
  }

  /** Looks for idle puppets now and then while `session` is current (puppetIdleMinutes). */
  private startIdleSweep(session: Session): void {
    const idleMs = this.config.puppetIdleMinutes * 60_000;
    if (idleMs <= 0) return;
    clearInterval(this.idleSweep);
    this.idleSweep = setInterval(() => {
      if (this.lifecycle.session !== session || !this.lifecycle.online) return;
      const goodbyes = this.puppets.sweepIdle(idleMs, 'idle');
      for (const el of goodbyes) void this.sendRaw(el);
    }, Math.min(IDLE_SWEEP_MS, idleMs));
    this.idleSweep.unref();
  }

  async disconnect(options: { readonly deadlineMs?: number; readonly reason?: string } = {}): Promise<void> {
    const reason = options.reason ?? 'shutting down';
    await this.lifecycle.close({
      deadlineMs: options.deadlineMs ?? 5000,
      goodbyes: (session) => session === undefined || session.entity.socket === null ? [] : [
        ...this.presences.goodbyes(),
        ...this.puppets.leaveAll(reason),
        ...[...this.rooms.values()].filter((r) => r.joined).map((r) => buildMucLeave({ room: r.id, nick: r.nick, reason })),
      ],
    });
  }

  /** Nothing is joined any more: the bot rejoins on connect, puppets on their next message. */
  private connectionGone(): void {
    clearInterval(this.idleSweep);
    this.idleSweep = undefined;
    for (const room of this.rooms.values()) room.markLeft();
    this.confirmations.dropAll('the connection ended');
    this.puppets.forgetAll();
  }

  queueDepth(): number {
    return this.lifecycle.pending;
  }

  // --- received stanzas -------------------------------------------------------------------

  /** Hands a stanza to whoever it is for. Never throws. */
  private route(el: Element): void {
    try {
      const to = typeof el.attrs.to === 'string' ? el.attrs.to : '';
      const addressee = addresseeOf(to, this.config.domain, this.config.botUser);
      const type = typeof el.attrs.type === 'string' ? el.attrs.type : undefined;
      if (el.name === 'iq') {
        if (type !== 'get' && type !== 'set') return; // replies: the IQ caller has them
        const reply = answerIq(el, this.ownPuppet(addressee) ? { kind: 'unknown' } : addressee, 'Switchboard', (p) => this.nickOf(p));
        if (reply.attrs.type === 'error') this.refusedOnce(el, addressee.kind, reply);
        void this.sendRaw(reply);
        return;
      }
      if (addressee.kind === 'bot') return this.toBot(el);
      if (addressee.kind === 'puppet' && !this.ownPuppet(addressee)) return this.toPuppet(el, to, addressee);
      if (el.name === 'message' && type !== 'error' && type !== 'groupchat' && !this.fromRoom(el)) {
        const reply = errorReply(el, 'cancel', 'service-unavailable');
        this.refusedOnce(el, addressee.kind, reply);
        void this.sendRaw(reply);
      }
      // Presences to the domain or to no one need no answer.
    } catch (error) {
      this.logOnce.log('warn', `route:${(error as Error).message}`, { err: error, stanza: el.name }, 'could not handle a stanza; ignored');
    }
  }

  private toBot(el: Element): void {
    this.inbound.handle(el);
    if (el.name === 'presence' && el.attrs.type === 'unavailable' && typeof el.attrs.from === 'string') {
      this.puppets.sawUnavailable(bareJid(el.attrs.from), resourceOf(el.attrs.from), isNickChange(el));
    }
  }

  /** A "puppet" JID for a person of this very network stands for no one (puppets are of other networks). */
  private ownPuppet(addressee: Addressee): boolean {
    return addressee.kind === 'puppet' && addressee.puppet.network === this.name;
  }

  private toPuppet(el: Element, to: string, addressee: Extract<Addressee, { kind: 'puppet' }>): void {
    if (el.name === 'presence') {
      if (typeof el.attrs.type === 'string' && SUBSCRIPTION_TYPES.has(el.attrs.type)) return void this.track(this.presences.request(el, addressee.puppet, addressee.bare));
      return this.puppets.onPresence(el, to);
    }
    if (el.name !== 'message') return;
    const type = el.attrs.type;
    if (type === 'groupchat') return; // the room reflecting what puppets and others said: the bot reads it
    if (type === 'error') {
      // A puppet's message bounced (it is no longer in the room, say): its send fails; it rejoins next time.
      const room = bareJid(String(el.attrs.from ?? ''));
      const condition = el.getChild('error')?.children.find((c): c is Element => typeof c !== 'string')?.name ?? 'undefined-condition';
      if (!this.rooms.has(room)) {
        // A one-to-one message from a person bounced (no such user, say): nothing to retry.
        this.logOnce.log('info', `direct-bounce:${condition}`, { condition }, 'a one-to-one message from a puppet bounced (logged once per reason)');
        return;
      }
      if (typeof el.attrs.id === 'string') {
        const sent = `${room}\u0000${el.attrs.id}`;
        if (this.puppetSends.has(sent) && GONE_CONDITIONS.has(condition)) this.puppetSends.set(sent, true);
        this.confirmations.refused(room, el.attrs.id, condition);
      }
      this.puppets.sawUnavailable(room, resourceOf(String(el.attrs.from ?? '')));
      this.logOnce.log('warn', `puppet-bounce:${room}:${condition}`, { room, condition }, 'a room bounced a puppet\'s message (logged once per room and reason)');
      return;
    }
    if (type === 'headline' || el.getChild('body') === undefined) return; // chat states, receipts: nothing to relay
    // Never an error back to a room (a notice, an invitation): rooms remove occupants that answer with errors.
    // An occupant's private message through the room (not ours) is one-to-one like any other.
    if (this.fromRoom(el)) {
      if (type === 'chat' && this.isOthersOccupant(String(el.attrs.from))) this.inbound.handle(el);
      return;
    }
    // One-to-one: a private message to the person (direct-messages.ts); the relay decides.
    if (typeof el.attrs.from === 'string') this.writers.wrote(el.attrs.from);
    this.inbound.handle(el);
  }

  /** The person a puppet stands for, named as last known (else by their id). */
  private nickOf(puppet: PuppetId): string {
    const bare = puppetBareJid({ network: puppet.network, id: puppet.userId }, this.config.domain);
    return (bare === undefined ? undefined : this.people.get(bare)?.user.nick) ?? puppet.userId;
  }

  /**
   * The remote person `user` stands for: a room occupant that is one of our puppets
   * (`room/nick`), or a puppet's JID on this network (as one-to-one messages name it).
   */
  puppetOf(user: UserRef): UserRef | undefined {
    if (user.network !== this.name) return undefined;
    const occupant = this.puppets.personAt(bareJid(user.id), resourceOf(user.id));
    if (occupant !== undefined) return occupant;
    const addressee = addresseeOf(user.id, this.config.domain, this.config.botUser);
    if (addressee.kind !== 'puppet' || this.ownPuppet(addressee)) return undefined;
    const known = this.people.get(addressee.bare)?.user;
    return known ?? { network: addressee.puppet.network, id: addressee.puppet.userId, nick: addressee.puppet.userId };
  }

  /** Remote people's availability (the relay): kept, and shown to their subscribers (presences.ts). */
  presence(updates: readonly PresenceArgs[]): Promise<void> {
    return this.track(this.presences.update(updates));
  }

  /** True when `jid` is an occupant of a room the bot is in who is neither the bot nor a puppet. */
  private isOthersOccupant(jid: string): boolean {
    const room = this.rooms.get(bareJid(jid));
    const nick = resourceOf(jid);
    return room !== undefined && nick !== '' && nick !== room.nick && !this.puppets.isPuppetNick(room.id, nick);
  }

  /** True when `el` comes from a room the bot is in (or one of its occupants). */
  private fromRoom(el: Element): boolean {
    return typeof el.attrs.from === 'string' && this.rooms.has(bareJid(el.attrs.from));
  }

  private refusedOnce(el: Element, kind: string, reply: Element): void {
    const condition = reply.getChild('error')?.children.find((c): c is Element => typeof c !== 'string')?.name ?? '';
    this.logOnce.log('info', `refused:${el.name}:${kind}:${condition}`, { stanza: el.name, to: el.attrs.to, condition },
      'a stanza to the component was answered with an error (logged once per kind)');
  }

  /** Writes a stanza whose `from` is set; a send failure (the connection went) is only logged. */
  private async sendRaw(el: Element): Promise<void> {
    try {
      await this.requireSession(false).entity.send(el);
    } catch (error) {
      this.logOnce.log('warn', `send:${(error as Error).message}`, { err: error }, 'could not send a stanza');
    }
  }

  // --- rooms ------------------------------------------------------------------------------

  join(channel: ChannelRef): Promise<void> {
    return this.joins.enter(channel);
  }

  async part(channel: ChannelRef, reason?: string): Promise<void> {
    const { id, room } = this.joins.drop(channel);
    const goodbyes = this.puppets.leaveRoom(id, reason ?? '');
    const entity = this.lifecycle.session?.entity;
    if (entity !== undefined) {
      await Promise.all(goodbyes.map((el) => entity.send(el))).catch(() => undefined);
      if (room !== undefined) await entity.send(buildMucLeave({ room: id, nick: room.nick, ...(reason ? { reason } : {}) }));
    }
    room?.markLeft();
  }

  members(channel: ChannelRef): readonly UserRef[] {
    return roomMembers(this.rooms, this.name, channel);
  }

  botUser(channel: ChannelRef): UserRef | undefined {
    const room = this.rooms.get(bareJid(channel.id));
    if (!room?.joined) return undefined;
    return { network: this.name, id: `${room.id}/${room.nick}`, nick: room.nick, account: botBareJid(this.config) };
  }

  isModerator(channel: ChannelRef, user: UserRef): boolean | undefined {
    return isRoomModerator(this.rooms, channel, user);
  }

  // --- sending ----------------------------------------------------------------------------

  send(message: OutgoingMessage): Promise<SendResult> {
    return this.track(this.sendNow(message));
  }

  /** `again`: the second try of a message whose puppet the room had removed meanwhile. */
  private async sendNow(message: OutgoingMessage, again = false): Promise<SendResult> {
    const person = message.asUser;
    if (person === undefined) return this.outbound.send(message);
    if ('channel' in message.target) {
      const room = bareJid(message.target.channel.id);
      if (this.rooms.get(room)?.joined !== true) throw new Error(`${this.name} is not in ${room}`);
      const puppet = await this.puppets.ensure(room, person);
      if (puppet !== undefined) {
        const result = await this.outbound.send(message, this.sendingAs(puppet.jid, this.puppets.endTyping(puppet)));
        this.puppetMessages.sent(room, result.ids, puppet.jid);
        return again ? result : this.againIfBounced(room, message, result);
      }
    } else {
      // A private message from the person: from their puppet's JID (direct-messages.ts).
      const jid = puppetJid(person, this.config.domain);
      if (jid !== undefined) return this.toUser(message, person, jid, message.target.user.id);
    }
    // No puppet for them here (refused, too many, an id too long for a JID): through the bot, named.
    return this.outbound.send({ ...message, attribution: nameTag(message.kind, person) });
  }

  /**
   * A one-to-one message from the person `person` (their puppet's full JID `from`) to the XMPP
   * user `to`, or the refusal of theirs. To a room occupant it goes through the room, from the
   * puppet's occupant (joined first when needed; through the bot, named, when it cannot be).
   */
  private async toUser(message: OutgoingMessage, person: UserRef, from: string, to: string): Promise<SendResult> {
    const room = this.rooms.get(bareJid(to));
    if (room !== undefined) {
      // A refusal too goes as a message: an error through a room could cost the puppet its seat.
      if (!room.joined) throw new Error(`${this.name} is not in ${room.id}`);
      // A refusal never brings a puppet into the room (the person may be in no room at all).
      const puppet = message.refusal === undefined ? await this.puppets.ensure(room.id, person) : this.puppets.joinedPuppet(room.id, person);
      return puppet === undefined
        ? this.outbound.send({ ...message, attribution: nameTag(message.kind, person) })
        : this.outbound.send(message, this.sendingAs(puppet.jid));
    }
    const refusal = message.refusal;
    if (refusal === undefined) return this.outbound.send(message, this.sendingAs(from));
    const id = this.ids.forReference(bareJid(to), refusal.messageId);
    const text = plainText(message.body);
    await this.requireSession(true).entity.send(refusalStanza(from.slice(0, from.lastIndexOf('/')), this.writers.fullJid(to), id, refusal.reason, text));
    return { ids: [] };
  }

  /**
   * A room may remove a puppet (a kick, a ban, a restart) while its message is on the way: the
   * room bounces the message, and it is sent once more, by the puppet joining again or, when the
   * room refuses that, through the bot.
   */
  private againIfBounced(room: string, message: OutgoingMessage, result: SendResult): SendResult {
    if (result.confirmed === undefined) return result;
    const keys = result.ids.map((id) => `${room}\u0000${id}`);
    for (const k of keys) this.puppetSends.set(k, false);
    const forget = (): void => {
      for (const k of keys) this.puppetSends.delete(k);
    };
    const confirmed = result.confirmed.then(forget, async (error: unknown) => {
      const bounced = keys.some((k) => this.puppetSends.get(k) === true);
      forget();
      if (!bounced) throw error;
      await (await this.sendNow(message, true)).confirmed;
    });
    confirmed.catch(() => undefined);
    return { ids: result.ids, confirmed };
  }

  /**
   * A connection view whose stanzas go out from `jid`; with `endsTyping`, the first message with
   * a body carries `<active/>` (XEP-0085: the typing the room was shown is over).
   */
  private sendingAs(jid: string, endsTyping = false): StanzaClient {
    const session = this.requireSession(true);
    let active = endsTyping;
    return {
      iqCaller: session.iqCaller,
      entity: {
        send: (el: Element) => {
          el.attrs.from = jid;
          if (active && el.name === 'message' && el.getChild('body') !== undefined) {
            el.append(xml('active', { xmlns: NS.chatStates }));
            active = false;
          }
          return session.entity.send(el);
        },
      },
    };
  }

  /** The person's puppet leaves the room (they left it), or every room (`quit`: they left their network). */
  async leave(channel: ChannelRef, user: UserRef, reason: string, quit = false): Promise<void> {
    if (this.lifecycle.session === undefined) return;
    await this.track(this.puppets.leave(bareJid(channel.id), user, reason, quit));
  }

  /** The puppets of everyone of `network` leave every room (that network is unreachable). */
  async leaveAll(network: string, reason: string): Promise<void> {
    if (this.lifecycle.session === undefined || network === this.name) return;
    await this.track(this.puppets.leaveNetwork(network, reason));
  }

  /**
   * A remote person's change shown by their puppet (Network.puppetChange): a join (`join`: the
   * puppet joins the room and stays while they are in the channel, without the idle timeout), a
   * nick change (`nick`), their away state (`away`: also remembered for when the puppet joins)
   * and typing (`typing`). False where they have no puppet in the room (or the room refuses one),
   * and for what a puppet does not show (topics, kicks, prefix modes).
   */
  async puppetChange(channel: ChannelRef, user: UserRef, change: PuppetChange): Promise<boolean> {
    const room = bareJid(channel.id);
    if (!this.lifecycle.online || this.rooms.get(room)?.joined !== true) return false;
    switch (change.kind) {
      case 'join':
        // In the channel, so in the room: the occupant list shows them before they speak.
        return (await this.track(this.puppets.ensure(room, user, { present: true }))) !== undefined;
      case 'nick':
        return this.track(this.puppets.changeNick(room, user, change.user));
      case 'away': {
        const { present, update } = this.puppets.awayChanged(room, user, change.text);
        if (update !== undefined) await this.sendRaw(update);
        return present;
      }
      case 'typing': {
        const { present, notification } = this.puppets.typing(room, user, change.state);
        if (notification !== undefined) await this.sendRaw(notification);
        return present;
      }
      default:
        return false;
    }
  }

  /**
   * Retracts a message (XEP-0424) from the puppet that sent it, while it is in the room; else
   * (a message of the bot's, or one whose puppet left or is no longer known) from the bot.
   */
  async deleteMessage(channel: ChannelRef, messageId: string): Promise<void> {
    const room = bareJid(channel.id);
    const sender = this.puppetMessages.senderOf(room, messageId);
    const puppet = sender === undefined ? undefined : this.puppets.joinedWithJid(room, sender);
    if (sender !== undefined && puppet === undefined) {
      this.logOnce.log('info', `retract-by-bot:${room}`, { room }, 'a puppet\'s message is retracted by the bot: the puppet is no longer in the room (clients may ignore it; logged once per room)');
    }
    await this.track(this.outbound.deleteMessage(channel, messageId, puppet === undefined ? this.requireSession(true) : this.sendingAs(puppet.jid)));
  }

  /**
   * Adds or withdraws a reaction (XEP-0444): `asUser`'s own, from their puppet (which joins the
   * room for it, as for a message), else the bot's (one for everyone elsewhere).
   */
  async react(channel: ChannelRef, messageId: string, reaction: string, remove: boolean, asUser?: UserRef): Promise<void> {
    const room = bareJid(channel.id);
    const puppet = asUser === undefined || this.rooms.get(room)?.joined !== true ? undefined : await this.puppets.ensure(room, asUser);
    const as = puppet === undefined ? undefined : { client: this.sendingAs(puppet.jid), jid: puppet.jid };
    await this.track(this.outbound.react(channel, messageId, reaction, remove, as));
  }

  /** The current session; with `online`, only once the network is ready. */
  private requireSession(online: boolean): Session {
    const session = this.lifecycle.session;
    if (session === undefined || (online && !this.lifecycle.online)) throw new Error(`${this.name} is not connected`);
    return session;
  }

  private track<T>(promise: Promise<T>): Promise<T> {
    return this.lifecycle.track(promise);
  }
}

/** `<alice> ` (`alice ` for an action: `/me alice waves`), for someone who speaks through the bot. */
function nameTag(kind: OutgoingMessage['kind'], person: UserRef): OutgoingMessage['attribution'] {
  const name = person.nick ?? person.id;
  return [{ type: 'text', text: kind === 'action' ? `${name} ` : `<${name}> ` }];
}

/** Stanzas the hub sends without a `from` go out from `jid` (a component must name the sender). */
function stampFrom(entity: Client, jid: string): void {
  const send = entity.send.bind(entity);
  entity.send = (el: Element): Promise<void> => {
    if ((el.name === 'message' || el.name === 'presence' || el.name === 'iq') && el.attrs.from === undefined) el.attrs.from = jid;
    return send(el);
  };
}
