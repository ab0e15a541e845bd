/**
 * Turns IRC protocol lines into catalog events and keeps member tracking up to date.
 *
 * Channel ids are casefolded per CASEMAPPING (`ChannelRef.name` keeps the spelling); user
 * ids are casefolded nicks (`UserRef.nick` keeps the spelling). The bot's own lines are never
 * turned into events as if someone else had sent them: its own PRIVMSG/NOTICE echoes, JOIN,
 * PART, QUIT, NICK, TOPIC, MODE and AWAY are dropped here and reported through `OwnHooks`
 * instead. A KICK of the bot is emitted (someone else did it) and reported too.
 */
import type { AnyEventInput } from '../../core/event.js';
import type { ChannelRef, UserRef } from '../../core/refs.js';
import type { Message, MessageKind } from '../../core/message.js';
import type { ServerSupport } from './isupport.js';
import type { MemberTracker } from './members.js';
import { parseIrcFormatting } from './format-parse.js';
import { parseChannelModes } from './modes.js';
import { hasRelayedTag, typingStateOf } from './tags.js';
import { capText } from '../../core/body-cap.js';
import type { PeerBridges } from './peer-bridges.js';
import { ircChannelRef, ircUserRef } from './refs.js';
import type { RoomCursor } from '../catch-up/scan.js';

/** One parsed protocol line (the shape irc-framework's parser produces). */
export interface IrcLine {
  readonly tags: Readonly<Record<string, unknown>>;
  /** `nick!user@host` or a server name; empty when absent. */
  readonly prefix: string;
  readonly nick: string;
  readonly ident: string;
  readonly hostname: string;
  /** Upper-case command or three-digit numeric. */
  readonly command: string;
  readonly params: readonly string[];
}

/** What the adapter wants to know about its own presence. */
export interface OwnHooks {
  joined?(channel: string, user: string, host: string): void;
  parted?(channel: string): void;
  kicked?(channel: string, by: string, reason: string): void;
  nickChanged?(newNick: string): void;
  hostChanged?(user: string, host: string): void;
}

export interface InboundOptions {
  readonly network: string;
  readonly support: ServerSupport;
  readonly members: MemberTracker;
  /** The bot's current nick. */
  ownNick(): string;
  /** true for the nick of one of the adapter's puppets: what they do is not reported. */
  isPuppet?(nick: string): boolean;
  emit(event: AnyEventInput): void;
  /**
   * Hands an event to the hub and resolves once it was handled (NetworkContext.emitHandled);
   * used for channel messages when `noteSeen` is set, and for replayed ones. Absent: `emit`.
   */
  emitHandled?(event: AnyEventInput): Promise<void>;
  /**
   * A channel message with a msgid was emitted (its `handled` settles once the hub handled it):
   * where a catch-up after an outage would start (the IRC catch-up's cursor). Absent: not tracked.
   */
  noteSeen?(channel: string, cursor: RoomCursor, handled: Promise<void>): void;
  /** Mints a message id when the server sent no msgid. */
  mintId(): string;
  readonly own?: OwnHooks;
  /** The bridges whose hop marker is believed; without it, nobody's. */
  readonly peerBridges?: PeerBridges;
  /** Longest message text (UTF-8 bytes) parsed as it is; longer text is cut. Default: no cap. */
  readonly maxBodyBytes?: number;
  /** Something about a received message worth a log line (the adapter rate-limits them). */
  onIssue?(issue: InboundIssue, context: Readonly<Record<string, unknown>>): void;
}

/**
 * `status-message`: a STATUSMSG line, not reported; `truncated`: a text cut at `maxBodyBytes`;
 * `untrusted-hop-marker`: the hop marker tag from someone who is not a peer bridge (ignored).
 */
export type InboundIssue = 'status-message' | 'truncated' | 'untrusted-hop-marker';

