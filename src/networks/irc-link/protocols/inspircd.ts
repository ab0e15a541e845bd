/**
 * InspIRCd 3's server protocol: spanningtree, protocol version 1205, as InspIRCd 3.15 speaks it
 * (verified against the real server: shared/peers/REPORT.md §2.2 and test/e2e/irc-link-inspircd).
 *
 * Handshake: we send `CAPAB START 1205`, `CAPAB CAPABILITIES :PROTOCOL=1205`, `CAPAB END` and
 * `SERVER <name> <sendPassword> 0 <sid> :<description>` at once (no module or mode lists, as
 * services do, so InspIRCd skips its compatibility checks; no CHALLENGE, so the passwords are
 * plain). InspIRCd sends its CAPAB (CHANMODES with named, typed modes and prefix levels,
 * USERMODES, CAPABILITIES with NICKMAX and CASEMAPPING) and its SERVER line with its password
 * (checked against `receivePassword`, fatal on a mismatch). Our `BURST` tells it that we accepted
 * it; its burst follows (SERVER, UID, OPERTYPE, FJOIN, FTOPIC, FMODE, METADATA) up to `ENDBURST`.
 * Then ours (the service client and its FJOINs) and our `ENDBURST`.
 *
 * Users are known by UUID (SID + 6 characters); nicks are looked up only where a person typed
 * one. Channels carry a creation TS: an FJOIN or FMODE with an older TS than ours wins (our modes
 * and prefixes go), a newer one loses (its modes are ignored), an equal one merges.
 */
import { timingSafeEqual } from 'node:crypto';
import { buildLine, isMiddleParam, type LinkLine } from '../line.js';
import { emitMessages, LINK_VERSION, LINK_VERSION_COMMENT } from './common.js';
import type { LinkSession, ServerProtocol } from '../server-protocol.js';
import type { LinkUser } from '../state.js';
import { capabilityTokens, chanModeTokens, simpleUserModes } from './inspircd-capab.js';
import { InspircdChannelLines } from './inspircd-channels.js';
import { nowTs, parseTs, type InspircdLink } from './inspircd-context.js';
import { InspircdUserLines } from './inspircd-users.js';

/** The spanningtree protocol version this module speaks (InspIRCd 3). */
export const INSPIRCD_PROTOCOL = 1205;
/** Most members in one FJOIN we send (InspIRCd splits its own at 480 bytes). */
const FJOIN_MEMBERS = 20;
/** Commands InspIRCd sends that a link has no use for; ignored without a log line. */
const QUIET = new Set([
  'PONG', 'BURST', 'SINFO', 'VERSION', 'NUM', 'PUSH', 'SNONOTICE', 'GLOBOPS', 'WALLOPS', 'ADDLINE', 'DELLINE', 'OPERQUIT',
  'TIME', 'SVSJOIN', 'SVSPART', 'SVSHOLD', 'LMODE', 'FRHOST', 'SAVEHIST', 'MODENOTICE', 'CAPAB', 'SQUERY', 'STATS', 'MOTD',
  'ADMIN', 'INFO', 'MAP', 'LINKS', 'CONNECT', 'WHOIS', 'PASS', 'ALLTIME', 'SSLINFO',
]);

function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * The InspIRCd 3 (spanningtree 1205) protocol for one connection: the handshake, servers,
 * messages and the lines for our clients here; user and channel lines in inspircd-users.ts and
 * inspircd-channels.ts, which see the link through {@link InspircdLink}.
 */
export class InspircdProtocol implements ServerProtocol, InspircdLink {
  /** InspIRCd takes `/` in nicks from servers: virtual clients are PyLink's `nick/net`. */
  readonly slashInNicks = true;
  private uplink: { readonly sid: string; readonly name: string } | undefined;
  private capabStarted = false;
  /** The uplink's burst is over (its ENDBURST came). */
  private uplinkBurstOver = false;
  /** Ours is over (our ENDBURST went out). */
  private ourBurstDone = false;
  private uidCounter = 0;
  private membershipCounter = 0;
  /** SID → server name (lower case, as the state keys servers). */
  private readonly sids = new Map<string, string>();
  /** uid → nick TS (collisions and SAVE compare them). */
  readonly nickTs = new Map<string, number>();
  /** User mode letters without a parameter InspIRCd knows (from CAPAB USERMODES); empty when it did not say. */
  private readonly userModes = new Set<string>();
  private readonly users: InspircdUserLines;
  private readonly channels: InspircdChannelLines;

