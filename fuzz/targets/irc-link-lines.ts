/**
 * Lines from a linked ngIRCd: the link's line parser, then the ngIRCd server protocol on a
 * linked state (a burst with users, a leaf server and a channel). No line may crash either,
 * every event must pass the catalog's validation (the harness validates each), and the state
 * must stay consistent: every channel a user is in has the user as a member.
 */
import fc from 'fast-check';
import { linked, ME, UP } from '../../test/support/ngircd-link-harness.js';
import type { FuzzTarget } from '../harness.js';

const COMMANDS = ['NICK', 'NJOIN', 'JOIN', 'PART', 'QUIT', 'KICK', 'KILL', 'MODE', 'TOPIC', 'PRIVMSG', 'NOTICE', 'SQUIT', 'SERVER', 'METADATA', 'CHANINFO', 'AWAY', 'INVITE', 'SVSNICK', 'PING', 'PASS', 'ERROR', '005', '376', 'WALLOPS'];
const WORDS = ['alice', 'bob', 'carol', 'Switchboard', '#lobby', '#LOBBY', '#x', '&local', UP, 'leaf.test', ME, '+o', '-v+b', '+ovk', '@alice,+bob', '@', '~&@%+', '\x07o', '#a\x07ov,#b', '1', '2', '+i', 'host', 'user', 'info', 'accountname', 'PREFIX=(ov)@+', 'CASEMAPPING=rfc1459', 'NICKLEN=5', 'CHANMODES=,,,'];

const token = fc.oneof(
  { arbitrary: fc.constantFrom(...WORDS), weight: 3 },
  fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 12 }).map((s) => s.replace(/ /g, '') || 'x'),
  fc.string({ unit: 'binary', maxLength: 12 }),
);

const structured = fc
  .tuple(
    fc.option(fc.constantFrom('alice', 'bob', 'carol', UP, 'leaf.test', 'ghost', 'alice!a@h', ':', ''), { nil: undefined }),
    fc.constantFrom(...COMMANDS),
    fc.array(token, { maxLength: 8 }),
    fc.option(fc.string({ unit: 'binary', maxLength: 60 }), { nil: undefined }),
  )
  .map(([prefix, command, params, trailing]) => [
    prefix === undefined ? '' : `:${prefix} `,
    command,
    ...params.map((p) => ` ${p}`),
    trailing === undefined ? '' : ` :${trailing}`,
  ].join(''));

export const ircLinkLines: FuzzTarget<string[]> = {
  name: 'irc-link-lines',
  description: 'Server-link lines from ngIRCd: line parser + ngIRCd protocol on a linked state (events validated, state consistent)',
  input: fc.array(fc.oneof({ arbitrary: structured, weight: 4 }, fc.string({ unit: 'binary', maxLength: 200 })), { minLength: 1, maxLength: 6 }),
  check(lines) {
    const h = linked();
    h.feed(...lines.map((line) => line.replace(/[\r\n]/g, ' ')));
    for (const user of h.state.allUsers()) {
      for (const channel of user.channels) {
        if (!h.state.channel(channel)?.members.has(user.uid)) throw new Error(`${user.nick} lists ${channel} but is not a member`);
      }
    }
    JSON.stringify(h.events);
  },
};
