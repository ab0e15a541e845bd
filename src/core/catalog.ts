/**
 * The event catalog: every command a network can emit, and the typed `args` of each.
 *
 * Commands are UPPERCASE. Events scoped to one channel carry it as `args.channel`, and the
 * dispatcher keeps the order of events per channel. Users are `UserRef`s, channels
 * `ChannelRef`s, both tagged with their network. docs/events.md describes each event, its
 * fields and which networks send it.
 */
import type { ChannelRef, UserRef } from './refs.js';
import type { Message } from './message.js';

/** One parsed mode change: `+o` with argument `alice`, `-m` without. */
export interface ModeChange {
  /** `+` or `-` followed by the mode letter, e.g. `+o`. */
  readonly mode: string;
  readonly arg?: string;
}

// --- messages ---------------------------------------------------------------------------

/** MESSAGE: a message, notice or action in a channel or to a user (IRC PRIVMSG/NOTICE/ACTION). */
export interface MessageArgs {
  /** The channel, for channel messages (same as `message.channel`). */
  readonly channel?: ChannelRef;
  readonly message: Message;
}

/** EDIT: a message was corrected. `message` carries the new content and `editOf`. */
export interface EditArgs {
  readonly channel?: ChannelRef;
  /** Network id of the message that was edited. */
  readonly messageId: string;
  readonly message: Message;
}

/** DELETE: a message was retracted or removed. */
export interface DeleteArgs {
  readonly channel?: ChannelRef;
  readonly messageId: string;
  /** Who removed it (the author, or a moderator). */
  readonly by: UserRef;
  readonly reason?: string;
}

/** REACT: reactions to a message were added or removed. */
export interface ReactArgs {
  readonly channel?: ChannelRef;
  readonly messageId: string;
  readonly user: UserRef;
  /** The emoji or short text of the reaction. */
  readonly reaction: string;
  /** true when the reaction was withdrawn. */
  readonly removed: boolean;
}

/** TYPING: a user started or stopped typing. */
export interface TypingArgs {
  readonly channel?: ChannelRef;
  readonly user: UserRef;
  readonly state: 'active' | 'composing' | 'paused' | 'inactive' | 'gone';
}

/** PRESENCE: a user's availability changed. */
export interface PresenceArgs {
  readonly user: UserRef;
  readonly state: 'online' | 'away' | 'dnd' | 'xa' | 'offline';
  readonly status?: string;
}

// --- membership -------------------------------------------------------------------------

/** JOIN: users joined a channel (IRC JOIN/SJOIN, XMPP MUC join). */
export interface JoinArgs {
  readonly channel: ChannelRef;
  readonly users: readonly UserRef[];
  /** Channel modes carried with the join (IRC SJOIN), when any. */
  readonly modes?: readonly ModeChange[];
  /** The channel's creation TS (seconds), from server links whose protocol carries one (InspIRCd FJOIN, TS6 SJOIN). */
  readonly ts?: number;
}

/** PART: a user left a channel. */
export interface PartArgs {
  readonly channel: ChannelRef;
  readonly user: UserRef;
  /** The part message; empty when none was given. */
  readonly reason: string;
}

/** KICK: a user was removed from a channel; `sender` is the kicker. */
export interface KickArgs {
  readonly channel: ChannelRef;
  readonly target: UserRef;
  readonly by?: UserRef;
  readonly reason: string;
  /** true when the removal is also a ban (XMPP MUC outcast, status 301). */
  readonly ban?: boolean;
}

/** QUIT: a user left the network (all channels at once). */
export interface QuitArgs {
  readonly user: UserRef;
  readonly reason: string;
  /** The channels the user was seen in, as far as the adapter knows. */
  readonly channels: readonly ChannelRef[];
}

/** KILL: a user was disconnected by an operator or server. */
export interface KillArgs {
  readonly target: UserRef;
  readonly by?: UserRef;
  readonly reason: string;
}

/** INVITE: a user was invited to a channel. */
export interface InviteArgs {
  readonly channel: ChannelRef;
  readonly target: UserRef;
  readonly by: UserRef;
}

/** KNOCK: a user asked to be let into a channel. */
export interface KnockArgs {
  readonly channel: ChannelRef;
  readonly user: UserRef;
  readonly text: string;
}

// --- identity -----------------------------------------------------------------------------

/** NICK: a user changed nick (also an XMPP MUC nick change, status 303). */
export interface NickArgs {
  /** The user as they were BEFORE the change (old nick; for XMPP MUC the old occupant JID). */
  readonly user: UserRef;
  readonly oldNick: string;
  readonly newNick: string;
  /** The channel, when the change is local to one channel (XMPP MUC nicks are per room). */
  readonly channel?: ChannelRef;
}

/** UID: a user was introduced (a server link's burst, or first sight of a user). */
export interface UidArgs {
  readonly user: UserRef;
  /** Sign-on time, ms since the epoch, when known. */
  readonly signonTs?: number;
  readonly ident?: string;
  readonly host?: string;
  readonly realHost?: string;
  readonly ip?: string;
  readonly realName?: string;
}

/** AWAY: a user set (text non-empty) or cleared (text empty) their away message. */
export interface AwayArgs {
  readonly user: UserRef;
  readonly text: string;
}

/** CHGHOST: a user's visible host (and possibly ident) changed. */
export interface ChgHostArgs {
  readonly target: UserRef;
  readonly newHost: string;
  readonly newIdent?: string;
}

/** CHGIDENT: a user's ident (username) changed. */
export interface ChgIdentArgs {
  readonly target: UserRef;
  readonly newIdent: string;
}

