/**
 * ngIRCd's server protocol: RFC 2813 with the IRC+ extensions ngIRCd 26 speaks (its
 * doc/Protocol.txt), verified against the real server (shared/peers/REPORT.md §2.1).
 *
 * Handshake: we send `PASS <sendPassword> 0210-IRC+ switchboard|<version>:CHMX` and
 * `SERVER <name> 1 :<description>` (no token: ngIRCd does not send one either); ngIRCd answers
 * with its own PASS (checked against `receivePassword`, fatal on a mismatch) and SERVER. With
 * the `H` flag (enhanced handshake) it then sends its ISUPPORT (005: NICKLEN, CASEMAPPING,
 * PREFIX, CHANMODES) and 376, which we answer in kind; then its burst (SERVER, NICK, NJOIN,
 * CHANINFO), and its first PING marks the end of the burst. RFC 2813 has no UIDs, no TS and no
 * ENDBURST: users are known by nick (we mint uids for the state tracker), channels have no TS.
 *
 * Flags: C (CHANINFO), H (enhanced handshake), M (METADATA: host, ident, real name and account
 * changes), X (owner/admin/half-op prefixes, as PREFIX announces them).
 */
import { timingSafeEqual } from 'node:crypto';
import type { ModeChange } from '../../../core/catalog.js';
import { parseChannelModes } from '../../irc/modes.js';
import { buildLine, isMiddleParam, type LinkLine } from '../line.js';
import { answerVersion, applyAway, applyTopic, applyUserModes, emitMessages, LINK_VERSION } from './common.js';
import type { LinkSession, ServerProtocol } from '../server-protocol.js';
import { modeLetters, type LinkUser } from '../state.js';

/** Longest NJOIN line we send, without CR LF (RFC 2813's 512 bytes with them, less a margin). */
const NJOIN_LIST_BYTES = 500;

/** ngIRCd has one kind of operator. */
const OPER_TYPE = 'IRC Operator';
/** Commands ngIRCd sends that a link has no use for; ignored without a log line. */
const QUIET = new Set(['PONG', 'WALLOPS', 'SERVICE', 'SERVLIST', 'SQUERY', 'WHOIS', 'WHOWAS', 'MOTD', 'STATS', 'LINKS', 'TIME', 'ADMIN', 'INFO', 'TRACE', 'CONNECT', 'XOP', 'KNOCK']);

function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}

/** The ngIRCd (RFC 2813 / IRC+) protocol for one connection. */
export class NgircdProtocol implements ServerProtocol {
  private passAccepted = false;
  private uplink: string | undefined;
  private burstDone = false;
  private uidCounter = 0;
  /** Server tokens of the SERVER lines (the uplink is 1) → server name, for NICK introductions. */
  private readonly tokens = new Map<string, string>();
  /** The uplink's ISUPPORT tokens, mirrored back in our 005 so that both sides agree. */
  private readonly isupport: string[] = [];

  constructor(private readonly s: LinkSession) {}

  private get me(): string {
    return this.s.config.serverName;
  }

  handshake(): string[] {
    return [
      `PASS ${this.s.config.sendPassword} 0210-IRC+ ${LINK_VERSION.replace('-', '|')}:CHMX`,
      `SERVER ${this.me} 1 :${this.s.config.description}`,
    ];
  }

  newUid(): string {
    this.uidCounter += 1;
    return `u${this.uidCounter}`;
  }

  introduce(user: LinkUser): string[] {
    const modes = `+${[...user.modes].join('')}`;
    return [buildLine(this.me, 'NICK', [user.nick, '1', user.ident, user.host, '1', modes], user.realName)];
  }

  join(user: LinkUser, channel: string): string[] {
    return [buildLine(this.me, 'NJOIN', [channel], user.nick)];
  }

  /** One NJOIN per as many nicks as fit in a line (RFC 2813: 512 bytes with CR LF). */
  joinMany(users: readonly LinkUser[], channel: string): string[] {
    const room = NJOIN_LIST_BYTES - Buffer.byteLength(`:${this.me} NJOIN ${channel} :`);
    const lines: string[] = [];
    let list: string[] = [];
    let bytes = 0;
    for (const { nick } of users) {
      const size = Buffer.byteLength(nick) + 1;
      if (list.length > 0 && bytes + size > room) {
        lines.push(buildLine(this.me, 'NJOIN', [channel], list.join(',')));
        list = [];
        bytes = 0;
      }
      list.push(nick);
      bytes += size;
    }
    if (list.length > 0) lines.push(buildLine(this.me, 'NJOIN', [channel], list.join(',')));
    return lines;
  }

