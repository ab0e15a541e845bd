/**
 * ircd-hybrid 8.2's server protocol: TS6 (its doc/technical/ts6.txt) as hybrid 8.2.43 speaks
 * it, checked against its sources and the real server (test/e2e/irc-link-hybrid.test.ts).
 *
 * Handshake: we send `PASS <sendPassword> TS 6 :<sid>`, `CAPAB`, `SERVER <name> 1 <sid> + :<desc>`
 * (hybrid 8.2's form, with the SID) and `SVINFO 6 6 0 :<now>`. Hybrid checks the name, host and
 * password against its connect {} block, then answers with its own PASS (checked against
 * `receivePassword`, fatal on a mismatch), CAPAB, SERVER, SVINFO and its burst: SID, UID (11
 * parameters: with the real host and the account), SJOIN (channel TS, modes, prefixed uids),
 * BMASK (bans, exceptions, invite exceptions), TBURST (topics), then `PING` and `EOB`. Its EOB
 * ends the burst: ours follows (the service client and the wanted channels), then our EOB.
 *
 * Users are known by UID, servers by SID; every id in a line is translated to a nick or server
 * name for the state tracker and the events. Hybrid has no CHGIDENT/CHGNAME: host and account
 * changes come from services as SVSHOST and SVSACCOUNT. Nicks may not hold `/`.
 */
import { timingSafeEqual } from 'node:crypto';
import type { ModeChange } from '../../../core/catalog.js';
import { buildLine, isMiddleParam, type LinkLine } from '../line.js';
import type { LinkSession, ServerProtocol } from '../server-protocol.js';
import { modeLetters, type LinkChannel, type LinkUser } from '../state.js';
import { parseChannelModes } from '../../irc/modes.js';
import { answerVersion, applyAway, applyTopic, applyUserModes, emitMessages, namedChannelModes } from './common.js';
import { applyChannelTs, killReason, parseSjoinMembers, parseTs, SID_PATTERN, UidMinter, UID_PATTERN } from './ts6.js';

/**
 * What hybrid 8.2 supports, as its 005 says (a server link gets no 005): all five prefixes (`~`
 * and `&` only appear when hybrid enables them), its channel modes, ASCII case mapping and the
 * NICKLEN it accepts from servers (its compiled-in limit, not the local max_nick_length).
 */
export const HYBRID_SUPPORT = ['CASEMAPPING=ascii', 'CHANTYPES=#', 'PREFIX=(qaohv)~&@%+', 'STATUSMSG=~&@%+', 'CHANMODES=beI,k,l,cimnprstzCKLMNOQRSTVZ', 'NICKLEN=30'];
/**
 * Our capabilities. Not QOP/AOP: hybrid refuses a server whose QOP/AOP differ from its own
 * enable_owner/enable_admin (both off by default) unless a service {} block names it. Not RESYNC
 * (hybrid would answer a JOIN to a new channel with RESYNC instead of creating it), nor MLOCK,
 * KNOCK or the ban-propagation ones (nothing here uses them).
 */
const CAPABS = 'EOB TBURST ENCAP HOP RHOST';
/** hybrid's USERLEN, REALLEN and HOSTLEN: longer idents are refused (KILL), longer names cut. */
const LIMITS = { ident: 10, realName: 50, host: 63 } as const;
/** hybrid's oper flag and its WHOIS text. */
const OPER_TYPE = 'IRC Operator';
/** Commands hybrid sends that the link has no use for: ignored without a log line. */
const QUIET = new Set(['PONG', 'CAPAB', 'SVINFO', 'CERTFP', 'METADATA', 'SVSTAG', 'GLOBOPS', 'WALLOPS', 'LOCOPS', 'MLOCK', 'ENCAP', 'KNOCK', 'RESYNC', 'CLUSTER', 'KLINE', 'UNKLINE', 'DLINE', 'UNDLINE', 'XLINE', 'UNXLINE', 'RESV', 'UNRESV']);
/** ERROR texts that retrying cannot cure: the connect {} block does not take us as we are. */
const FATAL_ERROR = /password|no connect \{\} block|invalid host|certificate|mismatching|bogus/i;
/** Uids of our clients a collision took, whose KILL is still to come (bounded). */
const MAX_COLLIDED = 256;

