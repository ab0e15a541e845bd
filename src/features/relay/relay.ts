/**
 * The relay: turns events in bridged channels into jobs for every other channel of the bridge
 * (after `beforeSend` for each target) and hands them to the targets' persisted queues.
 */
import type { HubEvent } from '../../core/event.js';
import type { Message } from '../../core/message.js';
import type { ChannelRef, UserRef } from '../../core/refs.js';
import type { NetworkHandle } from '../../core/network-handle.js';
import { plainText } from '../../core/richtext-ops.js';
import type { ModuleApi } from '../../modules/api.js';
import { operationsOf } from '../../modules/operations.js';
import type { MessageLocation } from '../../store/message-map.js';
import type { DeliveryOptions, RelayBridge, RelayConfig, RelayEvents } from './config.js';
import { Deliverer, PermanentDeliveryError } from './deliver.js';
import { EchoGuard } from './echoes.js';
import { Excerpts } from './excerpts.js';
import { PendingRecords } from './pending-records.js';
import { describe, quoteStart, type Excerpt, type NoticeJob, type RelayJob } from './jobs.js';
import { memberNamed, renamedUser } from './renames.js';
import { modeTargets, prefixModesFor } from './prefixes.js';
import { Conflicts } from './conflicts.js';
import { PrivateMessages } from './private.js';
import { TargetQueue, queueName } from './queue.js';
import { statusText } from './status.js';
import { AttachmentFetches } from './attachments.js';
import { isJoinTimeTopic } from './topics.js';
import { Authority, authorKey } from './authority.js';
import { Reactors } from './reactors.js';
import { PersonStates } from './person-states.js';

/** Keys of the channel refs seen (a bridge's own, an event's for all its people), made once per ref. */
const channelKeys = new WeakMap<ChannelRef, string>();

/** The key of a channel: network and case-folded id. */
function channelKey(channel: ChannelRef): string {
  let key = channelKeys.get(channel);
  if (key === undefined) {
    key = `${channel.network}\u0000${channel.id.toLowerCase()}`;
    channelKeys.set(channel, key);
  }
  return key;
}

/** fanOut's default: every target that takes the event. */
function everyTarget(): boolean {
  return true;
}

/** A job without its target (filled in per target). */
type JobTemplate = RelayJob extends infer J ? (J extends RelayJob ? Omit<J, 'target' | 'bridge'> : never) : never;

export class Relay {
  private readonly bridgeOf = new Map<string, RelayBridge>();
  private readonly queues = new Map<string, TargetQueue>();
  private readonly excerpts: Excerpts;
  private readonly deliverer: Deliverer;
  private readonly pending = new PendingRecords();
  private readonly echoes: EchoGuard;
  private readonly fetches: AttachmentFetches;
  private readonly authority: Authority;
  private readonly reactors = new Reactors();
  private readonly conflicts: Conflicts;
  private readonly privates: PrivateMessages;
  private readonly personStates: PersonStates;
  /** Networks that are (re)connecting: their join-time events (occupant lists, subjects) are not relayed. */
  private readonly bursting = new Set<string>();
  /** When each connected network last finished connecting (its ENDBURST). */
  private readonly upSince = new Map<string, number>();
  private readonly loggedFailures = new Set<string>();
  private readonly loggedRefusals = new Set<string>();
  private failures = 0;
  private quoteFailureLogged = false;