  part(user: LinkUser, channel: string, reason: string): string[] {
    return [buildLine(user.nick, 'PART', [channel], reason)];
  }

  quit(user: LinkUser, reason: string): string[] {
    return [buildLine(user.nick, 'QUIT', [], reason)];
  }

  nick(user: LinkUser, newNick: string): string[] {
    return [buildLine(user.nick, 'NICK', [newNick])];
  }

  kick(source: LinkUser, channel: string, target: LinkUser, reason: string): string[] {
    return [buildLine(source.nick, 'KICK', [channel, target.nick], reason)];
  }

  topic(source: LinkUser, channel: string, text: string): string[] {
    return [buildLine(source.nick, 'TOPIC', [channel], text)];
  }

  mode(source: LinkUser | undefined, channel: string, modes: string, params: string[]): string[] {
    return [buildLine(source?.nick ?? this.me, 'MODE', [channel, modes, ...params])];
  }

  message(user: LinkUser, target: string, notice: boolean, text: string): string {
    return buildLine(user.nick, notice ? 'NOTICE' : 'PRIVMSG', [target], text);
  }

  ping(): string {
    return buildLine(this.me, 'PING', [this.me], this.uplink ?? this.me);
  }

  goodbye(reason: string): string[] {
    return [buildLine(this.me, 'SQUIT', [this.me], reason)];
  }

  handle(line: LinkLine): void {
    if (line.command === 'ERROR') return this.onError(line);
    if (!this.passAccepted) {
      if (line.command === 'PASS') return this.onPass(line);
      return this.s.fail(`the ircd sent ${line.command} before PASS: not an ngIRCd server link`, false);
    }
    if (/^[0-9]{3}$/.test(line.command)) return this.onNumeric(line);
    if (this.uplink === undefined && line.command !== 'SERVER') return this.s.ignored('before-server', line);
    switch (line.command) {
      case 'PASS': return;
      case 'SERVER': return this.onServer(line);
      case 'PING': return this.onPing(line);
      // `:<nick> VERSION <our name>`: answered as ours (351 to the nick).
      case 'VERSION': return answerVersion(this.s, line, this.user(line.source), (t) => t.toLowerCase() === this.me.toLowerCase(), { from: this.me, to: (u) => u.nick, me: this.me });
      case 'NICK': return this.onNick(line);
      case 'NJOIN': return this.onNjoin(line);
      case 'JOIN': return this.onJoin(line);
      case 'PART': return this.onPart(line);
      case 'QUIT': return this.onQuit(line);
      case 'KICK': return this.onKick(line);
      case 'KILL': return this.onKill(line);
      case 'MODE': return this.onMode(line);
      case 'TOPIC': return this.onTopic(line);
      case 'CHANINFO': return this.onChanInfo(line);
      case 'PRIVMSG': case 'NOTICE': return this.onMessage(line);
      case 'SQUIT': return this.onSquit(line);
      case 'METADATA': return this.onMetadata(line);
      case 'AWAY': return this.onAway(line);
      case 'INVITE': return this.onInvite(line);
      case 'SVSNICK': return this.onSvsNick(line);
      default:
        if (!QUIET.has(line.command)) this.s.ignored('unknown-command', line);
    }
  }

  // --- handshake --------------------------------------------------------------------------

  private onPass(line: LinkLine): void {
    const [password = '', version = ''] = line.params;
    if (!sameSecret(password, this.s.config.receivePassword)) {
      return this.s.fail('the ircd answered with another link password than receivePassword (ngIRCd PeerPassword)', true);
    }
    if (!version.includes('IRC+')) return this.s.fail(`the peer does not speak IRC+ (version "${version}"): not an ngIRCd server`, true);
    this.passAccepted = true;
  }

  private onError(line: LinkLine): void {
    const text = line.params.at(-1) ?? '';
    const fatal = /password|not configured|access denied|no permission/i.test(text);
    this.s.fail(`the ircd closed the link: ${text}`, fatal);
  }