  constructor(readonly s: LinkSession) {
    this.users = new InspircdUserLines(this);
    this.channels = new InspircdChannelLines(this);
  }

  get me(): string {
    return this.s.config.serverName;
  }

  get uplinkName(): string | undefined {
    return this.uplink?.name;
  }

  get burstDone(): boolean {
    return this.uplinkBurstOver;
  }

  serverName(sid: string): string | undefined {
    return this.sids.get(sid);
  }

  get sid(): string {
    const sid = this.s.config.sid;
    if (sid === undefined) throw new Error('an InspIRCd link needs a sid (the config check requires one)');
    return sid;
  }

  handshake(): string[] {
    return [
      `CAPAB START ${INSPIRCD_PROTOCOL}`,
      `CAPAB CAPABILITIES :PROTOCOL=${INSPIRCD_PROTOCOL}`,
      'CAPAB END',
      `SERVER ${this.me} ${this.s.config.sendPassword} 0 ${this.sid} :${this.s.config.description}`,
    ];
  }

  newUid(): string {
    this.uidCounter += 1;
    // SID + 6 characters: `A` then the counter in base 36 (60 million uids per connection).
    return `${this.sid}A${this.uidCounter.toString(36).toUpperCase().padStart(5, '0')}`;
  }

  introduce(user: LinkUser): string[] {
    const ts = Math.floor(user.signonTs / 1000);
    this.nickTs.set(user.uid, ts);
    const modes = [...user.modes].filter((m) => this.userModes.size === 0 || this.userModes.has(m));
    return [buildLine(this.sid, 'UID', [user.uid, String(ts), user.nick, user.host, user.host, user.ident, user.ip ?? '0.0.0.0', String(ts), `+${modes.join('')}`], user.realName)];
  }

  join(user: LinkUser, channel: string): string[] {
    const state = this.s.state.channel(channel);
    const name = state?.name ?? channel;
    if (state && state.ts !== undefined && this.ourBurstDone) {
      this.membershipCounter += 1;
      return [buildLine(user.uid, 'IJOIN', [name, String(this.membershipCounter)])];
    }
    // A channel new to the network (or our burst): FJOIN from our server, with its TS.
    const ts = state?.ts ?? nowTs();
    if (state) state.ts = ts;
    return this.fjoin(name, ts, [user]);
  }

  /** `:<sid> FJOIN <chan> <ts> + :<prefixes>,<uid>:<membid> ...` for our clients, a few per line. */
  fjoin(channel: string, ts: number, users: readonly LinkUser[]): string[] {
    const members = this.s.state.channel(channel)?.members;
    const list = users.map((u) => {
      this.membershipCounter += 1;
      return `${[...(members?.get(u.uid) ?? [])].join('')},${u.uid}:${this.membershipCounter}`;
    });
    const lines: string[] = [];
    for (let i = 0; i < list.length; i += FJOIN_MEMBERS) lines.push(buildLine(this.sid, 'FJOIN', [channel, String(ts), '+'], list.slice(i, i + FJOIN_MEMBERS).join(' ')));
    return lines;
  }

  part(user: LinkUser, channel: string, reason: string): string[] {
    return [buildLine(user.uid, 'PART', [channel], reason)];
  }

  quit(user: LinkUser, reason: string): string[] {
    this.nickTs.delete(user.uid);
    return [buildLine(user.uid, 'QUIT', [], reason)];
  }

  nick(user: LinkUser, newNick: string): string[] {
    const ts = nowTs();
    this.nickTs.set(user.uid, ts);
    return [buildLine(user.uid, 'NICK', [newNick, String(ts)])];
  }

