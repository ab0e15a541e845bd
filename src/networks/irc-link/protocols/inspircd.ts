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
import type { ModeChange } from '../../../core/catalog.js';
import { parseChannelModes } from '../../irc/modes.js';
import { buildLine, isMiddleParam, type LinkLine } from '../line.js';
import type { LinkSession, ServerProtocol } from '../server-protocol.js';
import type { LinkChannel, LinkUser } from '../state.js';

/** The spanningtree protocol version this module speaks (InspIRCd 3). */
export const INSPIRCD_PROTOCOL = 1205;
/** The nick TS InspIRCd gives a user moved to its UUID by a collision (CommandSave::SavedTimestamp). */
const SAVED_TS = 100;
const UUID_PATTERN = /^[0-9][A-Z0-9]{2}[A-Z0-9]{6}$/;
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

/** Digits at the start of a TS (InspIRCd reads TSes with atoi); undefined when there are none. */
function parseTs(value: string | undefined): number | undefined {
  const digits = /^[0-9]{1,15}/.exec(value ?? '')?.[0];
  return digits === undefined ? undefined : Number(digits);
}

function nowTs(): number {
  return Math.floor(Date.now() / 1000);
}

/** The ISUPPORT-style tokens for InspIRCd 3's `CAPAB CHANMODES` list (`list:ban=b prefix:30000:op=@o ...`). */
export function chanModeTokens(list: string): string[] {
  const groups = ['', '', '', ''];
  const prefixes: Array<{ level: number; mode: string; symbol: string }> = [];
  for (const item of list.split(' ')) {
    const eq = item.lastIndexOf('=');
    if (eq === -1) continue;
    const parts = item.slice(0, eq).split(':');
    const value = item.slice(eq + 1);
    const letter = value.at(-1) ?? '';
    if (!/^[A-Za-z]$/.test(letter)) continue;
    switch (parts[0]) {
      case 'list': groups[0] += letter; break;
      case 'param': groups[1] += letter; break;
      case 'param-set': groups[2] += letter; break;
      case 'simple': groups[3] += letter; break;
      case 'prefix':
        if (value.length === 2 && prefixes.length < 20) prefixes.push({ level: Number(parts[1]) || 0, mode: letter, symbol: value[0] as string });
        break;
    }
  }
  prefixes.sort((a, b) => b.level - a.level);
  return [`PREFIX=(${prefixes.map((p) => p.mode).join('')})${prefixes.map((p) => p.symbol).join('')}`, `CHANMODES=${groups.join(',')}`];
}

/** The InspIRCd 3 (spanningtree 1205) protocol for one connection. */
export class InspircdProtocol implements ServerProtocol {
  /** InspIRCd takes `/` in nicks from servers: virtual clients are PyLink's `nick/net`. */
  readonly slashInNicks = true;
  private uplink: { readonly sid: string; readonly name: string } | undefined;
  private capabStarted = false;
  /** The uplink's burst is over (its ENDBURST came). */
  private burstDone = false;
  /** Ours is over (our ENDBURST went out). */
  private ourBurstDone = false;
  private uidCounter = 0;
  private membershipCounter = 0;
  /** SID → server name (lower case, as the state keys servers). */
  private readonly sids = new Map<string, string>();
  /** uid → nick TS (collisions and SAVE compare them). */
  private readonly nickTs = new Map<string, number>();
  /** User mode letters without a parameter InspIRCd knows (from CAPAB USERMODES); empty when it did not say. */
  private readonly userModes = new Set<string>();

  constructor(private readonly s: LinkSession) {}

  private get me(): string {
    return this.s.config.serverName;
  }

