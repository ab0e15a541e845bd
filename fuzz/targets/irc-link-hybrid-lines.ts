/**
 * Lines from a linked ircd-hybrid: the link's line parser, then the hybrid (TS6) server protocol
 * on a linked state (a burst with users, a leaf server and a channel with a TS). No line may
 * crash either, every event must pass the catalog's validation (the harness validates each),
 * and the state must stay consistent: every channel a user is in has the user as a member.
 */
import fc from 'fast-check';
import { ALICE, BOB, CAROL, linked, LOBBY_TS, ME, SID, UP, UPSID } from '../../test/support/hybrid-link-harness.js';
import type { FuzzTarget } from '../harness.js';

const COMMANDS = ['UID', 'SID', 'SJOIN', 'JOIN', 'PART', 'QUIT', 'KICK', 'KILL', 'TMODE', 'MODE', 'BMASK', 'TOPIC', 'TBURST', 'PRIVMSG', 'NOTICE', 'SQUIT', 'NICK', 'AWAY', 'INVITE', 'EOB', 'PING', 'SVSNICK', 'SVSHOST', 'SVSACCOUNT', 'SVSMODE', 'PASS', 'SERVER', 'ERROR', 'ENCAP'];
const WORDS = [ALICE, BOB, CAROL, `${SID}AAAAAA`, 'alice', 'bob', '#lobby', '#LOBBY', '#x', UPSID, '2LF', SID, ME, UP, String(LOBBY_TS), String(LOBBY_TS - 1), '0', '1', '+o', '-v+b', '+ovk', `@+${ALICE}`, `~&${BOB}`, '@#lobby', '+nt', '*', 'leaf.test'];

const token = fc.oneof(
  { arbitrary: fc.constantFrom(...WORDS), weight: 3 },
  fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 12 }).map((s) => s.replace(/ /g, '') || 'x'),
  fc.string({ unit: 'binary', maxLength: 12 }),
);

const structured = fc
  .tuple(
    fc.option(fc.constantFrom(ALICE, BOB, CAROL, UPSID, '2LF', SID, '0HYGHOST1', UP, ':', ''), { nil: undefined }),
    fc.constantFrom(...COMMANDS),
    fc.array(token, { maxLength: 12 }),
    fc.option(fc.string({ unit: 'binary', maxLength: 60 }), { nil: undefined }),
  )
  .map(([prefix, command, params, trailing]) => [
    prefix === undefined ? '' : `:${prefix} `,
    command,
    ...params.map((p) => ` ${p}`),
    trailing === undefined ? '' : ` :${trailing}`,
  ].join(''));

export const ircLinkHybridLines: FuzzTarget<string[]> = {
  name: 'irc-link-hybrid-lines',
  description: 'Server-link lines from ircd-hybrid: line parser + hybrid TS6 protocol on a linked state (events validated, state consistent)',
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
