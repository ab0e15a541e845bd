/**
 * The contract between the hub and a network adapter (IRC, XMPP, ...).
 *
 * The hub owns the lifecycle: it calls `connect()`, and when the adapter reports a lost
 * connection through `NetworkContext.connectionLost()`, the hub's reconnect policy decides
 * when to call `connect()` again. Adapters never reconnect on their own (turn off the
 * protocol library's auto-reconnect).
 */
import type { PluginLookup } from './plugins.js';
import type { ChannelRef, UserRef } from './refs.js';
import type { Attachment, MessageKind } from './message.js';
import type { RichText } from './richtext.js';
import type { AnyEvent, AnyEventInput, Command } from './event.js';
import type { ModeChange, PresenceArgs, TypingArgs } from './catalog.js';
import type { Logger } from './log.js';
import type { RoomArchiveStore } from './room-archive.js';
import type { GatewayAccountStore, KeyValueStore } from './store.js';
import type { Egress, EgressBudget } from './egress.js';
import type { AccountHooks } from './account-hooks.js';
import type { RoomHooks } from './room-hooks.js';

/** What a network can do; features degrade visibly where a capability is missing. */
export interface NetworkCapabilities {
  readonly edits: boolean;
  readonly deletes: boolean;
  readonly reactions: boolean;
  readonly replies: boolean;
  readonly threads: boolean;
  /** Native file upload (otherwise attachments are sent as links). */
  readonly attachments: boolean;
  readonly typing: boolean;
  /** The body format the network renders natively. */
  readonly formatting: 'plain' | 'irc' | 'xmpp-styling' | 'html' | 'markdown';
  /** Largest message body in bytes (UTF-8) before it must be split, when there is a limit. */
  readonly maxMessageBytes?: number;
  /**
   * The network shows remote people as users of their own (IRC puppets, XMPP component
   * users): senders set `OutgoingMessage.asUser` and leave the identity out of the body.
   */
  readonly puppets?: boolean;
  /**
   * The network can mark a message as sent earlier than it arrives (XMPP: XEP-0203 delayed
   * delivery), from {@link OutgoingMessage.sentAt}. Without it, senders show the time in the text.
   */
  readonly delayMarks?: boolean;
  /**
   * What people said while the hub was away may reach the hub again after a reconnect (a
   * catch-up from the room's history). The relay then sends what such a message causes only
   * once it is stored, so that a crash cannot have it delivered and then caught up again.
   * Read when each delivery is sent (it may change with the server's features).
   */
  readonly replaysHistory?: boolean;
}

/** Connection state, as reported on /health. */
export type NetworkState = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'failed' | 'stopped';

/** A message for a network to deliver. */
export interface OutgoingMessage {
  /** A channel, or a user for a private message. */
  readonly target: { readonly channel: ChannelRef } | { readonly user: UserRef };
  readonly kind: MessageKind;
  /**
   * Who the text is from, when a bridge relays it (`<alice@irc> `), shown before the body. A
   * network that shows one message as several lines (IRC: line breaks, long lines) repeats it
   * at the start of every line, so that no line goes unattributed.
   */
  readonly attribution?: RichText;
  readonly body: RichText;
  readonly attachments?: readonly Attachment[];
  /**
   * The egress budget of the message this delivers (its deadline and link cap, shared with every
   * other fetch for it); networks that fetch `attachments` do so within it. Absent: a new one.
   */
  readonly egress?: EgressBudget;
  /** Network id of the message replied to, where the network supports replies. */
  readonly replyTo?: string;
  /** Network id of the message this corrects, where the network supports edits. */
  readonly editOf?: string;
  /** Display name to send as, where the network can show one per message (puppets). */
  readonly asUser?: UserRef;
  /**
   * A stable id chosen by the caller for this delivery. Networks that can carry one use it
   * (XMPP origin-id), so a delivery repeated after a crash can be recognised as the same one.
   */
  readonly id?: string;
  /**
   * Marks the message as relayed by a bridge (a hop marker). Networks that can carry a marker
   * (an IRCv3 client tag, an XMPP extension element) attach it, so another bridge can tell.
   */
  readonly relayed?: boolean;
  /**
   * When the message was originally said (ms since the epoch), for a message relayed late (caught
   * up after an outage). Networks with `capabilities.delayMarks` mark it as delayed with this time.
   */
  readonly sentAt?: number;
  /**
   * This message tells its target (a user) that their private message `messageId` (the hub id of
   * the MESSAGE they sent) was not delivered, and why; the body says it in words. Networks that
   * can answer a message with an error (XMPP: an error stanza with the matching condition) do
   * so; the others send the body as a notice.
   */
  readonly refusal?: PrivateRefusal;
}