  message(user: LinkUser, target: string, notice: boolean, text: string): string {
    // Users are addressed by UUID between servers.
    const to = this.s.state.support.isChannel(target) ? target : this.s.state.userByNick(target)?.uid ?? target;
    return buildLine(user.uid, notice ? 'NOTICE' : 'PRIVMSG', [to], text);
  }

  kick(source: LinkUser, channel: string, target: LinkUser, reason: string): string[] {
    return [buildLine(source.uid, 'KICK', [channel, target.uid], reason)];
  }

  topic(source: LinkUser, channel: string, text: string): string[] {
    return [buildLine(source.uid, 'FTOPIC', [channel, String(this.channelTs(channel)), String(nowTs())], text)];
  }

  mode(source: LinkUser | undefined, channel: string, modes: string, params: string[]): string[] {
    // Prefix modes name members by UUID between servers: nicks are translated.
    const support = this.s.state.support;
    const out: string[] = [];
    let adding = true;
    let next = 0;
    for (const letter of modes) {
      if (letter === '+' || letter === '-') {
        adding = letter === '+';
        continue;
      }
      if (!support.takesArgument(letter, adding) || next >= params.length) continue;
      const param = params[next++] as string;
      out.push(support.isPrefixMode(letter) ? this.s.state.userByNick(param)?.uid ?? param : param);
    }
    return [buildLine(source?.uid ?? this.sid, 'FMODE', [channel, String(this.channelTs(channel)), modes, ...out])];
  }

  ping(): string {
    return buildLine(this.sid, 'PING', [this.uplink?.sid ?? this.sid]);
  }

  goodbye(reason: string): string[] {
    return [buildLine(this.sid, 'SQUIT', [this.sid], reason)];
  }

  private channelTs(channel: string): number {
    return this.s.state.channel(channel)?.ts ?? nowTs();
  }

  handle(line: LinkLine): void {
    if (line.command === 'ERROR') return this.onError(line);
    if (this.uplink === undefined) return this.beforeServer(line);
    switch (line.command) {
      case 'SERVER': return this.onServer(line);
      case 'ENDBURST': return this.onEndBurst(line);
      case 'PING': return this.onPing(line);
      case 'SQUIT': return this.onSquit(line);
      case 'RSQUIT': return this.onRsquit(line);
      case 'UID': return this.users.onUid(line);
      case 'NICK': return this.users.onNick(line);
      case 'SAVE': return this.users.onSave(line);
      case 'QUIT': return this.users.onQuit(line);
      case 'KILL': return this.users.onKill(line);
      case 'OPERTYPE': return this.users.onOperType(line);
      case 'FHOST': case 'FIDENT': case 'FNAME': return this.users.onChange(line);
      case 'CHGHOST': case 'CHGIDENT': case 'CHGNAME': return this.users.onChangeRequest(line);
      case 'METADATA': return this.users.onMetadata(line);
      case 'AWAY': return this.users.onAway(line);
      case 'MODE': return this.users.onUserMode(line);
      case 'FJOIN': return this.channels.onFjoin(line);
      case 'IJOIN': return this.channels.onIjoin(line);
      case 'RESYNC': return this.channels.onResync(line);
      case 'PART': return this.channels.onPart(line);
      case 'KICK': return this.channels.onKick(line);
      case 'FMODE': return this.channels.onFmode(line);
      case 'FTOPIC': case 'TOPIC': case 'SVSTOPIC': return this.channels.onTopic(line);
      case 'INVITE': return this.channels.onInvite(line);
      case 'KNOCK': return this.channels.onKnock(line);
      case 'SVSNICK': return this.users.onSvsNick(line);
      case 'IDLE': return this.users.onIdle(line);
      case 'ENCAP': return this.onEncap(line);
      case 'PRIVMSG': case 'NOTICE': return this.onMessage(line);
      default:
        if (!QUIET.has(line.command) && !/^[0-9]{3}$/.test(line.command)) this.s.ignored('unknown-command', line);
    }
  }