function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}

const now = (): number => Math.floor(Date.now() / 1000);

/** The ircd-hybrid (TS6) protocol for one connection. */
export class HybridProtocol implements ServerProtocol {
  private passAccepted = false;
  /** The SID of an old-style `PASS <pw> TS 6 :<sid>` (hybrid 8.2 sends it in SERVER). */
  private passSid: string | undefined;
  private uplink: { readonly name: string; readonly sid: string } | undefined;
  private burstDone = false;
  private readonly uids: UidMinter;
  /** SID → server name (lower case), ours included. */
  private readonly sids = new Map<string, string>();
  private readonly collided = new Set<string>();

  constructor(private readonly s: LinkSession) {
    if (s.config.sid === undefined) throw new Error('the hybrid protocol needs our sid (the config check requires it)');
    this.uids = new UidMinter(s.config.sid);
    s.state.support.update(HYBRID_SUPPORT);
  }

  private get me(): string {
    return this.s.config.serverName;
  }

  private get sid(): string {
    return this.s.config.sid as string;
  }

  // --- what we send -----------------------------------------------------------------------

  handshake(): string[] {
    return [
      `PASS ${this.s.config.sendPassword} TS 6 :${this.sid}`,
      `CAPAB :${CAPABS}`,
      `SERVER ${this.me} 1 ${this.sid} + :${this.s.config.description}`,
      `SVINFO 6 6 0 :${now()}`,
    ];
  }

  newUid(): string {
    return this.uids.mint();
  }

  /** `UID <nick> 1 <ts> +<modes> <ident> <host> <realhost> 0 <uid> <account> :<realname>`; ident and name cut to hybrid's limits. */
  introduce(user: LinkUser): string[] {
    user.ident = user.ident.slice(0, LIMITS.ident);
    user.host = user.host.slice(0, LIMITS.host);
    user.realName = user.realName.slice(0, LIMITS.realName) || user.nick;
    const modes = `+${[...user.modes].join('')}`;
    return [buildLine(this.sid, 'UID', [user.nick, '1', String(Math.floor(user.signonTs / 1000)), modes, user.ident, user.host, user.host, '0', user.uid, user.account || '*'], user.realName)];
  }

  /** `:<uid> JOIN <ts> <channel> +`, with the channel's TS (a new channel's is now). */
  join(user: LinkUser, channel: string): string[] {
    const known = this.s.state.channel(channel);
    const ts = known?.ts ?? now();
    if (known && known.ts === undefined) known.ts = ts;
    return [buildLine(user.uid, 'JOIN', [String(ts), channel, '+'])];
  }

  part(user: LinkUser, channel: string, reason: string): string[] {
    return [buildLine(user.uid, 'PART', [channel], reason)];
  }

  quit(user: LinkUser, reason: string): string[] {
    return [buildLine(user.uid, 'QUIT', [], reason)];
  }

  nick(user: LinkUser, newNick: string): string[] {
    return [buildLine(user.uid, 'NICK', [newNick], String(now()))];
  }

  message(user: LinkUser, target: string, notice: boolean, text: string): string {
    const recipient = this.s.state.support.isChannel(target) ? undefined : this.s.state.userByNick(target);
    return buildLine(user.uid, notice ? 'NOTICE' : 'PRIVMSG', [recipient?.uid ?? target], text);
  }

  /** One of our clients kicks `target` (the caller updates the state). */
  kick(source: LinkUser, channel: string, target: LinkUser, reason: string): string[] {
    return [buildLine(source.uid, 'KICK', [channel, target.uid], reason)];
  }