/** CHGNAME: a user's real name / display name changed. */
export interface ChgNameArgs {
  readonly target: UserRef;
  readonly newName: string;
}

/** SAVE: a nick collision forced a user to a fallback nick (TS6 SAVE). */
export interface SaveArgs {
  readonly target: UserRef;
  readonly oldNick: string;
}

/** SVSNICK: services asked for a user's nick to change. */
export interface SvsNickArgs {
  readonly target: UserRef;
  readonly newNick: string;
}

/** CLIENT_SERVICES_LOGIN: a user logged in to (account set) or out of (account empty) an account. */
export interface ClientServicesLoginArgs {
  readonly user: UserRef;
  readonly account: string;
}

/** CLIENT_OPERED: a user became an operator. */
export interface ClientOperedArgs {
  readonly user: UserRef;
  /** The operator type, e.g. `NetAdmin`. */
  readonly operType: string;
}

// --- channel state ------------------------------------------------------------------------

/** MODE: modes were changed on a channel or a user; exactly one of `channel` and `user` is set. */
export interface ModeArgs {
  /** The channel, for channel modes. */
  readonly channel?: ChannelRef;
  /** The user, for user modes. */
  readonly user?: UserRef;
  readonly modes: readonly ModeChange[];
}

/** TOPIC: a channel's topic (XMPP: room subject) changed. */
export interface TopicArgs {
  readonly channel: ChannelRef;
  readonly text: string;
  readonly oldText?: string;
  /** Who set it, as given by the network (nick, nick!user@host, server name). */
  readonly setter?: string;
  /**
   * true when this is the topic the bot learned on joining (IRC 332, the MUC subject sent at
   * join), not a change someone made now. Relays do not repeat initial topics.
   */
  readonly initial?: boolean;
}

// --- servers and network lifecycle --------------------------------------------------------

/** SQUIT: a server split from the network, taking its users along. */
export interface SquitArgs {
  /** The server that split. */
  readonly server: string;
  readonly uplink?: string;
  readonly users: readonly UserRef[];
  /** Channel id → nicks that were in it and split off. */
  readonly nicksByChannel: Readonly<Record<string, readonly string[]>>;
  /** Every server lost in the split, including `server`. */
  readonly affectedServers: readonly string[];
}

/** ENDBURST: a network (or linked server) finished its initial sync. */
export interface EndBurstArgs {
  /** The server that finished; for client connections, the network name. */
  readonly server: string;
}

/** DISCONNECT: a network connection ended; emitted by the hub. */
export interface DisconnectArgs {
  /** true when the connection had been fully established before it ended. */
  readonly wasSuccessful: boolean;
  readonly reason: string;
}

/** VERSION: a remote server asked for our version. */
export interface VersionArgs {
  readonly target?: string;
}

/** WHOIS: someone asked about a user that Switchboard provides. */
export interface WhoisArgs {
  readonly target: UserRef;
}

/** CUSTOM_WHOIS: a chance for modules to add lines to a WHOIS reply Switchboard answers. */
export interface CustomWhoisArgs {
  readonly target: UserRef;
  /** The server that answers the request. */
  readonly server: string;
  /** Lines modules may push onto; the adapter sends them with the reply. */
  readonly extraLines: string[];
}

/** NEW_SERVICE: a service bot was introduced by Switchboard. */
export interface NewServiceArgs {
  readonly name: string;
}

/** Maps each command to its args. */
export interface EventArgsMap {
  MESSAGE: MessageArgs;
  EDIT: EditArgs;
  DELETE: DeleteArgs;
  REACT: ReactArgs;
  TYPING: TypingArgs;
  PRESENCE: PresenceArgs;
  JOIN: JoinArgs;
  PART: PartArgs;
  KICK: KickArgs;
  QUIT: QuitArgs;
  KILL: KillArgs;
  INVITE: InviteArgs;
  KNOCK: KnockArgs;
  NICK: NickArgs;
  UID: UidArgs;
  AWAY: AwayArgs;
  CHGHOST: ChgHostArgs;
  CHGIDENT: ChgIdentArgs;
  CHGNAME: ChgNameArgs;
  SAVE: SaveArgs;
  SVSNICK: SvsNickArgs;
  CLIENT_SERVICES_LOGIN: ClientServicesLoginArgs;
  CLIENT_OPERED: ClientOperedArgs;
  MODE: ModeArgs;
  TOPIC: TopicArgs;
  SQUIT: SquitArgs;
  ENDBURST: EndBurstArgs;
  DISCONNECT: DisconnectArgs;
  VERSION: VersionArgs;
  WHOIS: WhoisArgs;
  CUSTOM_WHOIS: CustomWhoisArgs;
  NEW_SERVICE: NewServiceArgs;
}

/** Every command in the catalog. */
export type Command = keyof EventArgsMap;

/** The commands, in catalog order (for docs, metrics and validation). */
export const COMMANDS: readonly Command[] = [
  'MESSAGE', 'EDIT', 'DELETE', 'REACT', 'TYPING', 'PRESENCE',
  'JOIN', 'PART', 'KICK', 'QUIT', 'KILL', 'INVITE', 'KNOCK',
  'NICK', 'UID', 'AWAY', 'CHGHOST', 'CHGIDENT', 'CHGNAME', 'SAVE', 'SVSNICK',
  'CLIENT_SERVICES_LOGIN', 'CLIENT_OPERED',
  'MODE', 'TOPIC',
  'SQUIT', 'ENDBURST', 'DISCONNECT', 'VERSION', 'WHOIS', 'CUSTOM_WHOIS', 'NEW_SERVICE',
];