  private onNumeric(line: LinkLine): void {
    if (line.command === '005') {
      const tokens = line.params.slice(1, -1);
      this.s.state.support.update(tokens);
      for (const token of tokens) if (this.isupport.length < 60 && isMiddleParam(token)) this.isupport.push(token);
    } else if (line.command === '376' && this.uplink !== undefined) {
      // End of the enhanced handshake: ours in kind (ngIRCd compares NICKLEN and the like).
      for (let i = 0; i < this.isupport.length; i += 12) {
        this.s.send(buildLine(this.me, '005', [this.uplink, ...this.isupport.slice(i, i + 12)], 'are supported on this server'));
      }
      this.s.send(buildLine(this.me, '376', [this.uplink], 'End of server negotiation'));
    }
    // Other numerics (replies meant for our clients) are of no use to a link.
  }

  private onServer(line: LinkLine): void {
    const name = line.params[0];
    if (name === undefined || !name.includes('.') || line.params.length < 2) return this.s.ignored('malformed', line);
    const description = line.params.at(-1) ?? '';
    if (this.uplink === undefined) {
      this.uplink = name;
      this.tokens.set('1', name.toLowerCase());
      this.s.state.addServer({ name, uplink: undefined, description, own: false });
      this.s.state.addServer({ name: this.me, uplink: name.toLowerCase(), description: this.s.config.description, own: true });
      return;
    }
    // SERVER <name> <hopcount> <token> :<info>, from the server that introduces it.
    const introducer = (line.source || this.uplink).toLowerCase();
    if (!this.s.state.addServer({ name, uplink: introducer, description, own: false })) return this.s.ignored('server-collision', line, name);
    // Tokens are the link's own numbering (the uplink is 1), whoever introduced the server.
    if (line.params.length >= 4 && this.tokens.size < 1_000) this.tokens.set(line.params[2] ?? '', name.toLowerCase());
  }

  private onPing(line: LinkLine): void {
    const origin = line.params.at(-1) ?? this.uplink ?? '';
    if (isMiddleParam(origin)) this.s.send(buildLine(this.me, 'PONG', [this.me], origin));
    if (!this.burstDone && this.uplink !== undefined) {
      // ngIRCd sends no end-of-burst marker: its first PING after the burst is one (as PyLink reads it).
      this.burstDone = true;
      this.s.events.endBurst(this.uplink);
      this.s.uplinkBurstDone(this.uplink);
    }
  }

  // --- users --------------------------------------------------------------------------------

  private user(nick: string | undefined): LinkUser | undefined {
    return nick === undefined || nick === '' ? undefined : this.s.state.userByNick(nick);
  }

  /** The user a line comes from (not one of ours: their lines never come back). */
  private sourceUser(line: LinkLine): LinkUser | undefined {
    const user = this.user(line.source);
    if (!user) this.s.ignored('unknown-source', line, line.source);
    return user && !user.own ? user : undefined;
  }

  /** A user, or the server name, that caused a change. */
  private actor(line: LinkLine): LinkUser | string {
    return this.user(line.source) ?? (line.source || this.uplink || '');
  }

  private onNick(line: LinkLine): void {
    if (line.params.length >= 7) return this.onIntroduction(line);
    const user = this.sourceUser(line);
    const newNick = line.params[0];
    if (!user || newNick === undefined || !isMiddleParam(newNick)) return;
    const oldNick = user.nick;
    this.yieldNick(newNick);
    if (!this.s.state.changeNick(user.uid, newNick)) return this.s.ignored('nick-collision', line, newNick);
    this.s.events.nick({ ...user, nick: oldNick } as LinkUser, oldNick, newNick);
  }

  /** `NICK <nick> <hopcount> <user> <host> <servertoken> <modes> :<realname>` */
  private onIntroduction(line: LinkLine): void {
    const [nick = '', , ident = '', host = '', token = '', modes = ''] = line.params;
    const realName = line.params.at(-1) ?? '';
    if (!isMiddleParam(nick) || !isMiddleParam(ident) || !isMiddleParam(host)) return this.s.ignored('malformed', line);
    const server = this.tokens.get(token) ?? (line.source || this.uplink || '').toLowerCase();
    const user: LinkUser = {
      uid: this.newUid(), nick, ident, host, realName, server,
      modes: modeLetters(modes),
      signonTs: Date.now(), channels: new Set(), own: false,
    };
    this.yieldNick(nick);
    if (!this.s.state.addUser(user)) return this.s.ignored('nick-collision', line, nick);
    this.s.events.uid(user);
    if (user.modes.has('o')) this.s.events.opered(user, OPER_TYPE);
  }

