/**
 * The user lines of InspIRCd's spanningtree 1205 (part of inspircd.ts's protocol): UID, NICK,
 * SAVE, QUIT, KILL, OPERTYPE, FHOST/FIDENT/FNAME and CHGHOST/CHGIDENT/CHGNAME, METADATA
 * accountname, AWAY, user MODE, SVSNICK and IDLE (a remote WHOIS). Users are known by UUID.
 */
import { buildLine, isMiddleParam, type LinkLine } from '../line.js';
import { modeLetters, setUserMode, type LinkUser } from '../state.js';
import { applyAway, applyUserModes } from './common.js';
import { nowTs, parseTs, type InspircdLink } from './inspircd-context.js';

/** The nick TS InspIRCd gives a user moved to its UUID by a collision (CommandSave::SavedTimestamp). */
const SAVED_TS = 100;
const UUID_PATTERN = /^[0-9][A-Z0-9]{2}[A-Z0-9]{6}$/;

/** Handles the user lines of one InspIRCd link. */
export class InspircdUserLines {
  constructor(private readonly p: InspircdLink) {}

  /** `:<sid> UID <uuid> <nickts> <nick> <realhost> <host> <ident> <ip> <signon> +<modes> [<params>] :<real>` */
  onUid(line: LinkLine): void {
    const [uid = '', ts = '', nick = '', realHost = '', host = '', ident = '', ip = '', signon = '', modes = ''] = line.params;
    const server = this.p.serverName(line.source);
    const nickTs = parseTs(ts);
    if (line.params.length < 10 || !UUID_PATTERN.test(uid) || !uid.startsWith(line.source) || server === undefined || nickTs === undefined
      || ![nick, realHost, host, ident, ip].every(isMiddleParam) || !modes.startsWith('+')) return this.p.s.ignored('malformed', line);
    const holder = this.p.s.state.userByNick(nick);
    if (holder?.own) this.saveOwn(holder, 'a collision the ircd did not settle');
    const user: LinkUser = {
      uid, nick, ident, host, realName: line.params.at(-1) ?? '', server,
      ...(realHost === host ? {} : { realHost }), ip,
      modes: modeLetters(modes),
      signonTs: (parseTs(signon) ?? nowTs()) * 1000, channels: new Set(), own: false,
    };
    if (!this.p.s.state.addUser(user)) return this.p.s.ignored('nick-collision', line, nick);
    this.p.nickTs.set(uid, nickTs);
    this.p.s.events.uid(user);
  }

  /**
   * One of our clients must give up its nick where the ircd did not say so (a desync): it takes
   * its UUID, as a SAVE would, and tells the ircd.
   */
  private saveOwn(user: LinkUser, why: string): void {
    const oldNick = user.nick;
    this.p.s.state.changeNick(user.uid, user.uid);
    this.p.nickTs.set(user.uid, SAVED_TS);
    this.p.s.send(buildLine(user.uid, 'NICK', [user.uid, String(SAVED_TS)]));
    this.p.s.log.warn({ nick: oldNick, uid: user.uid, why }, 'one of the link\'s clients moved to its uid');
    this.p.s.events.save(user, oldNick, this.p.me);
    this.p.s.forceTag(user, 'collision', oldNick);
  }

  /** `:<uid> NICK <newnick> <ts>` */
  onNick(line: LinkLine): void {
    const user = this.p.sourceUser(line);
    const [newNick = '', ts] = line.params;
    if (!user) return;
    if (!isMiddleParam(newNick)) return this.p.s.ignored('malformed', line);
    const holder = this.p.s.state.userByNick(newNick);
    if (holder?.own) this.saveOwn(holder, 'a collision the ircd did not settle');
    const oldNick = user.nick;
    if (!this.p.s.state.changeNick(user.uid, newNick)) return this.p.s.ignored('nick-collision', line, newNick);
    this.p.nickTs.set(user.uid, parseTs(ts) ?? nowTs());
    this.p.s.events.nick({ ...user, nick: oldNick } as LinkUser, oldNick, newNick);
  }

  /** `:<sid> SAVE <uuid> <nickts>`: a collision moved the user to its UUID (ours too: the ircd already did). */
  onSave(line: LinkLine): void {
    const [uid, ts] = line.params;
    const user = this.p.userOf(uid);
    if (!user) return this.p.s.ignored('unknown-target', line, uid);
    const known = this.p.nickTs.get(user.uid);
    // InspIRCd obeys a SAVE only for the nick TS it names (an older SAVE is stale).
    if (known !== undefined && parseTs(ts) !== known) return;
    const oldNick = user.nick;
    if (oldNick === user.uid || !this.p.s.state.changeNick(user.uid, user.uid)) return;
    this.p.nickTs.set(user.uid, SAVED_TS);
    if (user.own) this.p.s.log.warn({ nick: oldNick, uid: user.uid }, 'a nick collision moved one of the link\'s clients to its uid (SAVE)');
    this.p.s.events.save(user, oldNick, this.p.serverName(line.source) ?? this.p.uplinkName ?? '');
    // A client of ours does not stay on its uid: it takes its person's next tagged nick.
    if (user.own) this.p.s.forceTag(user, 'save', oldNick);
  }

  onQuit(line: LinkLine): void {
    const user = this.p.userOf(line.source);
    // A QUIT for a user already gone (after a KILL) is not reported again.
    if (!user || user.own) return;
    const channels = this.p.s.state.removeUser(user.uid).map((c) => c.name);
    this.p.nickTs.delete(user.uid);
    this.p.s.events.quit(user, line.params[0] ?? '', channels);
  }