  private onError(line: LinkLine): void {
    const text = line.params.at(-1) ?? '';
    // Wrong credentials or a mismatch of configuration: trying again cannot help.
    const fatal = /password|credentials|CAPAB negotiation failed|Invalid format server ID|not configured/i.test(text);
    this.s.fail(`the ircd closed the link: ${text}`, fatal);
  }

  private beforeServer(line: LinkLine): void {
    if (line.command === 'CAPAB') return this.onCapab(line);
    if (line.command === 'SERVER' && this.capabStarted) return this.onUplinkServer(line);
    this.s.fail(`the ircd sent ${line.command} before CAPAB and SERVER: not an InspIRCd 3 spanningtree link`, false);
  }

  private onCapab(line: LinkLine): void {
    const [sub = '', value = ''] = line.params;
    switch (sub.toUpperCase()) {
      case 'START': {
        const version = parseTs(value) ?? 0;
        if (version < INSPIRCD_PROTOCOL) return this.s.fail(`the ircd speaks spanningtree protocol ${value || '(none)'}; InspIRCd 3 (${INSPIRCD_PROTOCOL}) or later is needed`, true);
        if (version > INSPIRCD_PROTOCOL) this.s.log.info({ version }, `the ircd speaks a newer spanningtree protocol; the link speaks ${INSPIRCD_PROTOCOL}, which it must keep accepting`);
        this.capabStarted = true;
        return;
      }
      case 'CAPABILITIES':
        return this.s.state.support.update(capabilityTokens(value));
      case 'CHANMODES':
        return this.s.state.support.update(chanModeTokens(value));
      case 'USERMODES':
        for (const letter of simpleUserModes(value)) this.userModes.add(letter);
    }
  }

  /** `SERVER <name> <password> 0 <sid> :<description>`: the uplink accepted us and names itself. */
  private onUplinkServer(line: LinkLine): void {
    const [name = '', password = '', , sid = ''] = line.params;
    if (line.params.length < 5 || !name.includes('.') || !/^[0-9][A-Z0-9]{2}$/.test(sid)) return this.s.fail('the ircd sent a malformed SERVER line', false);
    if (!sameSecret(password, this.s.config.receivePassword)) {
      return this.s.fail('the ircd answered with another link password than receivePassword (InspIRCd <link sendpass>)', true);
    }
    this.uplink = { sid, name };
    this.sids.set(sid, name.toLowerCase());
    this.sids.set(this.sid, this.me.toLowerCase());
    this.s.state.addServer({ name, uplink: undefined, description: line.params.at(-1) ?? '', own: false });
    this.s.state.addServer({ name: this.me, uplink: name.toLowerCase(), description: this.s.config.description, own: true });
    // Our BURST tells InspIRCd we accepted it: its burst follows. InspIRCd answers a /VERSION of
    // our server itself, from the SINFO it has of us (it does not forward VERSION).
    this.s.send(
      buildLine(this.sid, 'BURST', [String(nowTs())]),
      buildLine(this.sid, 'SINFO', ['version'], `${LINK_VERSION}. ${this.me}`),
      buildLine(this.sid, 'SINFO', ['fullversion'], `${LINK_VERSION}. ${this.me} :${LINK_VERSION_COMMENT}`),
    );
  }

  /** `:<sid> SERVER <name> <sid> [key=value ...] :<description>`: a server behind the uplink. */
  private onServer(line: LinkLine): void {
    const [name = '', sid = ''] = line.params;
    const introducer = this.sids.get(line.source);
    if (line.params.length < 3 || !name.includes('.') || !/^[0-9][A-Z0-9]{2}$/.test(sid) || introducer === undefined) return this.s.ignored('malformed', line);
    if (this.sids.has(sid) || !this.s.state.addServer({ name, uplink: introducer, description: line.params.at(-1) ?? '', own: false })) {
      return this.s.ignored('server-collision', line, `${name} ${sid}`);
    }
    this.sids.set(sid, name.toLowerCase());
  }