  /** One of our clients sets a topic (hybrid takes a TOPIC from a server's client as it is). */
  topic(source: LinkUser, channel: string, text: string): string[] {
    return [buildLine(source.uid, 'TOPIC', [channel], text)];
  }

  /**
   * `:<uid or sid> TMODE <channel ts> <channel> <modes> <params>`; prefix-mode params may be
   * nicks (they become uids). Nothing when we do not know the channel's TS (hybrid would
   * drop a TMODE with a TS newer than its own).
   */
  mode(source: LinkUser | undefined, channel: string, modes: string, params: string[]): string[] {
    const ts = this.s.state.channel(channel)?.ts;
    if (ts === undefined) return [];
    const changes = parseChannelModes([modes, ...params], this.s.state.support);
    const args = changes.filter((c) => c.arg !== undefined).map((c) =>
      (this.s.state.support.isPrefixMode(c.mode.slice(1)) ? this.s.state.userByNick(c.arg as string)?.uid ?? (c.arg as string) : (c.arg as string)));
    return [buildLine(source?.uid ?? this.sid, 'TMODE', [String(ts), channel, modes, ...args])];
  }

  ping(): string {
    return buildLine(this.sid, 'PING', [this.me], this.uplink?.name ?? this.me);
  }

  /** hybrid finds the server of an SQUIT by name, not by SID. */
  goodbye(reason: string): string[] {
    return [buildLine(this.sid, 'SQUIT', [this.me], reason)];
  }

  // --- what we receive --------------------------------------------------------------------

  handle(line: LinkLine): void {
    if (line.command === 'ERROR') return this.onError(line);
    if (!this.passAccepted) {
      if (line.command === 'PASS') return this.onPass(line);
      // hybrid greets every connection with "*** Looking up your hostname" notices first.
      if (line.command === 'NOTICE') return;
      return this.s.fail(`the ircd sent ${line.command} before PASS: not an ircd-hybrid server link`, false);
    }
    if (this.uplink === undefined && line.command !== 'SERVER') {
      if (!QUIET.has(line.command) && line.command !== 'NOTICE') this.s.ignored('before-server', line);
      return;
    }
    switch (line.command) {
      case 'SERVER': return this.onServer(line);
      case 'SID': return this.onSid(line);
      case 'PING': return this.onPing(line);
      // `:<uid> VERSION :<our sid or name>`: answered as ours (351 to the uid).
      case 'VERSION': return answerVersion(this.s, line, this.user(line.source), (t) => t === this.sid || t.toLowerCase() === this.me.toLowerCase(), { from: this.sid, to: (u) => u.uid, me: this.me });
      case 'EOB': return this.onEob(line);
      case 'UID': return this.onUid(line);
      case 'NICK': return this.onNick(line);
      case 'SJOIN': return this.onSjoin(line);
      case 'JOIN': return this.onJoin(line);
      case 'PART': return this.onPart(line);
      case 'QUIT': return this.onQuit(line);
      case 'KICK': return this.onKick(line);
      case 'KILL': return this.onKill(line);
      case 'TMODE': return this.onChannelMode(line, line.params.slice(1));
      case 'MODE': return this.onMode(line);
      case 'BMASK': return this.onBmask(line);
      case 'TOPIC': return this.onTopic(line);
      case 'TBURST': return this.onTburst(line);
      case 'PRIVMSG': case 'NOTICE': return this.onMessage(line);
      case 'SQUIT': return this.onSquit(line);
      case 'AWAY': return this.onAway(line);
      case 'INVITE': return this.onInvite(line);
      case 'SVSNICK': return this.onSvsNick(line);
      case 'SVSHOST': return this.onSvsHost(line);
      case 'SVSACCOUNT': return this.onSvsAccount(line);
      case 'SVSMODE': return this.onUserModes(line, this.user(line.params[0]), line.params[2] ?? '');
      case 'PASS': return;
      default:
        if (!QUIET.has(line.command)) this.s.ignored('unknown-command', line);
    }
  }

  // --- handshake and servers ----------------------------------------------------------------