/** Why a private message was not delivered ({@link OutgoingMessage.refusal}). */
export interface PrivateRefusal {
  readonly messageId: string;
  /**
   * `rate-limited`: the writer sent too many; `unreachable`: the person is not in a bridged
   * room now; `not-connected`: their network is down; `failed`: their network refused it.
   */
  readonly reason: 'rate-limited' | 'unreachable' | 'not-connected' | 'failed';
}

/** What the network sent for one OutgoingMessage: one or several network message ids. */
export interface SendResult {
  readonly ids: readonly string[];
  /**
   * Settles once the server has shown that it has the message (an XMPP room reflects it):
   * resolves then; rejects when that can no longer be known (the connection was lost, no
   * answer in time), or with a {@link SendRefusedError} when the server refused it. Absent
   * when the network has no such signal: the message counts as delivered once `send`
   * resolved (and the network's queue wrote it out). Callers that do not need it may ignore
   * it: it never causes an unhandled rejection.
   */
  readonly confirmed?: Promise<void>;
}

/** Details of a lost connection. */
export interface ConnectionLoss {
  /** true when it had been fully connected (after ENDBURST); false when connecting failed. */
  readonly wasSuccessful: boolean;
  readonly reason: string;
  /** Set when retrying is pointless (bad credentials, banned): the hub stops retrying. */
  readonly fatal?: boolean;
}

/** What the hub hands to an adapter when creating it. */
export interface NetworkContext {
  /** The configured network name. */
  readonly name: string;
  readonly log: Logger;
  /** Persistent key-value storage private to this network. */
  readonly store: KeyValueStore;
  /**
   * The people registered with this network, for a network that has its own users (a gateway):
   * a namespace of its own in the hub's storage. Absent (hand-made contexts): the network keeps
   * no accounts.
   */
  readonly accounts?: GatewayAccountStore;
  /** The archive of a gateway's rooms (its own namespace in the hub's storage). Absent: no history. */
  readonly roomArchive?: RoomArchiveStore;
  /** The modules' extra fields for an event served to a client from storage (addFieldToUnsigned); absent: none. */
  readonly unsignedFields?: (event: AnyEvent) => Promise<Record<string, unknown>>;
  /** What the modules say about those people's registrations and logins (absent: everything allowed). */
  readonly accountHooks?: AccountHooks;
  /** What the modules say about those people's group chats (absent: everything allowed). */
  readonly roomHooks?: RoomHooks;
  /**
   * The hub's HTTP client for every URL the adapter fetches (attachments, uploads, pastes),
   * under the `egress:` policy. Absent (hand-made contexts): the default policy.
   */
  readonly egress?: Egress;
  /**
   * The channels the hub wants this network to be in (from bridges and modules). The adapter
   * joins them on every (re)connect; the list may change at run time (call it again each time).
   */
  wantedChannels(): readonly ChannelRef[];
  /** Hands an event to the hub. `ts` is stamped when missing. Never throws. */
  emit(event: AnyEventInput): void;
  /**
   * Hands an event to the hub like `emit`, and resolves once the hub has handled it: every
   * listener ran (the relay, say, has issued the storage writes of its deliveries), or the event
   * was refused or dropped. Never rejects. A write the adapter issues after that is committed
   * with or after the listeners' writes, so "seen up to here" can be stored without losing what
   * was not yet accepted. Absent (hand-made contexts): use `emit`, nothing to wait for.
   */
  emitHandled?(event: AnyEventInput): Promise<void>;
  /**
   * false when nothing in the hub would see an event of `command` now (no listener, no check):
   * an adapter may then skip building it (a server link introduces thousands of users at once).
   * Absent (hand-made contexts): every event is wanted.
   */
  wants?(command: Command): boolean;
  /**
   * Reports that the connection ended without `disconnect()` being called. The hub emits
   * DISCONNECT and schedules a reconnect through its policy.
   */
  connectionLost(loss: ConnectionLoss): void;
  /**
   * The presence router callbacks of the loaded modules (`getUsersForStates`,
   * `getInterestedUsers`), for a network that shows remote people's presence to its users (an
   * XMPP component). Absent (hand-made contexts): no module routes presence.
   */
  readonly presenceRouting?: PresenceRouterCalls;
  /**
   * What modules registered for networks to use (a gateway's legacy networks), looked up when
   * the network connects (modules are set up after networks are created). Absent: none.
   */
  readonly plugins?: PluginLookup;
}