  private onEndBurst(line: LinkLine): void {
    const server = this.s.state.server(this.sids.get(line.source) ?? '');
    if (!server) return this.s.ignored('unknown-source', line, line.source);
    this.s.events.endBurst(server.name);
    if (line.source !== this.uplink?.sid || this.uplinkBurstOver) return;
    this.uplinkBurstOver = true;
    // Our burst: the adapter introduces its clients in their channels (FJOIN), then our ENDBURST.
    this.s.uplinkBurstDone(server.name);
    this.ourBurstDone = true;
    this.s.send(buildLine(this.sid, 'ENDBURST', []));
  }

  private onPing(line: LinkLine): void {
    const [target] = line.params;
    if (target === this.sid && isMiddleParam(line.source)) this.s.send(buildLine(this.sid, 'PONG', [line.source]));
  }

  userOf(uid: string | undefined): LinkUser | undefined {
    return uid === undefined || uid === '' ? undefined : this.s.state.user(uid);
  }

  /** The (remote) user a line comes from; their own lines never come back for ours. */
  sourceUser(line: LinkLine): LinkUser | undefined {
    const user = this.userOf(line.source);
    if (!user) this.s.ignored('unknown-source', line, line.source);
    return user && !user.own ? user : undefined;
  }

  /** A user, or a server's name, that caused a change. */
  actor(line: LinkLine): LinkUser | string {
    return this.userOf(line.source) ?? this.sids.get(line.source) ?? this.uplink?.name ?? line.source;
  }

  /** A user named in a parameter: by UUID, or by nick (what an oper typed may reach us untranslated). */
  target(id: string | undefined): LinkUser | undefined {
    if (id === undefined || id === '') return undefined;
    return this.s.state.user(id) ?? this.s.state.userByNick(id);
  }

  /** `:<source> ENCAP <target> <command> <params...>`: for everyone (`*`) or us, handled as the inner command. */
  private onEncap(line: LinkLine): void {
    const [target = '', command = '', ...params] = line.params;
    if (target !== '*' && target !== this.sid && target.toLowerCase() !== this.me.toLowerCase()) return;
    if (!/^[A-Z]+$/i.test(command) || command.toUpperCase() === 'ENCAP') return this.s.ignored('malformed', line);
    this.handle({ source: line.source, command: command.toUpperCase(), params });
  }

  private onMessage(line: LinkLine): void {
    const [targets = '', text] = line.params;
    if (text === undefined) return this.s.ignored('malformed', line);
    const author = this.userOf(line.source);
    // Server notices are not chat; a user nobody introduced means the state is off.
    if (!author && !this.sids.has(line.source)) this.s.ignored('unknown-source', line, line.source);
    if (!author || author.own) return;
    emitMessages(this.s, line, author, targets, text, (target) => this.target(target));
  }

  /** `:<source> SQUIT <sid or name> :<reason>` */
  private onSquit(line: LinkLine): void {
    const [id = '', reason = ''] = line.params;
    const name = this.sids.get(id) ?? id;
    if (name.toLowerCase() === this.me.toLowerCase()) return this.s.fail(`the ircd split us off: ${reason}`, false);
    const split = this.s.state.split(name);
    if (!split) return this.s.ignored('unknown-server', line, id);
    const lost = new Set(split.servers.map((server) => server.name.toLowerCase()));
    for (const [sid, server] of this.sids) if (lost.has(server)) this.sids.delete(sid);
    for (const user of split.users) this.nickTs.delete(user.uid);
    const source = this.actor(line);
    this.s.events.squit(typeof source === 'string' ? source : source.server, split);
    if (lost.has(this.uplink?.name.toLowerCase() ?? '')) this.s.fail(`the uplink split: ${reason}`, false);
  }

  /** `:<uid> RSQUIT <server> [:<reason>]`: an operator asks for a split; for us, InspIRCd closes the link itself. */
  private onRsquit(line: LinkLine): void {
    const [server = '', reason = ''] = line.params;
    if (server.toLowerCase() === this.me.toLowerCase()) this.s.log.warn({ reason }, 'an operator asked the ircd to drop the link (RSQUIT)');
  }
}