  private onPass(line: LinkLine): void {
    const [password = '', ts, version, sid] = line.params;
    if (!sameSecret(password, this.s.config.receivePassword)) {
      return this.s.fail('the ircd answered with another link password than receivePassword (hybrid connect {} send_password)', true);
    }
    if (ts === 'TS' && version !== undefined && sid !== undefined && SID_PATTERN.test(sid)) this.passSid = sid;
    this.passAccepted = true;
  }

  private onError(line: LinkLine): void {
    const text = line.params.at(-1) ?? '';
    let hint = '';
    if (/mismatching aop\/qop/i.test(text)) hint = ' (hybrid has enable_owner or enable_admin on: name our server in a service {} block)';
    this.s.fail(`the ircd closed the link: ${text}${hint}`, FATAL_ERROR.test(text));
  }

  /** `SERVER <name> <hops> <sid> +<flags> :<desc>` (hybrid 8.2), or `SERVER <name> <hops> :<desc>` after a TS PASS. */
  private onServer(line: LinkLine): void {
    if (this.uplink !== undefined) return this.s.ignored('malformed', line, 'a second SERVER');
    const [name = ''] = line.params;
    const sid = line.params.length >= 5 ? line.params[2] : this.passSid;
    if (!name.includes('.') || !isMiddleParam(name) || sid === undefined || !SID_PATTERN.test(sid)) {
      return this.s.fail(`the ircd introduced itself without a valid name and SID: ${JSON.stringify(line.params.slice(0, 4))}`, false);
    }
    if (sid === this.sid) return this.s.fail(`the ircd has our SID ${sid}: give the link another sid`, true);
    this.uplink = { name, sid };
    this.sids.set(sid, name.toLowerCase());
    this.sids.set(this.sid, this.me.toLowerCase());
    this.s.state.addServer({ name, uplink: undefined, description: line.params.at(-1) ?? '', own: false });
    this.s.state.addServer({ name: this.me, uplink: name.toLowerCase(), description: this.s.config.description, own: true });
  }

  /** `:<introducer> SID <name> <hops> <sid> +<flags> :<desc>` */
  private onSid(line: LinkLine): void {
    const [name = '', , sid = ''] = line.params;
    if (line.params.length < 4 || !name.includes('.') || !isMiddleParam(name) || !SID_PATTERN.test(sid)) return this.s.ignored('malformed', line);
    if (this.sids.has(sid)) return this.s.ignored('server-collision', line, sid);
    const introducer = this.sids.get(line.source) ?? this.uplink?.name.toLowerCase();
    if (!this.s.state.addServer({ name, uplink: introducer, description: line.params.at(-1) ?? '', own: false })) return this.s.ignored('server-collision', line, name);
    this.sids.set(sid, name.toLowerCase());
  }

  private onPing(line: LinkLine): void {
    const origin = line.params[0] ?? '';
    if (isMiddleParam(origin)) this.s.send(buildLine(this.sid, 'PONG', [this.me], origin));
  }

  /** `:<sid> EOB`: that server's burst is over; the uplink's ends the link's burst (ours follows, then our EOB). */
  private onEob(line: LinkLine): void {
    const server = this.serverName(line.source);
    if (server === undefined) return this.s.ignored('unknown-source', line, line.source);
    const name = this.s.state.server(server)?.name ?? server;
    this.s.events.endBurst(name);
    if (this.burstDone || !this.uplink || line.source !== this.uplink.sid) return;
    this.burstDone = true;
    this.s.uplinkBurstDone(this.uplink.name);
    this.s.send(buildLine(this.sid, 'EOB', []));
  }

  private serverName(id: string): string | undefined {
    return this.sids.get(id) ?? (this.s.state.server(id) ? id.toLowerCase() : undefined);
  }

  // --- users --------------------------------------------------------------------------------