  constructor(private readonly api: ModuleApi, private readonly config: RelayConfig, private readonly bridges: readonly RelayBridge[]) {
    for (const bridge of bridges) for (const channel of bridge.channels) this.bridgeOf.set(channelKey(channel), bridge);
    this.excerpts = new Excerpts(api.store);
    this.echoes = new EchoGuard({ messages: api.messages });
    this.fetches = new AttachmentFetches(api);
    this.privates = new PrivateMessages(api, bridges);
    this.conflicts = new Conflicts({ api, bridgeOf: (channel) => this.bridgeOf.get(channelKey(channel)), bridges: () => this.bridges, logOnce: (key, fields, message) => this.logOnce(key, fields, message) });
    this.personStates = new PersonStates({
      api,
      bridgeOf: (channel) => this.bridgeOf.get(channelKey(channel)),
      channelsWith: (network, nick) => this.channelsWith(network, nick),
      fromBurst: (network, ts) => this.fromBurst(network, ts),
      mayRelay: (channel, user) => this.mayRelay(channel, user),
      push: (job) => this.queues.get(channelKey(job.target))?.add(job),
    });
    this.authority = new Authority({ messages: api.messages, isModerator: (channel, user) => api.network(channel.network)?.isModerator(channel, user) });
    for (const network of api.networks()) this.bursting.add(network.name);
    this.deliverer = new Deliverer({
      api,
      optionsFor: (bridge, target, source) => this.optionsFor(target, source) ?? this.bridges.find((b) => b.name === bridge)!.optionsFor(target.network, source),
      flushTimeoutMs: config.flushTimeoutMs,
      sent: (network, ids) => {
        for (const id of ids) this.echoes.sentBy(network, id);
      },
      pending: this.pending,
      fetches: this.fetches,
    });
  }

  /** The options for deliveries to `target` of what came from network `source`, when `target` is in a bridge. */
  optionsFor(target: ChannelRef, source?: string): DeliveryOptions | undefined {
    return this.bridgeOf.get(channelKey(target))?.optionsFor(target.network, source);
  }

  /** Creates every target's queue and resumes the jobs left from an earlier run. */
  async start(): Promise<void> {
    await this.echoes.load();
    // One lookup for every target's leftover jobs, not one per target.
    const stored = await this.api.queues.all<RelayJob>();
    for (const bridge of this.bridges) {
      for (const channel of bridge.channels) {
        const queue = this.createQueue(channel);
        this.queues.set(channelKey(channel), queue);
        const left = await queue.load(stored.get(queueName(channel)) ?? []);
        if (left > 0) this.api.log.info({ target: channel, jobs: left }, 'resuming relay deliveries queued before the restart');
      }
    }
  }

