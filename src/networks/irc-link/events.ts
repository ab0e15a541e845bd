/**
 * Catalog events from link-state changes, shared by every server protocol: refs are built the
 * way the IRC client adapter builds them (ids are nicks and channel names folded by the
 * network's case mapping; `UserRef.host` is `ident@host`).
 */
import type { ModeChange } from '../../core/catalog.js';
import type { AnyEventInput, Command } from '../../core/event.js';
import type { Message, MessageKind } from '../../core/message.js';
import type { ChannelRef, UserRef } from '../../core/refs.js';
import { capText } from '../../core/body-cap.js';
import { parseIrcFormatting } from '../irc/format-parse.js';
import type { LinkState, LinkUser, SplitResult } from './state.js';

/** What the event helper needs from the adapter. */
export interface LinkEventsOptions {
  readonly network: string;
  readonly state: () => LinkState;
  emit(event: AnyEventInput): void;
  /** Mints a message id. */
  mintId(): string;
  /** Longest message text (UTF-8 bytes) parsed as it is. */
  readonly maxBodyBytes: number;
  /** A message text was cut at `maxBodyBytes`. */
  onTruncated?(context: Readonly<Record<string, unknown>>): void;
  /** false when the hub would not see an event of `command` (NetworkContext.wants): it is not built. Absent: always built. */
  wants?(command: Command): boolean;
}

/** Emits the catalog events of a link. */
export class LinkEvents {
  constructor(private readonly options: LinkEventsOptions) {}

  private get network(): string {
    return this.options.network;
  }

  /** The UserRef of a user on the link. */
  userRef(user: Pick<LinkUser, 'nick' | 'ident' | 'host' | 'realName' | 'account'>): UserRef {
    // Built field by field (one per person of a netjoin; remote people's refs are kept by the relay's targets).
    const ref: { -readonly [K in keyof UserRef]: UserRef[K] } = {
      network: this.network,
      id: this.options.state().support.fold(user.nick),
      nick: user.nick,
      host: `${user.ident}@${user.host}`,
    };
    if (user.realName) ref.displayName = user.realName;
    if (user.account) ref.account = user.account;
    return ref;
  }

  /** The ChannelRef of a channel name. */
  channelRef(name: string): ChannelRef {
    return { network: this.network, id: this.options.state().support.fold(name), name };
  }

  /** The sender of an event caused by `source`: a user's id, or a server name. */
  private sender(source: LinkUser | string): string {
    return typeof source === 'string' ? source : this.options.state().support.fold(source.nick);
  }

  private emit(source: LinkUser | string, event: Omit<AnyEventInput, 'network' | 'sender'>): void {
    this.options.emit({ network: this.network, sender: this.sender(source), ...event } as AnyEventInput);
  }

  uid(user: LinkUser): void {
    // One per user introduced (thousands in a burst): not built when nobody would see it.
    if (this.options.wants?.('UID') === false) return;
    this.emit(user.server, {
      command: 'UID',
      args: {
        user: this.userRef(user), signonTs: user.signonTs, ident: user.ident, host: user.host, realHost: user.realHost ?? user.host,
        ...(user.ip === undefined ? {} : { ip: user.ip }), realName: user.realName,
      },
    });
  }

  /** `ts`: the channel's creation TS (seconds), for protocols that carry one. */
  join(channel: string, users: readonly LinkUser[], modes?: readonly ModeChange[], ts?: number): void {
    if (users.length === 0) return;
    const source = users.length === 1 ? (users[0] as LinkUser) : (users[0] as LinkUser).server;
    this.emit(source, {
      command: 'JOIN',
      args: { channel: this.channelRef(channel), users: users.map((u) => this.userRef(u)), ...(modes?.length ? { modes } : {}), ...(ts === undefined ? {} : { ts }) },
    });
  }

  part(channel: string, user: LinkUser, reason: string): void {
    this.emit(user, { command: 'PART', args: { channel: this.channelRef(channel), user: this.userRef(user), reason } });
  }

  kick(channel: string, target: LinkUser, by: LinkUser | string, reason: string): void {
    this.emit(by, {
      command: 'KICK',
      args: { channel: this.channelRef(channel), target: this.userRef(target), ...(typeof by === 'string' ? {} : { by: this.userRef(by) }), reason },
    });
  }

  quit(user: LinkUser, reason: string, channels: readonly string[]): void {
    this.emit(user, { command: 'QUIT', args: { user: this.userRef(user), reason, channels: channels.map((c) => this.channelRef(c)) } });
  }

  kill(target: LinkUser, by: LinkUser | string, reason: string): void {
    this.emit(by, { command: 'KILL', args: { target: this.userRef(target), ...(typeof by === 'string' ? {} : { by: this.userRef(by) }), reason } });
  }

  /** `before` is the user as it was (old nick). */
  nick(before: LinkUser, oldNick: string, newNick: string): void {
    this.emit(before, { command: 'NICK', args: { user: this.userRef({ ...before, nick: oldNick }), oldNick, newNick } });
  }