  /**
   * A remote user takes `nick`: when one of our clients holds it (our NICK crossed theirs), ours
   * is force-tagged away first (RFC 2813 has no TS to settle it; ngIRCd keeps the nick its own
   * side saw first).
   */
  private yieldNick(nick: string): void {
    const holder = this.user(nick);
    if (holder?.own) this.s.forceTag(holder, 'collision');
  }

  private onQuit(line: LinkLine): void {
    const user = this.user(line.source);
    // A QUIT after a KILL (ngIRCd sends both for its own clients) finds nobody: already gone.
    if (!user || user.own) return;
    const channels = this.s.state.removeUser(user.uid).map((c) => c.name);
    this.s.events.quit(user, line.params[0] ?? '', channels);
  }

  private onKill(line: LinkLine): void {
    const target = this.user(line.params[0]);
    if (!target) return this.s.ignored('unknown-target', line, line.params[0]);
    const by = this.actor(line);
    this.s.events.kill(target, by, line.params[1] ?? '');
    this.s.state.removeUser(target.uid);
    if (target.own) this.s.ownClientKilled(target);
  }

  private onMetadata(line: LinkLine): void {
    const [nick, key = '', value = ''] = line.params;
    const user = this.user(nick);
    if (!user || user.own || line.params.length < 3) return this.s.ignored('malformed', line);
    // A host or ident is never empty (an account or real name may be: a logout, no name).
    if ((key === 'host' || key === 'cloakhost' || key === 'user') && !isMiddleParam(value)) return this.s.ignored('malformed', line);
    switch (key) {
      case 'host': case 'cloakhost':
        user.host = value;
        return this.s.events.chgHost(user, value);
      case 'user':
        user.ident = value;
        return this.s.events.chgIdent(user, value);
      case 'info':
        user.realName = value;
        return this.s.events.chgName(user, value);
      case 'accountname':
        user.account = value;
        return this.s.events.servicesLogin(user, value);
    }
  }

  private onAway(line: LinkLine): void {
    const user = this.sourceUser(line);
    if (!user) return;
    applyAway(this.s, user, line.params[0] ?? '');
  }

  // --- channels -----------------------------------------------------------------------------

  /** `NJOIN <channel> :[@|+...]nick,...`: the burst's (and a server's) joins, with prefixes. */
  private onNjoin(line: LinkLine): void {
    const [channel = '', list = ''] = line.params;
    if (!this.s.state.support.isChannel(channel)) return this.s.ignored('malformed', line);
    const joined: LinkUser[] = [];
    const modes: ModeChange[] = [];
    for (const entry of list.split(',')) {
      let at = 0;
      const prefixes: string[] = [];
      for (let mode = this.s.state.support.modeForSymbol(entry[at] ?? ''); mode !== undefined; mode = this.s.state.support.modeForSymbol(entry[at] ?? '')) {
        prefixes.push(mode);
        at += 1;
      }
      const user = this.user(entry.slice(at));
      if (!user) {
        if (entry !== '') this.s.ignored('unknown-member', line, entry);
        continue;
      }
      if (!this.s.state.join(channel, user.uid, prefixes)) continue;
      joined.push(user);
      for (const mode of prefixes) modes.push({ mode: `+${mode}`, arg: user.nick });
    }
    this.s.events.join(channel, joined, modes);
  }

  /** `:nick JOIN #a\x07o,#b`: RFC 2813 carries a member's status after a BEL. */
  private onJoin(line: LinkLine): void {
    const user = this.sourceUser(line);
    if (!user) return;
    for (const item of (line.params[0] ?? '').split(',')) {
      const [channel = '', status = ''] = item.split('\x07');
      if (!this.s.state.support.isChannel(channel)) {
        this.s.ignored('malformed', line, item);
        continue;
      }
      const prefixes = [...status].filter((m) => this.s.state.support.isPrefixMode(m));
      if (!this.s.state.join(channel, user.uid, prefixes)) continue;
      this.s.events.join(channel, [user], prefixes.map((mode) => ({ mode: `+${mode}`, arg: user.nick })));
    }
  }

  private onPart(line: LinkLine): void {
    const user = this.sourceUser(line);
    if (!user) return;
    for (const channel of (line.params[0] ?? '').split(',')) {
      if (this.s.state.part(channel, user.uid)) this.s.events.part(this.s.state.channel(channel)?.name ?? channel, user, line.params[1] ?? '');
    }
  }