/**
 * The presence router callbacks as a network calls them (docs/modules.md). User ids are
 * `network:id`.
 */
export interface PresenceRouterCalls {
  /** true when a module registered presence router callbacks (otherwise there is nothing to ask). */
  active(): boolean;
  /** User id → the updates to forward to them, merged over every module. */
  usersForStates(updates: readonly PresenceArgs[]): Promise<ReadonlyMap<string, ReadonlySet<PresenceArgs>>>;
  /** The user ids whose presence `userId` may see, or `all`. */
  interestedUsers(userId: string): Promise<ReadonlySet<string> | 'all'>;
}

/** A connection to one network. */
export interface Network {
  readonly name: string;
  readonly protocol: string;
  readonly capabilities: NetworkCapabilities;
  /**
   * Connects, logs in and joins the configured channels. Resolves once the network is ready
   * (the adapter emits ENDBURST just before); rejects when this attempt failed.
   */
  connect(): Promise<void>;
  /**
   * Delivers what is still queued (up to `deadlineMs`), then closes the connection.
   * Must not call `connectionLost`.
   */
  disconnect(options?: { readonly deadlineMs?: number; readonly reason?: string }): Promise<void>;
  /** Sends one message; rejects when it could not be accepted for delivery. */
  send(message: OutgoingMessage): Promise<SendResult>;
  /**
   * Number of outgoing items accepted but not yet written to the connection (a metric, and how
   * callers tell that what they sent has left the process). Items written but not yet
   * acknowledged by the server (XMPP stream management) are not counted.
   */
  queueDepth(): number;
  /** Joins a channel now (and on every reconnect), e.g. a bridge added at run time. */
  join(channel: ChannelRef): Promise<void>;
  /** Leaves a channel and stops rejoining it. */
  part(channel: ChannelRef, reason?: string): Promise<void>;
  /** The members of a joined channel as currently known. */
  members(channel: ChannelRef): readonly UserRef[];
  /**
   * The bot itself as it appears in `channel` (its nick on IRC, its occupant JID in a MUC), so
   * features can tell it apart from other members. Undefined when not joined.
   */
  botUser?(channel: ChannelRef): UserRef | undefined;
  /**
   * Whether `user` may moderate `channel` (remove people, retract others' messages) as far as
   * the network says: an IRC channel operator (or half-operator and above), an XMPP room
   * moderator. `undefined` when the network cannot tell.
   */
  isModerator?(channel: ChannelRef, user: UserRef): boolean | undefined;
  /**
   * `user`'s standing in `channel` as far as the network says ({@link MemberStatus}): IRC prefix
   * modes (half-operator and above: `op`, voice: `voice`). `undefined` when the network cannot
   * tell; networks without it are read through `isModerator` (true: `op`, false: `none`).
   */
  memberStatus?(channel: ChannelRef, user: UserRef): MemberStatus | undefined;
  /**
   * A remote person that `send` spoke for (`OutgoingMessage.asUser`) left `channel`, a bridged
   * channel of this network: the network takes their user of their own (puppet, virtual client)
   * out of it. With `quit` they left their whole network: the user quits once it is in no
   * channel any more. Only networks with `capabilities.puppets` act on it; it never throws for
   * someone they do not know.
   */
  leave?(channel: ChannelRef, user: UserRef, reason: string, quit: boolean): Promise<void>;
  /**
   * A remote person that `send` speaks for (`OutgoingMessage.asUser`) did something in a bridged
   * room that this network can show natively through their user of its own (IRC server link:
   * their virtual client JOINs, changes NICK, sets the TOPIC, KICKs): see {@link PuppetChange}.
   * Resolves true when it was shown natively; false when the network cannot here (no user of
   * their own for `user`, no right, a cap reached): the caller then falls back (a notice). Only
   * networks with `capabilities.puppets` implement it; it never throws for someone it does not know.
   */
  puppetChange?(channel: ChannelRef, user: UserRef, change: PuppetChange): Promise<boolean>;
  /**
   * The remote person a user of this network stands for, when it is one of the network's own
   * users of their own (a virtual client the network introduced for `send`'s `asUser`); undefined
   * for everyone else. Lets a bridge tell that a kick or a private message concerns a remote person.
   */
  puppetOf?(user: UserRef): UserRef | undefined;
  /**
   * Undoes a change people made to a bridged channel that the bridge refuses (its `claim`): sets
   * the topic back to `topic`, or applies `modes` (the undoing changes, already inverted), as the
   * network's own server or service user. Resolves true when done, false when it cannot here.
   */
  restoreChannel?(channel: ChannelRef, what: ChannelRestore): Promise<boolean>;
  /**
   * The network `network` is gone (its connection was lost): every user of their own that this
   * network shows for people of it quits with `reason` (PyLink: a lost link quits its clones
   * everywhere). They come back as those people speak again. Only networks with puppets act on it.
   */
  leaveAll?(network: string, reason: string): Promise<void>;
  /**
   * Remote people's availability changed (or is told again): `updates[i].user` is the person as
   * their own network names them. A network that shows remote people as users of their own
   * (an XMPP component) keeps their state and shows it to whoever may see it. Only the relay
   * calls it, for people in bridged rooms; never throws for someone it does not know.
   */
  presence?(updates: readonly PresenceArgs[]): Promise<void>;
  /** Retracts a message this network sent, where the network supports it (capabilities.deletes). */
  deleteMessage?(channel: ChannelRef, messageId: string): Promise<void>;
  /**
   * Adds or withdraws a reaction, where supported (capabilities.reactions). `asUser`: the remote
   * person who reacts, on a network with puppets (their user of their own reacts); absent: the
   * hub's own reaction (one for everyone elsewhere).
   */
  react?(channel: ChannelRef, messageId: string, reaction: string, remove: boolean, asUser?: UserRef): Promise<void>;
  /**
   * Looks on the server (an XMPP room's message archive, say) for what sends with delivery ids
   * `deliveryIds` ({@link OutgoingMessage.id}) already put in `channel` since `since` (ms since
   * the epoch). Resolves with the ids of the messages found per delivery id (a delivery id
   * without entry: nothing of it arrived), or `undefined` when the network cannot tell. After
   * a crash or a lost connection this tells deliveries that were written out from those that
   * never arrived, so that nothing is lost or sent twice.
   */
  findDelivered?(channel: ChannelRef, deliveryIds: readonly string[], since: number): Promise<ReadonlyMap<string, readonly string[]> | undefined>;
  /** Channel moderation, where the bot's rights allow it. */
  readonly moderation?: ModerationActions;
}