  /** A user by uid, or by nick (hybrid names the target of some KILLs by nick). */
  private user(id: string | undefined): LinkUser | undefined {
    if (id === undefined || id === '') return undefined;
    return this.s.state.user(id) ?? (UID_PATTERN.test(id) ? undefined : this.s.state.userByNick(id));
  }

  /** The (remote) user a line comes from. */
  private sourceUser(line: LinkLine): LinkUser | undefined {
    const user = this.s.state.user(line.source);
    if (!user) this.s.ignored('unknown-source', line, line.source);
    return user && !user.own ? user : undefined;
  }

  /** The user or server (its name) that caused a change. */
  private actor(line: LinkLine): LinkUser | string {
    const user = this.s.state.user(line.source);
    if (user) return user;
    const server = this.sids.get(line.source);
    return (server && this.s.state.server(server)?.name) || line.source || this.uplink?.name || '';
  }

  /**
   * `UID <nick> <hops> <ts> +<umodes> <ident> <host> <realhost> <ip> <uid> <account> :<name>`
   * (hybrid 8.2; 10 parameters without the real host from older ones).
   */
  private onUid(line: LinkLine): void {
    const p = line.params;
    if (p.length !== 11 && p.length !== 10) return this.s.ignored('malformed', line);
    const [nick = '', , tsText, modes = '', ident = '', host = ''] = p;
    const uid = p[p.length - 3] ?? '';
    const account = p[p.length - 2] ?? '*';
    const ts = parseTs(tsText);
    if (!isMiddleParam(nick) || !isMiddleParam(ident) || !isMiddleParam(host) || !UID_PATTERN.test(uid) || ts === undefined) return this.s.ignored('malformed', line);
    const server = this.serverName(line.source) ?? this.serverName(uid.slice(0, 3)) ?? this.uplink?.name.toLowerCase() ?? '';
    const user: LinkUser = {
      uid, nick, ident, host, realName: p.at(-1) ?? '', server,
      modes: modeLetters(modes),
      signonTs: ts * 1000, channels: new Set(), own: false,
      ...(account === '*' || account === '0' || account === '' ? {} : { account }),
    };
    const collision = this.settleNick(nick, ts, line);
    if (collision.take) {
      if (!this.s.state.addUser(user)) this.s.ignored('uid-collision', line, uid);
      else {
        this.s.events.uid(user);
        if (user.modes.has('o')) this.s.events.opered(user, OPER_TYPE);
      }
    }
    // Only now (the nick belongs to its new holder): the adapter may bring ours back under another.
    if (collision.lost) this.s.ownClientKilled(collision.lost);
  }

  /**
   * A remote user takes `nick` (with `ts`) while one of our clients holds it: a race the ircd
   * settles by TS. Does what hybrid does, so that the state stays in step: when ours is newer
   * (or as old), hybrid kills ours (its KILL follows and is ignored): it leaves the state now.
   * `take` is false when the remote one loses too (hybrid kills it; its KILL will find nobody);
   * `lost` is our client that left the state, for the caller to report once the nick is settled.
   */
  private settleNick(nick: string, ts: number, line: LinkLine): { readonly take: boolean; readonly lost?: LinkUser } {
    const holder = this.s.state.userByNick(nick);
    if (!holder) return { take: true };
    if (!holder.own) {
      this.s.ignored('nick-collision', line, nick);
      return { take: false };
    }
    const ourTs = Math.floor(holder.signonTs / 1000);
    if (ourTs < ts) return { take: false };
    if (this.collided.size >= MAX_COLLIDED) this.collided.clear();
    this.collided.add(holder.uid);
    this.s.events.kill(holder, this.uplink?.name ?? '', 'Nick collision');
    this.s.state.removeUser(holder.uid);
    return { take: ourTs > ts, lost: holder };
  }