  async stop(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.stop()));
  }

  /** Registers the listeners. */
  listen(): void {
    const { api } = this;
    api.on('ENDBURST', async (event) => {
      // Only the network's own ENDBURST (args.server is the network) ends its (re)connect; a
      // server link also reports each server's end of burst, e.g. a server that links later, and
      // what that server's users do right after it is live, not part of our connect.
      if (event.args.server !== event.network) return;
      const reconnected = this.bursting.delete(event.network);
      this.upSince.set(event.network, event.ts);
      for (const queue of this.queues.values()) if (queue.target.network === event.network) queue.wake();
      if (reconnected) await this.showPeople(event.network);
    });
    api.on('DISCONNECT', async (event) => {
      this.bursting.add(event.network);
      this.upSince.delete(event.network);
      // Its people's users of their own elsewhere quit (PyLink: a lost link quits its clones).
      const reason = `${event.network} is unreachable`;
      for (const handle of api.networks()) {
        if (handle.name !== event.network) await handle.leaveAll(event.network, reason).catch(() => undefined);
      }
    });
    api.on('SQUIT', (event) => this.onSplit(event));
    api.on('KILL', (event) => this.conflicts.killed(event.network, event.args.target, event.args.by, event.args.reason));
    api.on('MESSAGE', (event) => this.onMessage(event));
    this.listenModes();
    api.on('EDIT', (event) => this.onEdit(event));
    api.on('DELETE', (event) => this.onDelete(event));
    api.on('REACT', (event) => this.onReact(event));
    api.on('AWAY', (event) => this.personStates.away(event));
    api.on('TYPING', (event) => this.personStates.typing(event));
    api.on('JOIN', async (event) => {
      // A join of many people (a netjoin: 50 per NJOIN) waits only where a module answers late.
      for (const user of event.args.users) {
        const noticed = this.notice(event.args.channel, 'joins', user, 'joined', event.ts, { actor: user, change: { kind: 'join' } });
        if (noticed) await noticed;
        const carried = this.fromBurst(event.network, event.ts) ? undefined : this.carryPrefixes(event.args.channel, user, false);
        if (carried) await carried;
      }
    });
    api.on('PART', async (event) => {
      await this.notice(event.args.channel, 'parts', event.args.user, withReason('left', event.args.reason), event.ts, leaving(event.args.user));
      this.left(event.args.channel, event.args.user, event.args.reason, false, event.ts);
    });
    api.on('QUIT', async (event) => {
      for (const channel of event.args.channels) {
        await this.notice(channel, 'quits', event.args.user, withReason('quit', event.args.reason), event.ts, leaving(event.args.user));
        this.left(channel, event.args.user, event.args.reason, true, event.ts);
      }
    });
    api.on('KICK', async (event) => {
      const { channel, target, by, reason } = event.args;
      if (this.fromBurst(channel.network, event.ts) || await this.conflicts.kicked(channel, target, by, reason)) return;
      // A kick the bridge made (a relayed one): the kicker's network saw it already.
      if (by && this.isBot(channel, by)) return this.left(channel, target, reason, false, event.ts);
      const text = withReason(`was kicked${by ? ` by ${by.nick ?? by.id}` : ''}`, reason);
      // Native (the kicker's user of their own kicks the target's) only when the kicker is a
      // moderator where they kicked, as far as that network can tell.
      const native = by && this.api.network(channel.network)?.isModerator(channel, by) !== false
        ? { actor: by, change: { kind: 'kick', target, reason } } as const
        : undefined;
      await this.notice(channel, 'kicks', target, text, event.ts, native);
      this.left(channel, target, reason, false, event.ts);
    });
    api.on('NICK', async (event) => {
      const channels = event.args.channel ? [event.args.channel] : this.channelsWith(event.network, event.args.newNick);
      const renamed = renamedUser(event.args.user, event.args.oldNick, event.args.newNick);
      for (const channel of channels) {
        // A target that renames the person's user of its own shows the rename natively: no notice there.
        await this.notice(channel, 'nicks', event.args.user, `is now known as ${event.args.newNick}`, event.ts, undefined,
          (target) => this.api.network(target.network)?.puppetChange === undefined);
        // The user of their own elsewhere was made for the old name (and id): it is renamed where
        // the network can, else it goes and the next message brings one with the new name.
        this.left(channel, event.args.user, `now known as ${event.args.newNick}`, true, event.ts, renamed);
      }
    });
    api.on('TOPIC', async (event) => {
      if (isJoinTimeTopic(event.args, event.ts, this.upSince.get(event.network))) return;
      const setter = event.args.setter?.split('!')[0] ?? event.sender;
      if (await this.conflicts.topicRefused(event.args.channel, setter, event.args.oldText)) return;
      // Native only for a setter who is in the room (not a server or services out of it).
      const member = memberNamed(this.api.members(event.args.channel), setter);
      const user: UserRef = member ?? { network: event.network, id: setter, nick: setter };
      const native = member && { actor: member, change: { kind: 'topic', text: event.args.text } } as const;
      return this.notice(event.args.channel, 'topics', user, `changed the topic to: ${event.args.text}`, event.ts, native);
    });
  }

  /**
   * `network` is (again) connected: the people in the bridged rooms are shown natively where a
   * target shows people as users of their own and joins are relayed (PyLink's burst of clones):
   * the people of `network`'s rooms on the other networks, and the other rooms' people on
   * `network`. Native joins only (no notices), in line with the messages; the bridge's own bots
   * and users of their own are left out.
   */
  private async showPeople(network: string): Promise<void> {
    for (const bridge of this.bridges) {
      if (!bridge.channels.some((c) => c.network === network)) continue;
      for (const source of bridge.channels) {
        const sourceHandle = this.api.network(source.network);
        // (`network` itself may not count as connected yet: its ENDBURST comes first.)
        if (!sourceHandle || (source.network !== network && sourceHandle.state() !== 'connected')) continue;
        const bot = sourceHandle.botUser(source)?.id;
        const people = this.api.members(source).filter((m) => m.id !== bot && sourceHandle.puppetOf(m) === undefined);
        for (const target of bridge.channels) {
          if (target.network === source.network || (source.network !== network && target.network !== network)) continue;
          if (!this.api.network(target.network)?.puppetChange) continue;
          const joins = bridge.optionsFor(target.network, source.network).events.joins;
          for (const person of people) {
            if (!(await this.mayRelay(source, person))) continue;
            if (joins) {
              const message = describe(source, person, [{ type: 'text', text: 'joined' }], Date.now(), `present:${person.id}`);
              this.queues.get(channelKey(target))?.add({ op: 'notice', bridge: bridge.name, target, message, native: { actor: person, change: { kind: 'join' } }, nativeOnly: true });
            }
            // Also without joins: the user of their own gets them when their first message brings it.
            this.pushPrefixes(bridge, source, sourceHandle, person, target, false);
          }
        }
      }
    }
  }

  /**
   * A server split from a linked network: its users quit every bridged channel they were in, as
   * if each had quit (notices where quits are relayed, and their users of their own elsewhere go).
   */
  private async onSplit(event: HubEvent<'SQUIT'>): Promise<void> {
    const { users, nicksByChannel, server, uplink } = event.args;
    const reason = `${uplink ?? event.network} ${server}`;
    const byNick = new Map(users.map((u) => [(u.nick ?? u.id).toLowerCase(), u]));
    for (const [id, nicks] of Object.entries(nicksByChannel)) {
      const channel: ChannelRef = { network: event.network, id };
      if (!this.bridgeOf.has(channelKey(channel))) continue;
      for (const nick of nicks) {
        const user = byNick.get(nick.toLowerCase()) ?? { network: event.network, id: nick, nick };
        await this.notice(channel, 'quits', user, withReason('quit', reason), event.ts, leaving(user));
        this.left(channel, user, reason, true, event.ts);
      }
    }
  }

  /**
   * Whether an event of `network` at `ts` belongs to its (re)connect: the network is still
   * connecting, or the event was emitted before its ENDBURST (or in the same millisecond) and
   * handled after it (the dispatcher may run ENDBURST first).
   */
  private fromBurst(network: string, ts: number): boolean {
    const since = this.upSince.get(network);
    return this.bursting.has(network) || (since !== undefined && ts <= since);
  }

  /**
   * Listens for channel mode changes: undone where they fail a bridge's claim; the standing of
   * the members they name is carried again (prefix modes of their users of their own elsewhere).
   */
  private listenModes(): void {
    this.api.on('MODE', async (event) => {
      const { channel, modes } = event.args;
      if (!channel || this.fromBurst(event.network, event.ts)) return;
      await this.conflicts.modesChanged(channel, event.sender, modes);
      if (!this.bridgeOf.has(channelKey(channel))) return;
      const members = this.api.members(channel);
      for (const nick of modeTargets(modes)) {
        const member = memberNamed(members, nick);
        if (member) await this.carryPrefixes(channel, member, true);
      }
    });
  }

  /**
   * Carries `person`'s standing in `channel` (their own room) to their users of their own in the
   * bridge's other channels (`always`: also when they have none, to take prefix modes away).
   */
  private carryPrefixes(channel: ChannelRef, person: UserRef, always: boolean): Promise<void> | undefined {
    const bridge = this.bridgeOf.get(channelKey(channel));
    const handle = this.api.network(channel.network);
    if (!bridge || !handle || this.isBot(channel, person) || handle.puppetOf(person) !== undefined) return undefined;
    const targets: ChannelRef[] = [];
    let anyModes = always;
    for (const target of bridge.channels) {
      if (target.network === channel.network || !this.api.network(target.network)?.puppetChange) continue;
      targets.push(target);
      // Nothing to carry (someone without prefix modes joining): no need to ask whether they may be relayed.
      anyModes ||= this.prefixModesIn(bridge, channel, handle, person, target).length > 0;
    }
    if (!anyModes) return undefined;
    const carry = (): void => {
      for (const target of targets) this.pushPrefixes(bridge, channel, handle, person, target, always);
    };
    // Returns a promise only when a module answers userMayRelay late.
    const may = this.mayRelay(channel, person);
    if (may !== true) {
      return may.then((allowed) => {
        if (allowed) carry();
      });
    }
    carry();
    return undefined;
  }

  /** The prefix modes `person` of `source` should hold in `target` (bridge options applied). */
  private prefixModesIn(bridge: RelayBridge, source: ChannelRef, handle: NetworkHandle, person: UserRef, target: ChannelRef): string[] {
    return prefixModesFor(handle.memberStatus(source, person), bridge.optionsFor(target.network, source.network).prefixModes);
  }

  /** Queues (in line with the messages) the prefix modes `person` of `source` should hold in `target`. */
  private pushPrefixes(bridge: RelayBridge, source: ChannelRef, handle: NetworkHandle, person: UserRef, target: ChannelRef, always: boolean): void {
    if (!this.api.network(target.network)?.puppetChange) return;
    const modes = this.prefixModesIn(bridge, source, handle, person, target);
    if (modes.length === 0 && !always) return;
    const message = describe(source, person, [{ type: 'text', text: modes.length > 0 ? `+${modes.join('')}` : 'no prefix modes' }], Date.now(), `prefix:${person.id}`);
    this.queues.get(channelKey(target))?.add({ op: 'notice', bridge: bridge.name, target, message, native: { actor: person, change: { kind: 'prefix', modes } }, nativeOnly: true });
  }

  /** Forgets the quotes of messages older than `olderThanMs` (with the message map); returns how many. */
  pruneExcerpts(olderThanMs: number): Promise<number> {
    return this.excerpts.prune(olderThanMs);
  }

  /** The depth of every target's queue, and how many deliveries failed since the start. */
  queueDepth(target: ChannelRef): number {
    return this.queues.get(channelKey(target))?.depth ?? 0;
  }

  // --- events -------------------------------------------------------------------------------

  private async onMessage(event: HubEvent<'MESSAGE'>): Promise<void> {
    const { channel, message } = event.args;
    if (!channel) return this.privates.received(event.network, message);
    const bridge = this.bridgeOf.get(channelKey(channel));
    if (!bridge) return;
    // The plain text once: for the status command and the quote kept of the message.
    const text = plainText(message.body);
    if (text.trim() === this.config.statusCommand) {
      await this.answerStatus(channel, bridge);
      return;
    }
    if (this.isBot(channel, message.author) || this.echoes.isEcho(event.network, message.id)) return;
    const may = this.mayRelay(channel, message.author);
    if (may !== true && !(await may)) return;
    await this.relayMessage(channel, bridge, message, text);
  }

  /** Relays `message` (said in `channel`) as a new message, remembering its author and quote. */
  private async relayMessage(channel: ChannelRef, bridge: RelayBridge, message: Message, text = plainText(message.body)): Promise<void> {
    const source = location(channel, message.id);
    const author = this.authority.remember(source, message.author);
    let reply: { original: MessageLocation; quote?: Excerpt } | undefined;
    if (message.replyTo !== undefined) {
      const original = await this.original(channel, message.replyTo);
      const quote = await this.excerpts.get(original);
      reply = { original, ...(quote ? { quote } : {}) };
    }
    // Most messages have no attachment: nothing to check, and no wait before they go out.
    const attachments = message.attachments.length === 0 ? message.attachments : await this.fetches.check(source, message.attachments);
    if (attachments.length === 0 && message.attachments.length > 0 && text.trim() === '') return;
    const relayed: Message = attachments === message.attachments ? message : { ...message, attachments };
    const template: JobTemplate = reply ? { op: 'message', source, author, message: relayed, reply } : { op: 'message', source, author, message: relayed };
    await this.fanOut(channel, bridge, 'messages', relayed, template);
    this.rememberExcerpt(source, message, text);
  }

  private async onEdit(event: HubEvent<'EDIT'>): Promise<void> {
    const { channel, message, messageId } = event.args;
    const bridge = channel && this.bridgeOf.get(channelKey(channel));
    if (!channel || !bridge || !(await this.mayRelay(channel, message.author))) return;
    const original = await this.original(channel, messageId);
    if (!(await this.mayChange(original, message.author, channel, 'correction'))) {
      // Not theirs to correct: what they wrote still goes across, as their own new message.
      await this.relayMessage(channel, bridge, asNewMessage(message));
      return;
    }
    await this.fanOut(channel, bridge, 'messages', message, { op: 'edit', original, message }, (o) => o.edits !== 'off');
    this.rememberExcerpt(original, message, plainText(message.body));
  }

  private async onDelete(event: HubEvent<'DELETE'>): Promise<void> {
    const { channel, messageId, by } = event.args;
    const bridge = channel && this.bridgeOf.get(channelKey(channel));
    if (!channel || !bridge || !(await this.mayRelay(channel, by))) return;
    const original = await this.original(channel, messageId);
    if (!(await this.mayChange(original, by, channel, 'retraction'))) return;
    const quote = await this.excerpts.get(original);
    const message = describe(channel, by, [], event.ts, `delete:${messageId}`);
    await this.fanOut(channel, bridge, 'messages', message, { op: 'delete', original, message, ...(quote ? { quote } : {}) }, (o) => o.deletes !== 'off');
  }

  private async onReact(event: HubEvent<'REACT'>): Promise<void> {
    const { channel, messageId, user, reaction, removed } = event.args;
    const bridge = channel && this.bridgeOf.get(channelKey(channel));
    if (!channel || !bridge || !(await this.mayRelay(channel, user))) return;
    const original = await this.original(channel, messageId);
    const quote = await this.excerpts.get(original);
    const stillReactedIn = this.reactors.record(original, reaction, channel, authorKey(user), removed);
    const message = describe(channel, user, [{ type: 'text', text: reaction }], event.ts, `react:${messageId}`);
    const template = { op: 'react', original, reaction, removed, message, ...(quote ? { quote } : {}), ...(removed && stillReactedIn.length > 0 ? { stillReactedIn } : {}) } as const;
    await this.fanOut(channel, bridge, 'messages', message, template, (o) => o.reactions !== 'off');
  }

  /**
   * Relays an event as a notice; `native` is how a target with puppets shows it instead
   * (Network.puppetChange), and `toTarget` leaves targets out. Returns a promise only when a
   * module answers late (userMayRelay, beforeSend): otherwise every job is in line on return.
   */
  private notice(
    channel: ChannelRef, kind: keyof RelayEvents, user: UserRef, what: string, ts: number,
    native?: NoticeJob['native'], toTarget?: (target: ChannelRef) => boolean,
  ): Promise<void> | undefined {
    const bridge = this.bridgeOf.get(channelKey(channel));
    if (!bridge || this.fromBurst(channel.network, ts)) return undefined;
    const may = this.mayRelay(channel, user);
    if (may === true) return this.fanOutNotice(channel, bridge, kind, user, what, ts, native, toTarget);
    return may.then((allowed) => (allowed ? this.fanOutNotice(channel, bridge, kind, user, what, ts, native, toTarget) : undefined));
  }

  /** The jobs of a notice (see `notice`), once its user may be relayed. */
  private fanOutNotice(
    channel: ChannelRef, bridge: RelayBridge, kind: keyof RelayEvents, user: UserRef, what: string, ts: number,
    native: NoticeJob['native'] | undefined, toTarget: ((target: ChannelRef) => boolean) | undefined,
  ): Promise<void> | undefined {
    const message = describe(channel, user, [{ type: 'text', text: what }], ts, `${kind}:${ts}`);
    const template: JobTemplate = native ? { op: 'notice', message, native } : { op: 'notice', message };
    return this.fanOut(channel, bridge, kind, message, template, toTarget ? (_, target) => toTarget(target) : everyTarget);
  }

  /**
   * `user` left `channel` (`quit`: their network): every other channel of the bridge on a
   * network with puppets gets a leave job, in line with the messages, so that the user of
   * their own there leaves too (Network.leave). Not a notice: event options do not apply.
   */
  private left(channel: ChannelRef, user: UserRef, reason: string, quit: boolean, ts: number, renamed?: UserRef): void {
    const bridge = this.bridgeOf.get(channelKey(channel));
    if (!bridge || this.fromBurst(channel.network, ts)) return;
    const message = describe(channel, user, reason ? [{ type: 'text', text: reason }] : [], ts, `leave:${ts}`);
    for (const target of bridge.channels) {
      if (channelKey(target) === channelKey(channel) || this.api.network(target.network)?.capabilities.puppets !== true) continue;
      this.queues.get(channelKey(target))?.add({ op: 'leave', bridge: bridge.name, target, message, quit, ...(renamed ? { renamed } : {}) });
    }
  }

  /**
   * Queues the job for every other channel of the bridge that takes `kind`, after beforeSend.
   * Every job is in line on return, and the result is undefined, unless a module's beforeSend
   * answers with a promise: then the result resolves once they are (from `first` on, the
   * bridge's channels in order). Storage commits are not waited for: the next event of the
   * channel goes on meanwhile, and storage commits the jobs of many events at once (TargetQueue.push).
   */
  private fanOut(
    from: ChannelRef,
    bridge: RelayBridge,
    kind: keyof RelayEvents,
    message: Message,
    template: JobTemplate,
    wanted: (options: DeliveryOptions, target: ChannelRef) => boolean = everyTarget,
    first = 0,
  ): Promise<void> | undefined {
    const fromKey = channelKey(from);
    const targets = bridge.channels;
    for (let i = first; i < targets.length; i++) {
      const target = targets[i]!;
      const targetKey = channelKey(target); // made once per ref (features/access/keys.ts)
      if (targetKey === fromKey) continue;
      const options = bridge.optionsFor(target.network, from.network);
      if (!options.events[kind] || !wanted(options, target)) continue;
      const answer = operationsOf(this.api).relay.beforeSend(message, target);
      // The relay's own rules answer at once: no wait unless a module's beforeSend is async.
      if (answer instanceof Promise) {
        return answer.then((rewritten) => {
          this.queueJob(bridge, target, targetKey, template, rewritten);
          return this.fanOut(from, bridge, kind, message, template, wanted, i + 1);
        });
      }
      this.queueJob(bridge, target, targetKey, template, answer);
    }
    return undefined;
  }

  /** Puts the job of `template` for `target` in line (nothing when beforeSend dropped the message). */
  private queueJob(bridge: RelayBridge, target: ChannelRef, targetKey: string, template: JobTemplate, message: Message | null): void {
    if (message === null) return;
    const job = { ...template, bridge: bridge.name, target, message } as RelayJob;
    this.queues.get(targetKey)?.add(job);
  }

  // --- helpers ------------------------------------------------------------------------------

  /** Keeps the quote of `message` (its plain text `text`; in memory at once, stored with the next commit; a failure is logged once). */
  private rememberExcerpt(where: MessageLocation, message: Message, text: string): void {
    this.excerpts.remember(where, { nick: message.author.nick ?? message.author.id, text: quoteStart(text) }).catch((error: unknown) => {
      if (this.quoteFailureLogged) return;
      this.quoteFailureLogged = true;
      this.api.log.warn({ err: error, message: where }, 'relay: could not store a quote; fallbacks may lack it after a restart');
    });
  }

  /**
   * Whether what `user` did in `channel` may be relayed, as the modules' userMayRelay answer
   * (the access module denies users its predicates deny). A refusal is logged once per user
   * and channel. `true` at once, without a promise, when no module has a say (then a message
   * waits for nothing here).
   */
  private mayRelay(channel: ChannelRef, user: UserRef): true | Promise<boolean> {
    const answer = operationsOf(this.api).relay.userMayRelay(user, channel);
    return answer === true ? true : this.refusalHandled(answer, channel, user);
  }

  /** The modules' answer to userMayRelay; a refusal logged (once) and acted on. */
  private async refusalHandled(answer: boolean | Promise<boolean>, channel: ChannelRef, user: UserRef): Promise<boolean> {
    if (await answer) return true;
    const first = this.logOnce(`gate\u0000${channelKey(channel)}\u0000${user.id}`, { channel, user: user.id, nick: user.nick }, 'relay: not relaying what this user does here (userMayRelay refused)');
    // Their users of their own in the bridge's other channels (virtual clients) leave too: the
    // decision (the access module's, say) applies to them as to the person.
    if (first) this.left(channel, user, 'not allowed here', false, Date.now());
    return false;
  }

  /**
   * Whether `actor` (in `channel`) may correct or retract the message whose source is
   * `original`: its author or a moderator may (authority.ts). A refusal is logged once per kind,
   * user and channel.
   */
  private async mayChange(original: MessageLocation, actor: UserRef, channel: ChannelRef, what: 'correction' | 'retraction'): Promise<boolean> {
    if ((await this.authority.judge(original, actor, channel)) !== 'denied') return true;
    this.logOnce(`${what}\u0000${channelKey(channel)}\u0000${actor.id}`, { channel, user: actor.id, nick: actor.nick, original, what },
      what === 'correction'
        ? "relay: a correction of a message that is not the sender's; relayed as the sender's new message"
        : "relay: a retraction of a message that is not the sender's; not relayed");
    return false;
  }

  /** Logs at info, once per `key` (the memory of keys is bounded); true when it was logged now. */
  private logOnce(key: string, fields: object, message: string): boolean {
    if (this.loggedRefusals.has(key)) return false;
    if (this.loggedRefusals.size > 1000) this.loggedRefusals.clear();
    this.loggedRefusals.add(key);
    this.api.log.info(fields, message);
    return true;
  }

  /** true when `user` is our own bot in `channel` (adapters drop its echoes; this is a second guard). */
  private isBot(channel: ChannelRef, user: UserRef): boolean {
    const bot = this.api.network(channel.network)?.botUser(channel);
    return bot !== undefined && bot.id === user.id;
  }

  /** Where the message `messageId` seen in `channel` was originally said (itself, unless the relay sent it). */
  private async original(channel: ChannelRef, messageId: string): Promise<MessageLocation> {
    await this.pending.settled(channel.network, messageId);
    const mapping = await this.api.messages.findSource(channel.network, messageId);
    return mapping ? mapping.source : location(channel, messageId);
  }

  /** Bridged channels on `network` where `nick` is a member. */
  private channelsWith(network: string, nick: string): ChannelRef[] {
    const folded = nick.toLowerCase();
    return this.bridges.flatMap((b) => b.channels).filter((c) =>
      c.network === network && this.api.members(c).some((m) => (m.nick ?? m.id).toLowerCase() === folded));
  }

  private async answerStatus(channel: ChannelRef, bridge: RelayBridge): Promise<void> {
    const text = statusText(bridge, (name) => this.api.network(name), (target) => this.queueDepth(target), this.failures);
    await this.api.sendMessage(channel, [{ type: 'text', text }], 'notice');
  }

  private createQueue(target: ChannelRef): TargetQueue {
    return new TargetQueue(target, {
      store: this.api.queues,
      log: this.api.log,
      maxSize: this.config.maxQueuePerTarget,
      isUp: () => this.api.network(target.network)?.state() === 'connected',
      deliver: (job) => this.deliverer.deliver(job),
      isPermanent: (error) => error instanceof PermanentDeliveryError,
      storeBeforeSend: (job) => this.api.network(job.message.author.network)?.capabilities.replaysHistory === true,
      alreadyDelivered: (job) => this.deliverer.alreadyDelivered(job),
      arrived: (jobs) => this.deliverer.arrived(jobs),
      failed: (job, reason) => this.recordFailure(job, reason),
    });
  }

  /** Logs a failed delivery (once per target and reason) and keeps a record of it. */
  private async recordFailure(job: RelayJob, reason: string): Promise<void> {
    this.failures += 1;
    const logKey = `${channelKey(job.target)}\u0000${reason}`;
    if (!this.loggedFailures.has(logKey)) {
      if (this.loggedFailures.size > 1000) this.loggedFailures.clear();
      this.loggedFailures.add(logKey);
      this.api.log.warn({ bridge: job.bridge, target: job.target, op: job.op, reason }, 'relay delivery failed; it will not be retried');
    }
    const at = Date.now();
    await this.api.store.set(`failed/${String(at).padStart(15, '0')}/${Math.random().toString(36).slice(2, 10)}`, {
      at, bridge: job.bridge, target: job.target, op: job.op, reason,
      ...(job.op === 'message' ? { source: job.source } : {}),
    });
  }
}

function location(channel: ChannelRef, messageId: string): MessageLocation {
  return { network: channel.network, channel: channel.id, messageId };
}

/** A correction turned into a message of its own (it keeps its id, drops `editOf`). */
function asNewMessage(message: Message): Message {
  const copy: { -readonly [K in keyof Message]?: Message[K] } = { ...message };
  delete copy.editOf;
  return copy as Message;
}

/**
 * How a part or quit is shown where the person has a user of their own: that user leaves (the
 * leave job queued after the notice), so the notice goes only where they have none.
 */
function leaving(user: UserRef): NoticeJob['native'] {
  return { actor: user, change: LEAVE };
}
const LEAVE = { kind: 'leave' } as const;

function withReason(what: string, reason: string): string {
  return reason.trim() === '' ? what : `${what} (${reason})`;
}