  topic(channel: string, text: string, oldText: string, setter: LinkUser | string): void {
    this.emit(setter, {
      command: 'TOPIC',
      args: { channel: this.channelRef(channel), text, oldText, setter: typeof setter === 'string' ? setter : setter.nick },
    });
  }

  channelMode(channel: string, modes: readonly ModeChange[], source: LinkUser | string): void {
    if (modes.length > 0) this.emit(source, { command: 'MODE', args: { channel: this.channelRef(channel), modes } });
  }

  userMode(user: LinkUser, modes: readonly ModeChange[]): void {
    if (modes.length > 0) this.emit(user, { command: 'MODE', args: { user: this.userRef(user), modes } });
  }

  squit(source: string, split: SplitResult): void {
    const [root] = split.servers;
    if (!root) return;
    const nicksByChannel: Record<string, readonly string[]> = {};
    for (const [name, nicks] of Object.entries(split.nicksByChannel)) nicksByChannel[this.channelRef(name).id] = nicks;
    this.emit(source, {
      command: 'SQUIT',
      args: {
        server: root.name,
        ...(root.uplink === undefined ? {} : { uplink: root.uplink }),
        users: split.users.map((u) => this.userRef(u)),
        nicksByChannel,
        affectedServers: split.servers.map((s) => s.name),
      },
    });
  }

  endBurst(server: string): void {
    this.emit(server, { command: 'ENDBURST', args: { server } });
  }

  away(user: LinkUser, text: string): void {
    this.emit(user, { command: 'AWAY', args: { user: this.userRef(user), text } });
  }

  chgHost(user: LinkUser, newHost: string): void {
    this.emit(user, { command: 'CHGHOST', args: { target: this.userRef(user), newHost } });
  }

  chgIdent(user: LinkUser, newIdent: string): void {
    this.emit(user, { command: 'CHGIDENT', args: { target: this.userRef(user), newIdent } });
  }

  chgName(user: LinkUser, newName: string): void {
    this.emit(user, { command: 'CHGNAME', args: { target: this.userRef(user), newName } });
  }

  servicesLogin(user: LinkUser, account: string): void {
    this.emit(user, { command: 'CLIENT_SERVICES_LOGIN', args: { user: this.userRef(user), account } });
  }

  opered(user: LinkUser, operType: string): void {
    this.emit(user, { command: 'CLIENT_OPERED', args: { user: this.userRef(user), operType } });
  }

  /** `after` is the user with its fallback nick (usually its uid). */
  save(after: LinkUser, oldNick: string, by: string): void {
    this.emit(by, { command: 'SAVE', args: { target: this.userRef(after), oldNick } });
  }

  knock(channel: string, user: LinkUser, text: string): void {
    this.emit(user, { command: 'KNOCK', args: { channel: this.channelRef(channel), user: this.userRef(user), text } });
  }

  /** Someone (`by`) asked the network about one of our clients (`target`). */
  whois(target: LinkUser, by: LinkUser | string): void {
    this.emit(by, { command: 'WHOIS', args: { target: this.userRef(target) } });
  }

  /** VERSION: `by` asked for our server's version (`target`: the server named in the request). */
  version(by: LinkUser, target: string | undefined): void {
    this.emit(by, { command: 'VERSION', args: target === undefined ? {} : { target } });
  }

  svsNick(target: LinkUser, newNick: string, by: LinkUser | string): void {
    this.emit(by, { command: 'SVSNICK', args: { target: this.userRef(target), newNick } });
  }

  invite(channel: string, target: LinkUser, by: LinkUser): void {
    this.emit(by, { command: 'INVITE', args: { channel: this.channelRef(channel), target: this.userRef(target), by: this.userRef(by) } });
  }

  /**
   * A PRIVMSG or NOTICE from `author` to a channel or to one of our clients (`recipient`).
   * CTCP ACTION becomes an action; other CTCPs are dropped.
   */
  message(author: LinkUser, target: { readonly channel: string } | { readonly recipient: LinkUser }, notice: boolean, rawText: string): void {
    let kind: MessageKind = notice ? 'notice' : 'message';
    let text = rawText;
    if (text.startsWith('\x01')) {
      const inner = text.endsWith('\x01') ? text.slice(1, -1) : text.slice(1);
      const space = inner.indexOf(' ');
      if ((space === -1 ? inner : inner.slice(0, space)).toUpperCase() !== 'ACTION') return;
      kind = 'action';
      text = space === -1 ? '' : inner.slice(space + 1);
    }
    const capped = capText(text, this.options.maxBodyBytes);
    if (capped.truncated) this.options.onTruncated?.({ from: author.nick, chars: text.length, maxBodyBytes: this.options.maxBodyBytes });
    const channel = 'channel' in target ? this.channelRef(target.channel) : undefined;
    const message: Message = {
      id: this.options.mintId(),
      ...(channel ? { channel } : { recipient: this.userRef((target as { recipient: LinkUser }).recipient) }),
      author: this.userRef(author),
      kind,
      body: parseIrcFormatting(capped.text),
      attachments: [],
      ts: Date.now(),
    };
    this.emit(author, { command: 'MESSAGE', args: channel ? { channel, message } : { message } });
  }
}