  /** `:<uid> NICK <newnick> :<ts>` */
  private onNick(line: LinkLine): void {
    const user = this.sourceUser(line);
    const [newNick, tsText] = line.params;
    if (!user || newNick === undefined || !isMiddleParam(newNick)) return;
    const ts = parseTs(tsText) ?? now();
    const collision = this.s.state.support.equal(user.nick, newNick) ? { take: true } : this.settleNick(newNick, ts, line);
    const oldNick = user.nick;
    if (collision.take) {
      if (!this.s.state.changeNick(user.uid, newNick)) this.s.ignored('nick-collision', line, newNick);
      else this.s.events.nick({ ...user, nick: oldNick } as LinkUser, oldNick, newNick);
    }
    if (collision.lost) this.s.ownClientKilled(collision.lost);
  }

  private onQuit(line: LinkLine): void {
    const user = this.s.state.user(line.source);
    if (!user || user.own) return;
    const channels = this.s.state.removeUser(user.uid).map((c) => c.name);
    this.s.events.quit(user, line.params[0] ?? '', channels);
  }

  /** `:<source> KILL <uid or nick> :<path> <reason>` */
  private onKill(line: LinkLine): void {
    const [id, text = ''] = line.params;
    const target = this.user(id);
    if (!target) {
      if (id !== undefined && this.collided.delete(id)) return;
      return this.s.ignored('unknown-target', line, id);
    }
    this.s.events.kill(target, this.actor(line), killReason(text));
    this.s.state.removeUser(target.uid);
    if (target.own) this.s.ownClientKilled(target);
  }

  private onAway(line: LinkLine): void {
    const user = this.sourceUser(line);
    if (!user) return;
    applyAway(this.s, user, line.params[0] ?? '');
  }

  /** `MODE <uid> :<modes>` (a user's own modes); a channel MODE is taken as a TMODE without TS. */
  private onMode(line: LinkLine): void {
    const [target = '', ...rest] = line.params;
    if (this.s.state.support.isChannel(target)) return this.onChannelMode(line, line.params);
    const user = this.user(target);
    if (!user) return this.s.ignored('unknown-target', line, target);
    this.onUserModes(line, user, rest[0] ?? '');
  }

  private onUserModes(line: LinkLine, user: LinkUser | undefined, modes: string): void {
    if (!user) return this.s.ignored('unknown-target', line, line.params[0]);
    const { changes, opered } = applyUserModes(user, modes);
    this.s.events.userMode(user, changes);
    if (opered) this.s.events.opered(user, OPER_TYPE);
  }

  /**
   * `:<sid> SVSNICK <uid> <ts> <newnick> <newts>`: reported, not obeyed (the link chooses its
   * clients' nicks); one of ours is force-tagged instead.
   */
  private onSvsNick(line: LinkLine): void {
    const [id, , newNick] = line.params;
    const target = this.user(id);
    if (!target || newNick === undefined || !isMiddleParam(newNick)) return this.s.ignored('malformed', line);
    this.s.events.svsNick(target, newNick, this.actor(line));
    // Not obeyed, but one of ours moves away from its nick (PyLink: force-tag).
    if (target.own) this.s.forceTag(target, 'svsnick');
  }

  /** `:<services> SVSHOST <uid> <ts> <host>` */
  private onSvsHost(line: LinkLine): void {
    const [id, , host = ''] = line.params;
    const user = this.user(id);
    if (!user || !isMiddleParam(host)) return this.s.ignored('malformed', line);
    user.host = host;
    this.s.events.chgHost(user, host);
  }

  /** `:<services> SVSACCOUNT <uid> <ts> <account>`; `*` logs out. */
  private onSvsAccount(line: LinkLine): void {
    const [id, , account = ''] = line.params;
    const user = this.user(id);
    if (!user || !isMiddleParam(account)) return this.s.ignored('malformed', line);
    if (account === '*') delete user.account;
    else user.account = account;
    this.s.events.servicesLogin(user, account === '*' ? '' : account);
  }

  // --- channels -----------------------------------------------------------------------------