  private onKick(line: LinkLine): void {
    const [channel = '', targets = '', reason = ''] = line.params;
    const by = this.actor(line);
    for (const nick of targets.split(',')) {
      const target = this.user(nick);
      if (!target) {
        this.s.ignored('unknown-target', line, nick);
        continue;
      }
      const name = this.s.state.channel(channel)?.name ?? channel;
      if (!this.s.state.part(channel, target.uid)) continue;
      this.s.events.kick(name, target, by, reason);
      if (target.own) this.s.ownClientKicked(target, name);
    }
  }

  private onMode(line: LinkLine): void {
    const [target = '', ...rest] = line.params;
    if (this.s.state.support.isChannel(target)) {
      if (!this.s.state.channel(target)) return this.s.ignored('unknown-channel', line, target);
      // Only letters are modes: anything else in a mode string is dropped.
      const changes = parseChannelModes(rest, this.s.state.support).filter((c) => /^[+-][A-Za-z]$/.test(c.mode));
      this.s.state.applyChannelModes(target, changes);
      return this.s.events.channelMode(this.s.state.channel(target)?.name ?? target, changes, this.actor(line));
    }
    const user = this.user(target);
    if (!user) return this.s.ignored('unknown-target', line, target);
    const { changes, opered } = applyUserModes(user, rest[0] ?? '');
    this.s.events.userMode(user, changes);
    if (opered) this.s.events.opered(user, OPER_TYPE);
  }

  private onTopic(line: LinkLine): void {
    applyTopic(this.s, line, this.actor(line));
  }

  /** `CHANINFO <channel> +<modes> [[<key> <limit>] <topic>]`: burst state, no event. */
  private onChanInfo(line: LinkLine): void {
    const [name = '', modes = '+'] = line.params;
    // ngIRCd may send it before the NJOIN (or for a persistent channel without members).
    const channel = this.s.state.support.isChannel(name) ? this.s.state.ensureChannel(name) : undefined;
    if (!channel) return this.s.ignored('malformed', line);
    const letters = [...modes].filter((c) => /[A-Za-z]/.test(c) && c !== 'k' && c !== 'l');
    for (const letter of letters) channel.modes.set(letter, '');
    if (line.params.length >= 5) {
      const [, , key = '*', limit = '0'] = line.params;
      if (key !== '*' && modes.includes('k')) channel.modes.set('k', key);
      if (limit !== '0' && modes.includes('l')) channel.modes.set('l', limit);
    }
    if (line.params.length >= 3) channel.topic = line.params.at(-1) ?? '';
  }

  /**
   * `:services SVSNICK <nick> <newnick>`: ngIRCd forwards it to the server of the user, so it
   * reaches us for our own clients. Reported, not obeyed (PyLink's rule: a virtual client's
   * nick is the link's to choose): one of ours is force-tagged instead (session.forceTag).
   */
  private onSvsNick(line: LinkLine): void {
    const [nick, newNick] = line.params;
    const target = this.user(nick);
    if (!target || newNick === undefined || newNick === '') return this.s.ignored('malformed', line);
    this.s.events.svsNick(target, newNick, this.actor(line));
    if (target.own) this.s.forceTag(target, 'svsnick');
  }

  private onInvite(line: LinkLine): void {
    const by = this.sourceUser(line);
    const target = this.user(line.params[0]);
    const channel = line.params[1];
    if (!by || !target || channel === undefined || !this.s.state.support.isChannel(channel)) return this.s.ignored('malformed', line);
    this.s.events.invite(channel, target, by);
  }

  // --- messages and splits --------------------------------------------------------------------

  private onMessage(line: LinkLine): void {
    const [targets = '', text] = line.params;
    if (text === undefined) return this.s.ignored('malformed', line);
    const author = this.user(line.source);
    // Server notices are not chat; a user nobody introduced means the state is off.
    if (!author && !this.s.state.server(line.source)) this.s.ignored('unknown-source', line, line.source);
    if (!author || author.own) return;
    emitMessages(this.s, line, author, targets, text, (target) => this.user(target));
  }

  private onSquit(line: LinkLine): void {
    const [server = '', reason = ''] = line.params;
    if (server.toLowerCase() === this.me.toLowerCase()) return this.s.fail(`the ircd split us off: ${reason}`, false);
    const split = this.s.state.split(server);
    if (!split) return this.s.ignored('unknown-server', line, server);
    this.s.events.squit(line.source || (this.uplink ?? server), split);
    if (split.servers.some((s) => s.name.toLowerCase() === this.uplink?.toLowerCase())) this.s.fail(`the uplink split: ${reason}`, false);
  }
}