  private get sid(): string {
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
  private fjoin(channel: string, ts: number, users: readonly LinkUser[]): string[] {
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

  // --- lines from the uplink ------------------------------------------------------------------

  handle(line: LinkLine): void {
    if (line.command === 'ERROR') return this.onError(line);
    if (this.uplink === undefined) return this.beforeServer(line);
    switch (line.command) {
      case 'SERVER': return this.onServer(line);
      case 'ENDBURST': return this.onEndBurst(line);
      case 'PING': return this.onPing(line);
      case 'SQUIT': return this.onSquit(line);
      case 'RSQUIT': return this.onRsquit(line);
      case 'UID': return this.onUid(line);
      case 'NICK': return this.onNick(line);
      case 'SAVE': return this.onSave(line);
      case 'QUIT': return this.onQuit(line);
      case 'KILL': return this.onKill(line);
      case 'OPERTYPE': return this.onOperType(line);
      case 'FHOST': case 'FIDENT': case 'FNAME': return this.onChange(line);
      case 'CHGHOST': case 'CHGIDENT': case 'CHGNAME': return this.onChangeRequest(line);
      case 'METADATA': return this.onMetadata(line);
      case 'AWAY': return this.onAway(line);
      case 'MODE': return this.onUserMode(line);
      case 'FJOIN': return this.onFjoin(line);
      case 'IJOIN': return this.onIjoin(line);
      case 'RESYNC': return this.onResync(line);
      case 'PART': return this.onPart(line);
      case 'KICK': return this.onKick(line);
      case 'FMODE': return this.onFmode(line);
      case 'FTOPIC': case 'TOPIC': case 'SVSTOPIC': return this.onTopic(line);
      case 'INVITE': return this.onInvite(line);
      case 'KNOCK': return this.onKnock(line);
      case 'SVSNICK': return this.onSvsNick(line);
      case 'IDLE': return this.onIdle(line);
      case 'ENCAP': return this.onEncap(line);
      case 'PRIVMSG': case 'NOTICE': return this.onMessage(line);
      default:
        if (!QUIET.has(line.command) && !/^[0-9]{3}$/.test(line.command)) this.s.ignored('unknown-command', line);
    }
  }

  // --- handshake --------------------------------------------------------------------------

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
      case 'CAPABILITIES': {
        const tokens: string[] = ['CHANTYPES=#'];
        for (const item of value.split(' ')) {
          const [key = '', val = ''] = item.split('=', 2);
          if (key === 'NICKMAX' && /^[0-9]{1,3}$/.test(val)) tokens.push(`NICKLEN=${val}`);
          else if (key === 'MAXLINE' && /^[0-9]{3,5}$/.test(val)) tokens.push(`LINELEN=${val}`);
          else if (key === 'CASEMAPPING' || key === 'PREFIX' || key === 'CHANMODES') tokens.push(item);
        }
        return this.s.state.support.update(tokens);
      }
      case 'CHANMODES':
        return this.s.state.support.update(chanModeTokens(value));
      case 'USERMODES':
        // Only modes without a parameter: our UID lines carry no mode parameters.
        for (const item of value.split(' ')) {
          const letter = item.at(-1) ?? '';
          if (item.startsWith('simple:') && /^[A-Za-z]$/.test(letter) && this.userModes.size < 52) this.userModes.add(letter);
        }
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
    // Our BURST tells InspIRCd we accepted it: its burst follows.
    this.s.send(buildLine(this.sid, 'BURST', [String(nowTs())]));
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
    if (line.source !== this.uplink?.sid || this.burstDone) return;
    this.burstDone = true;
    // Our burst: the adapter introduces its clients in their channels (FJOIN), then our ENDBURST.
    this.s.uplinkBurstDone(server.name);
    this.ourBurstDone = true;
    this.s.send(buildLine(this.sid, 'ENDBURST', []));
  }

  private onPing(line: LinkLine): void {
    const [target] = line.params;
    if (target === this.sid && isMiddleParam(line.source)) this.s.send(buildLine(this.sid, 'PONG', [line.source]));
  }

  // --- lookups ------------------------------------------------------------------------------

  private userOf(uid: string | undefined): LinkUser | undefined {
    return uid === undefined || uid === '' ? undefined : this.s.state.user(uid);
  }

  /** The (remote) user a line comes from; their own lines never come back for ours. */
  private sourceUser(line: LinkLine): LinkUser | undefined {
    const user = this.userOf(line.source);
    if (!user) this.s.ignored('unknown-source', line, line.source);
    return user && !user.own ? user : undefined;
  }

  /** A user, or a server's name, that caused a change. */
  private actor(line: LinkLine): LinkUser | string {
    return this.userOf(line.source) ?? this.sids.get(line.source) ?? this.uplink?.name ?? line.source;
  }

  /** A user named in a parameter: by UUID, or by nick (what an oper typed may reach us untranslated). */
  private target(id: string | undefined): LinkUser | undefined {
    if (id === undefined || id === '') return undefined;
    return this.s.state.user(id) ?? this.s.state.userByNick(id);
  }

  // --- users --------------------------------------------------------------------------------

  /** `:<sid> UID <uuid> <nickts> <nick> <realhost> <host> <ident> <ip> <signon> +<modes> [<params>] :<real>` */
  private onUid(line: LinkLine): void {
    const [uid = '', ts = '', nick = '', realHost = '', host = '', ident = '', ip = '', signon = '', modes = ''] = line.params;
    const server = this.sids.get(line.source);
    const nickTs = parseTs(ts);
    if (line.params.length < 10 || !UUID_PATTERN.test(uid) || !uid.startsWith(line.source) || server === undefined || nickTs === undefined
      || ![nick, realHost, host, ident, ip].every(isMiddleParam) || !modes.startsWith('+')) return this.s.ignored('malformed', line);
    const holder = this.s.state.userByNick(nick);
    if (holder?.own) this.saveOwn(holder, 'a collision the ircd did not settle');
    const user: LinkUser = {
      uid, nick, ident, host, realName: line.params.at(-1) ?? '', server,
      ...(realHost === host ? {} : { realHost }), ip,
      modes: new Set([...modes].filter((c) => /[A-Za-z]/.test(c))),
      signonTs: (parseTs(signon) ?? nowTs()) * 1000, channels: new Set(), own: false,
    };
    if (!this.s.state.addUser(user)) return this.s.ignored('nick-collision', line, nick);
    this.nickTs.set(uid, nickTs);
    this.s.events.uid(user);
  }

  /**
   * One of our clients must give up its nick where the ircd did not say so (a desync): it takes
   * its UUID, as a SAVE would, and tells the ircd.
   */
  private saveOwn(user: LinkUser, why: string): void {
    const oldNick = user.nick;
    this.s.state.changeNick(user.uid, user.uid);
    this.nickTs.set(user.uid, SAVED_TS);
    this.s.send(buildLine(user.uid, 'NICK', [user.uid, String(SAVED_TS)]));
    this.s.log.warn({ nick: oldNick, uid: user.uid, why }, 'one of the link\'s clients moved to its uid');
    this.s.events.save(user, oldNick, this.me);
  }

  /** `:<uid> NICK <newnick> <ts>` */
  private onNick(line: LinkLine): void {
    const user = this.sourceUser(line);
    const [newNick = '', ts] = line.params;
    if (!user) return;
    if (!isMiddleParam(newNick)) return this.s.ignored('malformed', line);
    const holder = this.s.state.userByNick(newNick);
    if (holder?.own) this.saveOwn(holder, 'a collision the ircd did not settle');
    const oldNick = user.nick;
    if (!this.s.state.changeNick(user.uid, newNick)) return this.s.ignored('nick-collision', line, newNick);
    this.nickTs.set(user.uid, parseTs(ts) ?? nowTs());
    this.s.events.nick({ ...user, nick: oldNick } as LinkUser, oldNick, newNick);
  }

  /** `:<sid> SAVE <uuid> <nickts>`: a collision moved the user to its UUID (ours too: the ircd already did). */
  private onSave(line: LinkLine): void {
    const [uid, ts] = line.params;
    const user = this.userOf(uid);
    if (!user) return this.s.ignored('unknown-target', line, uid);
    const known = this.nickTs.get(user.uid);
    // InspIRCd obeys a SAVE only for the nick TS it names (an older SAVE is stale).
    if (known !== undefined && parseTs(ts) !== known) return;
    const oldNick = user.nick;
    if (oldNick === user.uid || !this.s.state.changeNick(user.uid, user.uid)) return;
    this.nickTs.set(user.uid, SAVED_TS);
    if (user.own) this.s.log.warn({ nick: oldNick, uid: user.uid }, 'a nick collision moved one of the link\'s clients to its uid (SAVE)');
    this.s.events.save(user, oldNick, this.sids.get(line.source) ?? this.uplink?.name ?? '');
  }

  private onQuit(line: LinkLine): void {
    const user = this.userOf(line.source);
    // A QUIT for a user already gone (after a KILL) is not reported again.
    if (!user || user.own) return;
    const channels = this.s.state.removeUser(user.uid).map((c) => c.name);
    this.nickTs.delete(user.uid);
    this.s.events.quit(user, line.params[0] ?? '', channels);
  }

  /** `:<source> KILL <uuid> :<reason>` */
  private onKill(line: LinkLine): void {
    const target = this.target(line.params[0]);
    if (!target) return this.s.ignored('unknown-target', line, line.params[0]);
    this.s.events.kill(target, this.actor(line), line.params[1] ?? '');
    this.s.state.removeUser(target.uid);
    this.nickTs.delete(target.uid);
    if (target.own) this.s.ownClientKilled(target);
  }

  /** `:<uid> OPERTYPE :<type>`: InspIRCd's oper-up (it sends no MODE +o). */
  private onOperType(line: LinkLine): void {
    const user = this.sourceUser(line);
    if (!user) return;
    // The burst's UID already carries +o; OPERTYPE follows it, and is the oper-up either way.
    user.modes.add('o');
    this.s.events.opered(user, (line.params[0] ?? '').replace(/_/g, ' ') || 'IRC Operator');
  }

  /** `:<uid> FHOST <host>`, `FIDENT <ident>`, `FNAME :<real name>`: a user's own change. */
  private onChange(line: LinkLine): void {
    const user = this.sourceUser(line);
    const value = line.params[0] ?? '';
    if (!user) return;
    this.apply(user, line.command.slice(1), value, line);
  }

  /**
   * `CHGHOST <uuid> <host>` and kin, routed to the server of the user: for our clients. The change
   * is applied and announced as the user's own (FHOST, ...), as InspIRCd does for its users.
   */
  private onChangeRequest(line: LinkLine): void {
    const [id, value = ''] = line.params;
    const user = this.target(id);
    if (!user || !user.own) return this.s.ignored('unknown-target', line, id);
    const field = line.command.slice(3);
    if (!this.apply(user, field, value, line)) return;
    this.s.send(field === 'NAME' ? buildLine(user.uid, 'FNAME', [], value) : buildLine(user.uid, `F${field}`, [value]));
  }

  /** Applies a HOST, IDENT or NAME change and reports it; false when the value is not one. */
  private apply(user: LinkUser, field: string, value: string, line: LinkLine): boolean {
    // A host or ident is never empty or spaced (a real name may be anything).
    if (field !== 'NAME' && !isMiddleParam(value)) {
      this.s.ignored('malformed', line);
      return false;
    }
    if (field === 'HOST') {
      user.host = value;
      this.s.events.chgHost(user, value);
    } else if (field === 'IDENT') {
      user.ident = value;
      this.s.events.chgIdent(user, value);
    } else {
      user.realName = value;
      this.s.events.chgName(user, value);
    }
    return true;
  }

  /** `METADATA <uuid> <key> :<value>` (users), `<chan> <ts> <key> :<value>` and `* <key> :<value>` (ignored). */
  private onMetadata(line: LinkLine): void {
    const [id = '', key = '', value = ''] = line.params;
    if (this.s.state.support.isChannel(id) || id === '*') return;
    const user = this.userOf(id);
    if (!user || line.params.length < 2) return this.s.ignored('unknown-target', line, id);
    if (key !== 'accountname' || user.own) return;
    if (value) user.account = value;
    else delete user.account;
    this.s.events.servicesLogin(user, value);
  }

  /** `:<uid> AWAY <ts> :<text>`, or `AWAY` alone when back. */
  private onAway(line: LinkLine): void {
    const user = this.sourceUser(line);
    if (!user) return;
    const text = line.params.length > 0 ? line.params.at(-1) ?? '' : '';
    if (text) user.away = text;
    else delete user.away;
    this.s.events.away(user, text);
  }

  /** `:<source> MODE <uuid> <modes>`: user modes (channels use FMODE). */
  private onUserMode(line: LinkLine): void {
    const [id, letters = ''] = line.params;
    const user = this.target(id);
    if (!user) return this.s.ignored('unknown-target', line, id);
    const changes: ModeChange[] = [];
    let adding = true;
    for (const letter of letters) {
      if (letter === '+' || letter === '-') adding = letter === '+';
      else if (/[A-Za-z]/.test(letter)) {
        if (adding) user.modes.add(letter);
        else user.modes.delete(letter);
        changes.push({ mode: `${adding ? '+' : '-'}${letter}` });
      }
    }
    this.s.events.userMode(user, changes);
  }

  /** `:<uid> SVSNICK <uuid> <newnick> <ts>`: reported, not obeyed (a virtual client's nick is the link's to choose). */
  private onSvsNick(line: LinkLine): void {
    const [id, newNick = ''] = line.params;
    const target = this.target(id);
    if (!target || !isMiddleParam(newNick)) return this.s.ignored('malformed', line);
    this.s.events.svsNick(target, newNick, this.actor(line));
  }

  /**
   * `:<uid> IDLE <our uuid>`: a WHOIS of one of our clients (InspIRCd waits for the answer before
   * it replies to its user): answered with the sign-on time and no idle time.
   */
  private onIdle(line: LinkLine): void {
    const asker = this.userOf(line.source);
    const target = this.userOf(line.params[0]);
    if (!asker || !target?.own || line.params.length !== 1) return;
    this.s.send(buildLine(target.uid, 'IDLE', [asker.uid, String(Math.floor(target.signonTs / 1000)), '0']));
    this.s.events.whois(target, asker);
  }

  /** `:<source> ENCAP <target> <command> <params...>`: for everyone (`*`) or us, handled as the inner command. */
  private onEncap(line: LinkLine): void {
    const [target = '', command = '', ...params] = line.params;
    if (target !== '*' && target !== this.sid && target.toLowerCase() !== this.me.toLowerCase()) return;
    if (!/^[A-Z]+$/i.test(command) || command.toUpperCase() === 'ENCAP') return this.s.ignored('malformed', line);
    this.handle({ source: line.source, command: command.toUpperCase(), params });
  }

  // --- channels -----------------------------------------------------------------------------

  /**
   * `:<sid> FJOIN <chan> <ts> <modes> [<params>] :[<prefixes>,]<uuid>[:<membid>] ...`: the burst's
   * (and a merge's) joins. The older TS wins: when theirs is older, our channel modes, lists and
   * every member's prefixes go and their TS is ours; when it is newer, their modes are ignored.
   */
  private onFjoin(line: LinkLine): void {
    const [name = '', tsText = ''] = line.params;
    const ts = parseTs(tsText);
    if (!this.s.state.support.isChannel(name) || ts === undefined || line.params.length < 4) return this.s.ignored('malformed', line);
    const channel = this.s.state.ensureChannel(name, ts);
    if (!channel) return this.s.ignored('limit', line, name);
    const apply = this.settleTs(channel, ts);
    const modes: ModeChange[] = [];
    if (apply) {
      const changes = this.channelChanges(line.params.slice(2, -1));
      this.s.state.applyChannelModes(channel.name, changes);
      modes.push(...changes);
    }
    const joined: LinkUser[] = [];
    for (const entry of (line.params.at(-1) ?? '').split(' ')) {
      if (entry === '') continue;
      const comma = entry.indexOf(',');
      const prefixes = apply && comma > 0 ? [...entry.slice(0, comma)].filter((m) => this.s.state.support.isPrefixMode(m)) : [];
      const uid = entry.slice(comma + 1).split(':')[0] ?? '';
      const user = this.userOf(uid);
      if (!user) {
        this.s.ignored('unknown-member', line, entry);
        continue;
      }
      const already = channel.members.has(user.uid);
      if (!this.s.state.join(channel.name, user.uid, prefixes)) continue;
      if (!already) joined.push(user);
      for (const mode of prefixes) modes.push({ mode: `+${mode}`, arg: user.nick });
    }
    this.s.events.join(channel.name, joined, modes, channel.ts);
  }

  /**
   * Compares a TS from the network with the channel's: returns whether their modes apply. An
   * older TS wins and resets what we knew of the channel's modes (InspIRCd's LowerTS).
   */
  private settleTs(channel: LinkChannel, ts: number): boolean {
    if (channel.ts === undefined || channel.ts === ts) {
      channel.ts = ts;
      return true;
    }
    if (ts > channel.ts) return false;
    this.s.log.info({ channel: channel.name, ours: channel.ts, theirs: ts }, 'a channel TS older than ours: its modes and prefixes are reset');
    channel.ts = ts;
    channel.modes.clear();
    channel.lists.clear();
    for (const modes of channel.members.values()) modes.clear();
    return true;
  }

  /** Channel mode changes with the UUIDs of prefix modes turned into nicks (unknown ones dropped). */
  private channelChanges(params: readonly string[]): ModeChange[] {
    const support = this.s.state.support;
    const out: ModeChange[] = [];
    for (const change of parseChannelModes(params, support)) {
      if (!/^[+-][A-Za-z]$/.test(change.mode)) continue;
      if (!support.isPrefixMode(change.mode.slice(1))) {
        out.push(change);
        continue;
      }
      const user = this.target(change.arg);
      if (user) out.push({ mode: change.mode, arg: user.nick });
    }
    return out;
  }

  /** `:<uid> IJOIN <chan> <membid> [<ts> <prefixes>]`: one user joins an existing channel. */
  private onIjoin(line: LinkLine): void {
    const user = this.sourceUser(line);
    const [name = '', , tsText, flags = ''] = line.params;
    if (!user) return;
    if (!this.s.state.support.isChannel(name)) return this.s.ignored('malformed', line);
    const channel = this.s.state.channel(name);
    const ts = parseTs(tsText);
    // Prefixes count only with a TS no newer than the channel's (InspIRCd's rule).
    const prefixes = ts !== undefined && (channel?.ts === undefined || ts <= channel.ts) ? [...flags].filter((m) => this.s.state.support.isPrefixMode(m)) : [];
    if (!this.s.state.join(name, user.uid, prefixes, ts)) return;
    const joined = this.s.state.channel(name);
    this.s.events.join(joined?.name ?? name, [user], prefixes.map((mode) => ({ mode: `+${mode}`, arg: user.nick })), joined?.ts);
  }

  /** `:<sid> RESYNC <chan>`: the ircd lost a channel we joined (an IJOIN raced its end): our members again. */
  private onResync(line: LinkLine): void {
    const channel = this.s.state.channel(line.params[0] ?? '');
    if (!channel) return;
    const ours = this.s.state.members(channel.name).filter((m) => m.user.own).map((m) => m.user);
    if (ours.length > 0) this.s.send(...this.fjoin(channel.name, channel.ts ?? nowTs(), ours));
  }

  private onPart(line: LinkLine): void {
    const user = this.sourceUser(line);
    if (!user) return;
    for (const name of (line.params[0] ?? '').split(',')) {
      const channel = this.s.state.channel(name)?.name ?? name;
      if (this.s.state.part(name, user.uid)) this.s.events.part(channel, user, line.params[1] ?? '');
    }
  }

  /** `:<source> KICK <chan> <uuid> [<membid>] :<reason>` */
  private onKick(line: LinkLine): void {
    const [name = '', id] = line.params;
    const reason = line.params.length >= 3 ? line.params.at(-1) ?? '' : '';
    const target = this.target(id);
    if (!target) return this.s.ignored('unknown-target', line, id);
    const channel = this.s.state.channel(name)?.name ?? name;
    if (!this.s.state.part(name, target.uid)) return;
    this.s.events.kick(channel, target, this.actor(line), reason);
    if (target.own) this.s.ownClientKicked(target, channel);
  }

  /** `:<source> FMODE <chan> <ts> <modes> [<params>]`: ignored when the TS is newer than the channel's. */
  private onFmode(line: LinkLine): void {
    const [name = '', tsText = '', ...rest] = line.params;
    const channel = this.s.state.channel(name);
    const ts = parseTs(tsText);
    if (!channel) return this.s.ignored('unknown-channel', line, name);
    if (ts === undefined || rest.length === 0) return this.s.ignored('malformed', line);
    if (!this.settleTs(channel, ts)) return;
    const changes = this.channelChanges(rest);
    this.s.state.applyChannelModes(channel.name, changes);
    this.s.events.channelMode(channel.name, changes, this.actor(line));
  }

  /**
   * `:<uid> FTOPIC <chan> <chants> <topicts> :<topic>` (a user's change), `:<sid> FTOPIC <chan>
   * <chants> <topicts> <setter> :<topic>` (burst, services), `SVSTOPIC <chan> [<topicts>
   * <setter> :<topic>]` (m_topiclock; without a topic it clears it) and plain `TOPIC <chan>
   * :<topic>`. A burst's topics are state, not events.
   */
  private onTopic(line: LinkLine): void {
    const name = line.params[0] ?? '';
    const channel = this.s.state.channel(name);
    if (!channel) return this.s.ignored('unknown-channel', line, name);
    let setter: LinkUser | string = this.actor(line);
    if (line.command === 'FTOPIC') {
      const channelTs = parseTs(line.params[1]);
      if (line.params.length < 4 || channelTs === undefined) return this.s.ignored('malformed', line);
      // A topic for an older incarnation of the channel (InspIRCd's rule).
      if (channel.ts !== undefined && channelTs > channel.ts) return;
      if (line.params.length >= 5) setter = line.params[3] ?? '';
    } else if (line.command === 'SVSTOPIC') {
      if (line.params.length !== 1 && line.params.length < 4) return this.s.ignored('malformed', line);
      if (line.params.length >= 4) setter = line.params[2] ?? '';
    }
    const text = line.command === 'SVSTOPIC' && line.params.length === 1 ? '' : line.params.at(-1) ?? '';
    const oldText = channel.topic;
    channel.topic = text;
    if (this.burstDone) this.s.events.topic(channel.name, text, oldText, setter);
  }

  /** `:<uid> INVITE <uuid> <chan> <chants> [<expiry>]` */
  private onInvite(line: LinkLine): void {
    const by = this.sourceUser(line);
    const target = this.target(line.params[0]);
    const channel = line.params[1] ?? '';
    if (!by || !target || !this.s.state.support.isChannel(channel)) return this.s.ignored('malformed', line);
    this.s.events.invite(this.s.state.channel(channel)?.name ?? channel, target, by);
  }

  /** `:<uid> KNOCK <chan> :<text>` (m_knock, usually inside ENCAP). */
  private onKnock(line: LinkLine): void {
    const user = this.sourceUser(line);
    const channel = line.params[0] ?? '';
    if (!user || !this.s.state.support.isChannel(channel)) return this.s.ignored('malformed', line);
    this.s.events.knock(this.s.state.channel(channel)?.name ?? channel, user, line.params[1] ?? '');
  }

  // --- messages and splits --------------------------------------------------------------------

  private onMessage(line: LinkLine): void {
    const [targets = '', text] = line.params;
    if (text === undefined) return this.s.ignored('malformed', line);
    const author = this.userOf(line.source);
    // Server notices are not chat; a user nobody introduced means the state is off.
    if (!author && !this.sids.has(line.source)) this.s.ignored('unknown-source', line, line.source);
    if (!author || author.own) return;
    for (const target of targets.split(',')) {
      if (this.s.state.support.isChannel(target)) {
        const channel = this.s.state.channel(target);
        this.s.events.message(author, { channel: channel?.name ?? target }, line.command === 'NOTICE', text);
        continue;
      }
      const recipient = this.target(target);
      if (recipient?.own) this.s.events.message(author, { recipient }, line.command === 'NOTICE', text);
      // Status messages (@#chan) and server masks ($*) are not relayed.
      else if (!target.startsWith('$') && this.s.state.support.statusPrefix(target) === '') this.s.ignored('unknown-target', line, target);
    }
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