  /** The channel of a line, created when needed; undefined (and logged) for a bad name. */
  private channelFor(name: string | undefined, line: LinkLine): LinkChannel | undefined {
    const channel = name !== undefined && this.s.state.support.isChannel(name) && isMiddleParam(name) ? this.s.state.ensureChannel(name) : undefined;
    if (!channel) this.s.ignored('malformed', line, name);
    return channel;
  }

  /** Parsed channel modes, prefix-mode arguments turned from uids into nicks (unknown ones dropped). */
  private channelModes(params: readonly string[]): ModeChange[] {
    return namedChannelModes(params, this.s.state.support, (id) => this.user(id));
  }

  /** `:<sid> SJOIN <ts> <channel> +<modes> [<args>...] :<prefixed uids>` */
  private onSjoin(line: LinkLine): void {
    const [tsText, name] = line.params;
    const ts = parseTs(tsText);
    if (ts === undefined || line.params.length < 4) return this.s.ignored('malformed', line);
    const channel = this.channelFor(name, line);
    if (!channel) return;
    const outcome = applyChannelTs(channel, ts, true);
    const keepTheirs = outcome !== 'newer';
    const modes = keepTheirs ? this.channelModes(line.params.slice(2, -1)) : [];
    this.s.state.applyChannelModes(channel.name, modes);
    const joined: LinkUser[] = [];
    for (const member of parseSjoinMembers(line.params.at(-1) ?? '', this.s.state.support)) {
      const user = this.s.state.user(member.uid);
      if (!user) {
        this.s.ignored('unknown-member', line, member.uid);
        continue;
      }
      const prefixes = keepTheirs ? member.modes : [];
      if (!this.s.state.join(channel.name, user.uid, prefixes)) continue;
      joined.push(user);
      for (const mode of prefixes) modes.push({ mode: `+${mode}`, arg: user.nick });
    }
    this.s.events.join(channel.name, joined, modes);
  }

  /** `:<uid> JOIN <ts> <channel> +`, or `:<uid> JOIN 0` (leaves every channel). */
  private onJoin(line: LinkLine): void {
    const user = this.sourceUser(line);
    if (!user) return;
    const [tsText, name] = line.params;
    if (tsText === '0' && name === undefined) {
      for (const folded of [...user.channels]) {
        const channel = this.s.state.channel(folded);
        if (channel && this.s.state.part(channel.name, user.uid)) this.s.events.part(channel.name, user, '');
      }
      return;
    }
    const ts = parseTs(tsText);
    if (ts === undefined) return this.s.ignored('malformed', line);
    const channel = this.channelFor(name, line);
    if (!channel) return;
    applyChannelTs(channel, ts, false);
    if (!this.s.state.join(channel.name, user.uid)) return;
    this.s.events.join(channel.name, [user]);
  }

  private onPart(line: LinkLine): void {
    const user = this.sourceUser(line);
    if (!user) return;
    for (const name of (line.params[0] ?? '').split(',')) {
      const channel = this.s.state.channel(name);
      if (channel && this.s.state.part(name, user.uid)) this.s.events.part(channel.name, user, line.params[1] ?? '');
    }
  }

  /** `:<source> KICK <channel> <uid> :<reason>` */
  private onKick(line: LinkLine): void {
    const [name = '', id, reason = ''] = line.params;
    const target = this.user(id);
    if (!target) return this.s.ignored('unknown-target', line, id);
    const channel = this.s.state.channel(name);
    if (!channel || !this.s.state.part(name, target.uid)) return;
    this.s.events.kick(channel.name, target, this.actor(line), reason);
    if (target.own) this.s.ownClientKicked(target, channel.name);
  }

  /** `TMODE <ts> <channel> <modes> <args>` (params from the channel on); a TS newer than ours is dropped, as hybrid drops it. */
  private onChannelMode(line: LinkLine, params: readonly string[]): void {
    const [name = '', ...modeParams] = params;
    const channel = this.s.state.channel(name);
    if (!channel) return this.s.ignored('unknown-channel', line, name);
    if (line.command === 'TMODE') {
      const ts = parseTs(line.params[0]);
      if (ts === undefined) return this.s.ignored('malformed', line);
      if (channel.ts !== undefined && ts > channel.ts) return;
    }
    const changes = this.channelModes(modeParams);
    this.s.state.applyChannelModes(channel.name, changes);
    this.s.events.channelMode(channel.name, changes, this.actor(line));
  }