  /** `:<source> KILL <uuid> :<reason>` */
  onKill(line: LinkLine): void {
    const target = this.p.target(line.params[0]);
    if (!target) return this.p.s.ignored('unknown-target', line, line.params[0]);
    this.p.s.events.kill(target, this.p.actor(line), line.params[1] ?? '');
    this.p.s.state.removeUser(target.uid);
    this.p.nickTs.delete(target.uid);
    if (target.own) this.p.s.ownClientKilled(target);
  }

  /** `:<uid> OPERTYPE :<type>`: InspIRCd's oper-up (it sends no MODE +o). */
  onOperType(line: LinkLine): void {
    const user = this.p.sourceUser(line);
    if (!user) return;
    // The burst's UID already carries +o; OPERTYPE follows it, and is the oper-up either way.
    setUserMode(user, 'o', true);
    this.p.s.events.opered(user, (line.params[0] ?? '').replace(/_/g, ' ') || 'IRC Operator');
  }

  /** `:<uid> FHOST <host>`, `FIDENT <ident>`, `FNAME :<real name>`: a user's own change. */
  onChange(line: LinkLine): void {
    const user = this.p.sourceUser(line);
    const value = line.params[0] ?? '';
    if (!user) return;
    this.apply(user, line.command.slice(1), value, line);
  }

  /**
   * `CHGHOST <uuid> <host>` and kin, routed to the server of the user: for our clients. The change
   * is applied and announced as the user's own (FHOST, ...), as InspIRCd does for its users.
   */
  onChangeRequest(line: LinkLine): void {
    const [id, value = ''] = line.params;
    const user = this.p.target(id);
    if (!user || !user.own) return this.p.s.ignored('unknown-target', line, id);
    const field = line.command.slice(3);
    if (!this.apply(user, field, value, line)) return;
    this.p.s.send(field === 'NAME' ? buildLine(user.uid, 'FNAME', [], value) : buildLine(user.uid, `F${field}`, [value]));
  }

  /** Applies a HOST, IDENT or NAME change and reports it; false when the value is not one. */
  private apply(user: LinkUser, field: string, value: string, line: LinkLine): boolean {
    // A host or ident is never empty or spaced (a real name may be anything).
    if (field !== 'NAME' && !isMiddleParam(value)) {
      this.p.s.ignored('malformed', line);
      return false;
    }
    if (field === 'HOST') {
      user.host = value;
      this.p.s.events.chgHost(user, value);
    } else if (field === 'IDENT') {
      user.ident = value;
      this.p.s.events.chgIdent(user, value);
    } else {
      user.realName = value;
      this.p.s.events.chgName(user, value);
    }
    return true;
  }

  /** `METADATA <uuid> <key> :<value>` (users), `<chan> <ts> <key> :<value>` and `* <key> :<value>` (ignored). */
  onMetadata(line: LinkLine): void {
    const [id = '', key = '', value = ''] = line.params;
    if (this.p.s.state.support.isChannel(id) || id === '*') return;
    const user = this.p.userOf(id);
    if (!user || line.params.length < 2) return this.p.s.ignored('unknown-target', line, id);
    if (key !== 'accountname' || user.own) return;
    if (value) user.account = value;
    else delete user.account;
    this.p.s.events.servicesLogin(user, value);
  }

  /** `:<uid> AWAY <ts> :<text>`, or `AWAY` alone when back. */
  onAway(line: LinkLine): void {
    const user = this.p.sourceUser(line);
    if (!user) return;
    applyAway(this.p.s, user, line.params.length > 0 ? line.params.at(-1) ?? '' : '');
  }

  /** `:<source> MODE <uuid> <modes>`: user modes (channels use FMODE). */
  onUserMode(line: LinkLine): void {
    const [id, letters = ''] = line.params;
    const user = this.p.target(id);
    if (!user) return this.p.s.ignored('unknown-target', line, id);
    // InspIRCd reports an oper-up with OPERTYPE, not by +o.
    this.p.s.events.userMode(user, applyUserModes(user, letters).changes);
  }

  /**
   * `:<uid> SVSNICK <uuid> <newnick> <ts>`: reported, not obeyed (a virtual client's nick is the
   * link's to choose); one of ours is force-tagged instead.
   */
  onSvsNick(line: LinkLine): void {
    const [id, newNick = ''] = line.params;
    const target = this.p.target(id);
    if (!target || !isMiddleParam(newNick)) return this.p.s.ignored('malformed', line);
    this.p.s.events.svsNick(target, newNick, this.p.actor(line));
    // Not obeyed, but one of ours moves away from its nick (PyLink: force-tag).
    if (target.own) this.p.s.forceTag(target, 'svsnick');
  }

  /**
   * `:<uid> IDLE <our uuid>`: a WHOIS of one of our clients (InspIRCd waits for the answer before
   * it replies to its user): answered with the sign-on time and no idle time.
   */
  onIdle(line: LinkLine): void {
    const asker = this.p.userOf(line.source);
    const target = this.p.userOf(line.params[0]);
    if (!asker || !target?.own || line.params.length !== 1) return;
    this.p.s.send(buildLine(target.uid, 'IDLE', [asker.uid, String(Math.floor(target.signonTs / 1000)), '0']));
    this.p.s.events.whois(target, asker);
  }
}