function tag(line: IrcLine, name: string): string | undefined {
  const value = line.tags[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The event time: the IRCv3 server-time tag when present and valid, else now. */
function lineTime(line: IrcLine, now: () => number = Date.now): number {
  const time = tag(line, 'time');
  const parsed = time === undefined ? Number.NaN : Date.parse(time);
  return Number.isFinite(parsed) ? parsed : now();
}

export class InboundMapper {
  constructor(private readonly options: InboundOptions) {}

  private get support(): ServerSupport {
    return this.options.support;
  }

  private get members(): MemberTracker {
    return this.options.members;
  }

  /** A channel ref: canonical id, display name. */
  channelRef(name: string): ChannelRef {
    return ircChannelRef(this.options.network, this.support, name);
  }

  /** A user ref for a nick, with what is known about it. */
  userRef(nick: string, user?: string, host?: string, account?: string): UserRef {
    return ircUserRef(this.options.network, this.support, nick, { user, host, account });
  }

  private sourceRef(line: IrcLine): UserRef {
    const account = tag(line, 'account') ?? this.knownAccount(line.nick);
    return this.userRef(line.nick, line.ident, line.hostname, account);
  }

  private knownAccount(nick: string): string | undefined {
    for (const channel of this.members.channelsOf(nick)) {
      const account = this.members.member(channel, nick)?.account;
      if (account) return account;
    }
    return undefined;
  }

  private isOwn(nick: string): boolean {
    return this.support.equal(nick, this.options.ownNick());
  }

  /** true when a line comes from a server rather than a user. */
  private fromServer(line: IrcLine): boolean {
    return line.prefix === '' || (!line.prefix.includes('!') && line.prefix.includes('.'));
  }

  private emit(line: IrcLine, sender: string, event: Omit<AnyEventInput, 'network' | 'sender' | 'ts'>): void {
    this.options.emit({ network: this.options.network, sender, ts: lineTime(line), ...event } as AnyEventInput);
  }

  /** Handles one line from the server. Unknown commands and numerics are ignored. */
  handle(line: IrcLine): void {
    if (line.nick && !this.fromServer(line) && this.options.isPuppet?.(line.nick)) return;
    switch (line.command) {
      case 'PRIVMSG': case 'NOTICE': this.onMessage(line); break;
      case 'JOIN': this.onJoin(line); break;
      case 'PART': this.onPart(line); break;
      case 'KICK': this.onKick(line); break;
      case 'QUIT': this.onQuit(line); break;
      case 'NICK': this.onNick(line); break;
      case 'TOPIC': this.onTopic(line); break;
      case 'MODE': this.onMode(line); break;
      case 'INVITE': this.onInvite(line); break;
      case 'AWAY': this.onAway(line); break;
      case 'TAGMSG': this.onTagMsg(line); break;
      case 'CHGHOST': this.onChgHost(line); break;
      case 'ACCOUNT': this.onAccount(line); break;
      case '332': this.onTopicReply(line); break;
      case '353': this.onNames(line); break;
    }
  }

  private onMessage(line: IrcLine): void {
    const content = this.messageContent(line);
    if (content === 'status') {
      // STATUSMSG (`@#chan`): meant only for members with that status; the other networks
      // cannot keep that restriction, so it is never relayed.
      this.options.onIssue?.('status-message', { target: line.params[0], from: line.nick, command: line.command });
      return;
    }
    if (content !== undefined) void this.message(line, content, false);
  }

  /**
   * true when a PRIVMSG or NOTICE would become a MESSAGE event: not from a server, the bot or
   * a puppet, not to members with a status only (STATUSMSG), not a CTCP other than ACTION.
   */
  relayable(line: IrcLine): boolean {
    if (line.nick && !this.fromServer(line) && this.options.isPuppet?.(line.nick)) return false;
    const content = this.messageContent(line);
    return content !== undefined && content !== 'status';
  }

  /**
   * A channel message from the server's history (CHATHISTORY), caught up after an outage:
   * handled as a live one would be, marked as delayed, its time the server's. Resolves once
   * its event was handled (NetworkContext.emitHandled); at once when nothing was emitted.
   */
  replay(line: IrcLine): Promise<void> {
    const content = this.relayable(line) ? this.messageContent(line) : undefined;
    if (content === undefined || content === 'status') return Promise.resolve();
    return this.message(line, content, true) ?? Promise.resolve();
  }

  /** A line from the channel itself (not from a member), e.g. what a catch-up did not relay. */
  notice(channelName: string, text: string): void {
    const channel = this.channelRef(channelName);
    const author: UserRef = { network: this.options.network, id: channel.id, nick: channel.name ?? channel.id };
    const message: Message = { id: this.options.mintId(), channel, author, kind: 'notice', body: [{ type: 'text', text }], attachments: [], ts: Date.now() };
    this.options.emit({ network: this.options.network, sender: channel.id, command: 'MESSAGE', args: { channel, message } } as AnyEventInput);
  }

  /** The kind and text of a PRIVMSG or NOTICE; 'status' for a STATUSMSG target; undefined when it is not relayed. */
  private messageContent(line: IrcLine): { readonly kind: MessageKind; readonly text: string } | 'status' | undefined {
    if (line.command !== 'PRIVMSG' && line.command !== 'NOTICE') return undefined;
    const [rawTarget = '', rawText = ''] = line.params;
    if (this.fromServer(line) || this.isOwn(line.nick)) return undefined;
    if (this.support.statusPrefix(rawTarget) !== '') return 'status';
    if (!rawText.startsWith('\x01')) return { kind: line.command === 'NOTICE' ? 'notice' : 'message', text: rawText };
    const inner = rawText.endsWith('\x01') ? rawText.slice(1, -1) : rawText.slice(1);
    const space = inner.indexOf(' ');
    const ctcp = (space === -1 ? inner : inner.slice(0, space)).toUpperCase();
    if (ctcp !== 'ACTION') return undefined;
    return { kind: 'action', text: space === -1 ? '' : inner.slice(space + 1) };
  }

  /**
   * Emits the MESSAGE of a PRIVMSG or NOTICE. A channel message with a msgid is tracked: once
   * its event was handled, `noteSeen` hears of it (where a catch-up would start). A `late`
   * one (from history) is marked as delayed; its handling is returned.
   */
  private message(line: IrcLine, content: { readonly kind: MessageKind; readonly text: string }, late: boolean): Promise<void> | undefined {
    const rawTarget = line.params[0] ?? '';
    const author = this.sourceRef(line);
    const channel = this.support.isChannel(rawTarget) ? this.channelRef(rawTarget) : undefined;
    const msgid = tag(line, 'msgid');
    const ts = lineTime(line);
    const message: Message = {
      id: msgid ?? this.options.mintId(),
      ...(channel ? { channel } : { recipient: this.userRef(this.options.ownNick()) }),
      author,
      kind: content.kind,
      body: parseIrcFormatting(this.capped(content.text, line)),
      attachments: [],
      ts,
      ...(this.carriesTrustedHopMarker(line, author.account) ? { relayed: true } : {}),
      ...(late ? { delayed: true } : {}),
    };
    const event = { network: this.options.network, sender: author.id, ts, command: 'MESSAGE', args: channel ? { channel, message } : { message } } as AnyEventInput;
    const { emitHandled, noteSeen } = this.options;
    if (emitHandled === undefined || (!late && (channel === undefined || msgid === undefined || noteSeen === undefined))) {
      this.options.emit(event);
      return undefined;
    }
    const handled = emitHandled(event);
    if (!late && channel !== undefined && msgid !== undefined) noteSeen?.(rawTarget, { id: msgid, ts: Math.min(ts, Date.now()) }, handled);
    return handled;
  }

  /** The text within `maxBodyBytes`, cut with a marker when longer. */
  private capped(text: string, line: IrcLine): string {
    if (this.options.maxBodyBytes === undefined) return text;
    const capped = capText(text, this.options.maxBodyBytes);
    if (capped.truncated) this.options.onIssue?.('truncated', { from: line.nick, target: line.params[0], chars: text.length, maxBodyBytes: this.options.maxBodyBytes });
    return capped.text;
  }

  /** true for the hop marker tag on a line from a configured peer bridge (from anyone else it means nothing). */
  private carriesTrustedHopMarker(line: IrcLine, account: string | undefined): boolean {
    if (!hasRelayedTag(line.tags)) return false;
    const sender = { nick: line.nick, ident: line.ident, hostname: line.hostname, ...(account === undefined ? {} : { account }) };
    if (this.options.peerBridges?.includes(sender, this.support.caseMapping) === true) return true;
    this.options.onIssue?.('untrusted-hop-marker', { from: line.prefix, ...(account === undefined ? {} : { account }) });
    return false;
  }

  private onJoin(line: IrcLine): void {
    const [channel = '', account] = line.params;
    if (this.isOwn(line.nick)) {
      this.members.addChannel(channel);
      this.members.add(channel, line.nick, { user: line.ident, host: line.hostname });
      this.options.own?.joined?.(channel, line.ident, line.hostname);
      return;
    }
    const knownAccount = account && account !== '*' ? account : undefined;
    this.members.add(channel, line.nick, { user: line.ident, host: line.hostname, account: knownAccount });
    const user = this.userRef(line.nick, line.ident, line.hostname, knownAccount);
    this.emit(line, user.id, { command: 'JOIN', args: { channel: this.channelRef(channel), users: [user] } });
  }

  private onPart(line: IrcLine): void {
    const [channel = '', reason = ''] = line.params;
    if (this.isOwn(line.nick)) {
      this.members.removeChannel(channel);
      this.options.own?.parted?.(channel);
      return;
    }
    const user = this.sourceRef(line);
    this.members.remove(channel, line.nick);
    this.emit(line, user.id, { command: 'PART', args: { channel: this.channelRef(channel), user, reason } });
  }

  private onKick(line: IrcLine): void {
    const [channel = '', target = '', reason = ''] = line.params;
    const by = this.fromServer(line) ? undefined : this.sourceRef(line);
    const targetMember = this.members.member(channel, target);
    const targetRef = this.userRef(target, targetMember?.user, targetMember?.host, targetMember?.account);
    const channelRef = this.channelRef(channel);
    if (this.isOwn(target)) {
      this.members.removeChannel(channel);
      this.options.own?.kicked?.(channel, line.nick || line.prefix, reason);
    } else {
      this.members.remove(channel, target);
    }
    this.emit(line, by?.id ?? line.prefix, { command: 'KICK', args: { channel: channelRef, target: targetRef, ...(by ? { by } : {}), reason } });
  }

  private onQuit(line: IrcLine): void {
    if (this.isOwn(line.nick)) return;
    const user = this.sourceRef(line);
    const channels = this.members.removeEverywhere(line.nick).map((name) => this.channelRef(name));
    this.emit(line, user.id, { command: 'QUIT', args: { user, reason: line.params[0] ?? '', channels } });
  }

  private onNick(line: IrcLine): void {
    const newNick = line.params[0] ?? '';
    if (this.isOwn(line.nick)) {
      this.members.rename(line.nick, newNick);
      this.options.own?.nickChanged?.(newNick);
      return;
    }
    const user = this.sourceRef(line);
    this.members.rename(line.nick, newNick);
    this.emit(line, user.id, { command: 'NICK', args: { user, oldNick: line.nick, newNick } });
  }

  private onTopic(line: IrcLine): void {
    const [channel = '', text = ''] = line.params;
    const state = this.members.channel(channel);
    const oldText = state?.topic;
    if (state) state.topic = text;
    if (this.isOwn(line.nick)) return;
    this.emit(line, line.nick || line.prefix, {
      command: 'TOPIC',
      args: { channel: this.channelRef(channel), text, ...(oldText === undefined ? {} : { oldText }), setter: line.prefix, initial: false },
    });
  }

  /** RPL_TOPIC (332), the topic as the bot finds it on joining: a TOPIC event marked `initial`. */
  private onTopicReply(line: IrcLine): void {
    const [, channel = '', text = ''] = line.params;
    const state = this.members.channel(channel);
    if (state) state.topic = text;
    this.emit(line, line.prefix, { command: 'TOPIC', args: { channel: this.channelRef(channel), text, initial: true } });
  }

  private onNames(line: IrcLine): void {
    const [, , channel = '', names = ''] = line.params;
    for (const entry of names.split(' ')) {
      if (!entry) continue;
      let start = 0;
      const modes: string[] = [];
      for (let mode = this.support.modeForSymbol(entry[start] as string); mode !== undefined && start < entry.length - 1;
        mode = this.support.modeForSymbol(entry[start] as string)) {
        modes.push(mode);
        start++;
      }
      const mask = entry.slice(start);
      const bang = mask.indexOf('!');
      const at = mask.indexOf('@');
      const nick = bang === -1 ? mask : mask.slice(0, bang);
      const details = bang !== -1 && at > bang ? { user: mask.slice(bang + 1, at), host: mask.slice(at + 1) } : {};
      this.members.add(channel, nick, details, modes);
    }
  }

  private onMode(line: IrcLine): void {
    const [target = '', ...rest] = line.params;
    if (!this.support.isChannel(target)) return;
    const modes = parseChannelModes(rest, this.support);
    for (const change of modes) {
      const letter = change.mode.slice(1);
      if (change.arg !== undefined && this.support.isPrefixMode(letter)) this.members.setMode(target, change.arg, letter, change.mode[0] === '+');
    }
    if (!this.fromServer(line) && this.isOwn(line.nick)) return;
    this.emit(line, line.nick || line.prefix, { command: 'MODE', args: { channel: this.channelRef(target), modes } });
  }

  private onInvite(line: IrcLine): void {
    const [target = '', channel = ''] = line.params;
    if (this.fromServer(line)) return;
    const by = this.sourceRef(line);
    this.emit(line, by.id, { command: 'INVITE', args: { channel: this.channelRef(channel), target: this.userRef(target), by } });
  }

  private onAway(line: IrcLine): void {
    if (this.isOwn(line.nick)) return;
    const user = this.sourceRef(line);
    this.emit(line, user.id, { command: 'AWAY', args: { user, text: line.params[0] ?? '' } });
  }

  /** A TAGMSG with the typing client tag (IRCv3 `+typing`): a TYPING event. Other TAGMSGs are ignored. */
  private onTagMsg(line: IrcLine): void {
    const state = typingStateOf(line.tags);
    const target = line.params[0] ?? '';
    if (state === undefined || this.fromServer(line) || this.isOwn(line.nick) || this.support.statusPrefix(target) !== '') return;
    const user = this.sourceRef(line);
    const where = this.support.isChannel(target) ? { channel: this.channelRef(target) } : {};
    this.emit(line, user.id, { command: 'TYPING', args: { ...where, user, state } });
  }

  private onChgHost(line: IrcLine): void {
    const [newIdent = '', newHost = ''] = line.params;
    this.members.update(line.nick, { user: newIdent, host: newHost });
    if (this.isOwn(line.nick)) {
      this.options.own?.hostChanged?.(newIdent, newHost);
      return;
    }
    const target = this.sourceRef(line);
    this.emit(line, target.id, { command: 'CHGHOST', args: { target, newHost, newIdent } });
  }

  private onAccount(line: IrcLine): void {
    const raw = line.params[0] ?? '*';
    const account = raw === '*' ? '' : raw;
    this.members.update(line.nick, { account: account || undefined });
    if (this.isOwn(line.nick)) return;
    const user = this.userRef(line.nick, line.ident, line.hostname, account || undefined);
    this.emit(line, user.id, { command: 'CLIENT_SERVICES_LOGIN', args: { user, account } });
  }
}
