/**
 * Server-link lines from ngIRCd (RFC 2813 / IRC+), from InspIRCd (spanningtree 1205) and from
 * ircd-hybrid (TS6), each through its protocol on a linked state (link-lines.ts).
 */
import * as ngircd from '../../test/support/ngircd-link-harness.js';
import * as inspircd from '../../test/support/inspircd-link-harness.js';
import * as hybrid from '../../test/support/hybrid-link-harness.js';
import { linkLinesTarget } from './link-lines.js';

export const ircLinkLines = linkLinesTarget({
  name: 'irc-link-lines',
  description: 'Server-link lines from ngIRCd: line parser + ngIRCd protocol on a linked state (events validated, state consistent)',
  linked: ngircd.linked,
  commands: ['NICK', 'NJOIN', 'JOIN', 'PART', 'QUIT', 'KICK', 'KILL', 'MODE', 'TOPIC', 'PRIVMSG', 'NOTICE', 'SQUIT', 'SERVER', 'METADATA', 'CHANINFO', 'AWAY', 'INVITE', 'SVSNICK', 'PING', 'PASS', 'ERROR', '005', '376', 'WALLOPS'],
  words: ['alice', 'bob', 'carol', 'Switchboard', '#lobby', '#LOBBY', '#x', '&local', ngircd.UP, 'leaf.test', ngircd.ME, '+o', '-v+b', '+ovk', '@alice,+bob', '@', '~&@%+', '\x07o', '#a\x07ov,#b', '1', '2', '+i', 'host', 'user', 'info', 'accountname', 'PREFIX=(ov)@+', 'CASEMAPPING=rfc1459', 'NICKLEN=5', 'CHANMODES=,,,'],
  sources: ['alice', 'bob', 'carol', ngircd.UP, 'leaf.test', 'ghost', 'alice!a@h'],
  maxParams: 8,
});

export const ircLinkInspircdLines = linkLinesTarget({
  name: 'irc-link-inspircd-lines',
  description: 'Server-link lines from InspIRCd: line parser + InspIRCd 1205 protocol on a linked state (events validated, state consistent)',
  linked: inspircd.linked,
  commands: ['UID', 'SERVER', 'FJOIN', 'IJOIN', 'RESYNC', 'PART', 'QUIT', 'KICK', 'KILL', 'SAVE', 'NICK', 'FMODE', 'MODE', 'FTOPIC', 'TOPIC', 'SVSTOPIC', 'PRIVMSG', 'NOTICE', 'SQUIT', 'RSQUIT', 'METADATA', 'OPERTYPE', 'FHOST', 'FIDENT', 'FNAME', 'AWAY', 'INVITE', 'KNOCK', 'SVSNICK', 'IDLE', 'PING', 'PONG', 'ENDBURST', 'BURST', 'ENCAP', 'ERROR', 'CAPAB'],
  words: ['0AAAAAAAA', '0AAAAAAAB', '0ABAAAAAA', '1SBAAAAAA', 'alice', 'bob', '#lobby', '#LOBBY', '#x', inspircd.UP_SID, '0AB', inspircd.SID, inspircd.ME, inspircd.UP, '1000', '999', '0', '100', '+o', '-v+b', '+ovk', 'o,0AAAAAAAA:1', ',0AAAAAAAB:2', '@#lobby', '+nt', '*', 'accountname', 'leaf.test'],
  sources: ['0AAAAAAAA', '0AAAAAAAB', '0ABAAAAAA', inspircd.UP_SID, '0AB', inspircd.SID, '0ZZGHOST1', inspircd.UP],
  maxParams: 12,
});

export const ircLinkHybridLines = linkLinesTarget({
  name: 'irc-link-hybrid-lines',
  description: 'Server-link lines from ircd-hybrid: line parser + hybrid TS6 protocol on a linked state (events validated, state consistent)',
  linked: hybrid.linked,
  commands: ['UID', 'SID', 'SJOIN', 'JOIN', 'PART', 'QUIT', 'KICK', 'KILL', 'TMODE', 'MODE', 'BMASK', 'TOPIC', 'TBURST', 'PRIVMSG', 'NOTICE', 'SQUIT', 'NICK', 'AWAY', 'INVITE', 'EOB', 'PING', 'SVSNICK', 'SVSHOST', 'SVSACCOUNT', 'SVSMODE', 'PASS', 'SERVER', 'ERROR', 'ENCAP'],
  words: [hybrid.ALICE, hybrid.BOB, hybrid.CAROL, `${hybrid.SID}AAAAAA`, 'alice', 'bob', '#lobby', '#LOBBY', '#x', hybrid.UPSID, '2LF', hybrid.SID, hybrid.ME, hybrid.UP, String(hybrid.LOBBY_TS), String(hybrid.LOBBY_TS - 1), '0', '1', '+o', '-v+b', '+ovk', `@+${hybrid.ALICE}`, `~&${hybrid.BOB}`, '@#lobby', '+nt', '*', 'leaf.test'],
  sources: [hybrid.ALICE, hybrid.BOB, hybrid.CAROL, hybrid.UPSID, '2LF', hybrid.SID, '0HYGHOST1', hybrid.UP],
  maxParams: 12,
});