/**
 * What a remote person did, for {@link Network.puppetChange}; plain JSON (relay jobs carry it).
 * - `join`: they joined the room: their user of their own joins the channel (introduced if needed).
 * - `nick`: they are now `user` (the same person under a new name and, where the id carries the
 *   name, a new id): their user of their own changes nick, and is known by `user` from now on.
 * - `topic`: they set the room's topic to `text`.
 * - `kick`: they (a moderator where they are) removed `target` (a remote person with a user of
 *   their own here, or one of this network's own users) with `reason`.
 * - `prefix`: their user of their own should hold exactly the prefix modes `modes` (letters, e.g.
 *   `['o']`; empty: none) in the channel, now and whenever it joins it later (PyLink carries
 *   prefix modes). Letters the network does not know as prefix modes are left out. Never
 *   introduces a user of their own by itself.
 * - `away`: they marked themselves away with `text` (the empty string: back). Shown by a user of
 *   their own that is in the channel (an XMPP puppet's presence), and remembered for when one joins.
 * - `typing`: they are typing (`composing`), paused, or done (`active`) in the channel (XEP-0085
 *   states). Shown only by a user of their own already in the channel; never introduces one.
 * - `leave`: they parted or quit. The relay's leave job, queued right after, makes their user of
 *   their own leave (`Network.leave`); true here means the network shows the departure that way
 *   (they have a user of their own in the channel), so no notice is sent. Never introduces one.
 */