  /** `:<sid> BMASK <ts> <channel> <b|e|I> :<masks>` */
  private onBmask(line: LinkLine): void {
    const [tsText, name = '', letter = '', masks = ''] = line.params;
    const ts = parseTs(tsText);
    const channel = this.s.state.channel(name);
    if (ts === undefined || !channel || !/^[beI]$/.test(letter)) return this.s.ignored('malformed', line);
    if (channel.ts !== undefined && ts > channel.ts) return;
    const changes = masks.split(' ').filter(isMiddleParam).slice(0, 100).map((arg) => ({ mode: `+${letter}`, arg }));
    this.s.state.applyChannelModes(channel.name, changes);
    this.s.events.channelMode(channel.name, changes, this.actor(line));
  }

  /** `:<uid> TOPIC <channel> :<text>` */
  private onTopic(line: LinkLine): void {
    applyTopic(this.s, line, this.actor(line));
  }

  /**
   * `:<sid> TBURST <channel ts> <channel> <topic ts> <setter> :<topic>`: the burst's topics (state
   * only), later a services' topic change (a TOPIC event). Taken unless the channel TS is newer.
   */
  private onTburst(line: LinkLine): void {
    const [tsText, name = '', , setter = '', text = ''] = line.params;
    const ts = parseTs(tsText);
    const channel = this.s.state.channel(name);
    if (ts === undefined || !channel || line.params.length < 5) return this.s.ignored('malformed', line);
    if (channel.ts !== undefined && ts > channel.ts) return;
    const oldText = channel.topic;
    channel.topic = text;
    if (this.burstDone && oldText !== text) this.s.events.topic(channel.name, text, oldText, setter.split('!')[0] || this.actor(line));
  }

  /** `:<uid> INVITE <uid> <channel> <ts>` */
  private onInvite(line: LinkLine): void {
    const by = this.sourceUser(line);
    const target = this.user(line.params[0]);
    const channel = line.params[1];
    if (!by || !target || channel === undefined || !this.s.state.support.isChannel(channel)) return this.s.ignored('malformed', line);
    this.s.events.invite(this.s.state.channel(channel)?.name ?? channel, target, by);
  }

  // --- messages and splits --------------------------------------------------------------------

  /** `:<uid> PRIVMSG <channel or uid> :<text>`; server notices and status messages (`@#chan`) are not chat. */
  private onMessage(line: LinkLine): void {
    const [target = '', text] = line.params;
    if (text === undefined) return this.s.ignored('malformed', line);
    const author = this.s.state.user(line.source);
    if (!author) {
      if (this.serverName(line.source) === undefined) this.s.ignored('unknown-source', line, line.source);
      return;
    }
    if (author.own) return;
    // `uid@server` names one of our clients too.
    emitMessages(this.s, line, author, target, text, (name) => this.user(name.split('@')[0]));
  }

  /** `:<source> SQUIT <sid or name> :<reason>` */
  private onSquit(line: LinkLine): void {
    const [id = '', reason = ''] = line.params;
    const name = this.serverName(id) ?? id.toLowerCase();
    if (name === this.me.toLowerCase() || (this.uplink && name === this.uplink.name.toLowerCase())) {
      return this.s.fail(`the ircd split us off: ${reason}`, false);
    }
    const split = this.s.state.split(name);
    if (!split) return this.s.ignored('unknown-server', line, id);
    const lost = new Set(split.servers.map((s) => s.name.toLowerCase()));
    for (const [sid, server] of this.sids) if (lost.has(server)) this.sids.delete(sid);
    const source = this.actor(line);
    this.s.events.squit(typeof source === 'string' ? source : source.nick, split);
  }
}
