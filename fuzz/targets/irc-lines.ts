/**
 * IRC lines from a server: irc-framework's parser (what the adapter uses), then the hub's own
 * mapping of lines to events (InboundMapper) with its server-support and member tracking. No
 * line may crash either, and every event is plain data.
 */
import fc from 'fast-check';
import { ircLineParser } from 'irc-framework';
import type { AnyEventInput } from '../../src/core/event.js';
import { InboundMapper } from '../../src/networks/irc/inbound.js';
import { ServerSupport } from '../../src/networks/irc/isupport.js';
import { MemberTracker } from '../../src/networks/irc/members.js';
import type { FuzzTarget } from '../harness.js';

const COMMANDS = ['PRIVMSG', 'NOTICE', 'JOIN', 'PART', 'QUIT', 'KICK', 'NICK', 'MODE', 'TOPIC', 'AWAY', 'CHGHOST', 'ACCOUNT', 'INVITE', '005', '332', '333', '353', '366', '352', '354', '001', '433', 'BATCH', 'TAGMSG', 'ERROR', 'PING'];
const WORDS = ['#lobby', '@#lobby', '+#lobby', 'alice', 'relaybot', 'bob!b@host', '+o', '-v+b', 'alice!*@*', '\x01ACTION waves\x01', '\x01ACTION', 'CHANTYPES=#&', 'PREFIX=(ov)@+', 'STATUSMSG=@+', 'CASEMAPPING=ascii', 'CHANMODES=b,k,l,imnpst', '='];

const token = fc.oneof(
  fc.constantFrom(...WORDS),
  fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 12 }).map((s) => s.replace(/ /g, '')),
  fc.string({ unit: 'binary', maxLength: 12 }),
);

const tags = fc.dictionary(
  fc.constantFrom('time', 'msgid', 'account', 'batch', '+draft/reply', '+switchboard.chat/relayed', 'label', 'x'),
  fc.oneof(fc.constant('2026-12-07T04:00:00.000Z'), fc.string({ maxLength: 16 })),
  { maxKeys: 4 },
).map((t) => Object.entries(t).map(([k, v]) => (v === '' ? k : `${k}=${v}`)).join(';'));

/** A line shaped like the protocol, with hostile parts. */
const structured = fc
  .tuple(
    fc.option(tags, { nil: undefined }),
    fc.option(fc.constantFrom('alice!a@example.org', 'relaybot!bot@hub', 'irc.example.org', 'bob', '!@', 'x!y'), { nil: undefined }),
    fc.constantFrom(...COMMANDS),
    fc.array(token, { maxLength: 5 }),
    fc.option(fc.string({ unit: 'binary', maxLength: 60 }), { nil: undefined }),
  )
  .map(([t, prefix, command, params, trailing]) => [
    t === undefined ? '' : `@${t} `,
    prefix === undefined ? '' : `:${prefix} `,
    command,
    ...params.map((p) => ` ${p}`),
    trailing === undefined ? '' : ` :${trailing}`,
  ].join(''));

function mapper(): { mapper: InboundMapper; support: ServerSupport; events: AnyEventInput[] } {
  const support = new ServerSupport();
  const members = new MemberTracker(support);
  const events: AnyEventInput[] = [];
  let id = 0;
  const inbound = new InboundMapper({
    network: 'irc',
    support,
    members,
    ownNick: () => 'relaybot',
    emit: (event) => events.push(event),
    mintId: () => `m${(id += 1)}`,
  });
  return { mapper: inbound, support, events };
}

export const ircLines: FuzzTarget<string[]> = {
  name: 'irc-lines',
  description: 'IRC server lines: irc-framework parser + InboundMapper (events, members, ISUPPORT)',
  input: fc.array(fc.oneof({ arbitrary: structured, weight: 4 }, fc.string({ unit: 'binary', maxLength: 200 })), { minLength: 1, maxLength: 4 }),
  check(lines) {
    const { mapper: inbound, support, events } = mapper();
    for (const raw of lines) {
      const line = ircLineParser(raw);
      if (!line) continue;
      // As the adapter does: ISUPPORT first, then the mapping (which must not throw).
      if (line.command === '005') support.update(line.params.slice(1, -1));
      inbound.handle(line);
    }
    // Every event is plain data (it is persisted and handed to modules).
    JSON.stringify(events);
  },
};