export type PuppetChange =
  | { readonly kind: 'join' }
  | { readonly kind: 'prefix'; readonly modes: readonly string[] }
  | { readonly kind: 'nick'; readonly user: UserRef }
  | { readonly kind: 'topic'; readonly text: string }
  | { readonly kind: 'kick'; readonly target: UserRef; readonly reason: string }
  | { readonly kind: 'away'; readonly text: string }
  | { readonly kind: 'typing'; readonly state: TypingState }
  | { readonly kind: 'leave' };

/** A chat state (XEP-0085), as the TYPING event carries it. */
export type TypingState = TypingArgs['state'];

/** Someone's standing in a channel: an operator (moderator), voiced, or neither. */
export type MemberStatus = 'op' | 'voice' | 'none';

/** What {@link Network.restoreChannel} puts back: a topic, or mode changes. */
export type ChannelRestore = { readonly topic: string } | { readonly modes: readonly ModeChange[] };

/** Moderation a network can perform when the bot has the rights (IRC op, MUC moderator/admin). */
export interface ModerationActions {
  kick(channel: ChannelRef, user: UserRef, reason?: string): Promise<void>;
  /** Bans (IRC MODE +b on a mask / XMPP outcast) and removes the user. */
  ban(channel: ChannelRef, user: UserRef, reason?: string): Promise<void>;
}

/**
 * A protocol implementation: validates its config and creates networks. Keep the definition
 * light (schema only) and let `create` import the adapter, so that a config that does not use
 * the protocol never loads it.
 */
export interface ProtocolDefinition<Config = unknown> {
  /** The `protocol:` value in config, e.g. `irc`. */
  readonly protocol: string;
  /** Validates and normalises one network's config; see config/schema.ts for the error format. */
  readonly configSchema: import('zod').ZodType<Config>;
  /**
   * Valid but risky settings of one network (a password sent without TLS, say), reported by
   * `switchboard check` and logged by `run`. Paths are relative to the network's entry.
   */
  configWarnings?(config: Config): ReadonlyArray<ConfigWarning>;
  /** Creates a network (not yet connected); may load the adapter's code first. */
  create(context: NetworkContext, config: Config): Network | Promise<Network>;
}

/** A risky setting: the option concerned (e.g. `['sasl']`) and what to do about it. */
export interface ConfigWarning {
  readonly path: ReadonlyArray<string | number>;
  readonly reason: string;
}

/**
 * A send the target refuses and that retrying now cannot fix (banned, moderated channel, no
 * such target). Adapters reject `send()` with it; callers record the reason instead of retrying.
 */
export class SendRefusedError extends Error {
  override readonly name = 'SendRefusedError';
}
