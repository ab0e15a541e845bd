import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ircLineParser } from 'irc-framework';
import type { AnyEventInput } from '../../src/core/event.js';
import { casefold, parseCaseMapping } from '../../src/networks/irc/casemapping.js';
import { ServerSupport } from '../../src/networks/irc/isupport.js';
import { parseChannelModes } from '../../src/networks/irc/modes.js';
import { MemberTracker } from '../../src/networks/irc/members.js';
import { InboundMapper } from '../../src/networks/irc/inbound.js';
import { nickCandidate } from '../../src/networks/irc/nick.js';
import { ircConfigSchema } from '../../src/networks/irc/config.js';

describe('IRC casemapping', () => {
  it('folds per rfc1459, strict-rfc1459 and ascii', () => {
    assert.equal(casefold('Nick[A]\\~^', 'rfc1459'), 'nick{a}|^^');
    assert.equal(casefold('Nick[A]\\~^', 'strict-rfc1459'), 'nick{a}|~^');
    assert.equal(casefold('Nick[A]\\~^', 'ascii'), 'nick[a]\\~^');
    assert.equal(casefold('ÉCOLE', 'rfc1459'), 'École', 'non-ASCII letters are not folded');
  });

  it('defaults to rfc1459 for unknown or missing values', () => {
    assert.equal(parseCaseMapping(undefined), 'rfc1459');
    assert.equal(parseCaseMapping('rfc7613'), 'rfc1459');
    assert.equal(parseCaseMapping('ASCII'), 'ascii');
  });

  it('property: folding is idempotent and only changes ASCII letters and []\\~', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.constantFrom('ascii', 'rfc1459', 'strict-rfc1459' as const), (text, mapping) => {
        const folded = casefold(text, mapping);
        assert.equal(casefold(folded, mapping), folded);
        assert.equal([...folded].length, [...text].length);
        assert.match(folded, /^[^A-Z]*$/);
      }),
    );
  });
});

describe('IRC ISUPPORT and modes', () => {
  it('applies CASEMAPPING, CHANTYPES, PREFIX, CHANMODES, NICKLEN and LINELEN', () => {
    const support = new ServerSupport();
    support.update(['CASEMAPPING=ascii', 'CHANTYPES=#', 'PREFIX=(qaohv)~&@%+', 'CHANMODES=beI,k,l,imnst', 'NICKLEN=30', 'CHANNELLEN=64', 'LINELEN=1024', 'NETWORK=Test']);
    assert.equal(support.caseMapping, 'ascii');
    assert.ok(support.isChannel('#a') && !support.isChannel('&a'));
    assert.equal(support.modeForSymbol('%'), 'h');
    assert.deepEqual([support.nickLen, support.lineLen], [30, 1024]);
  });

  it('parses mode changes with arguments per CHANMODES and PREFIX', () => {
    const support = new ServerSupport();
    support.update(['PREFIX=(ohv)@%+', 'CHANMODES=beI,k,l,imnst']);
    assert.deepEqual(parseChannelModes(['+ohl-k+b', 'alice', 'bob', '10', 'key', '*!*@bad'], support), [
      { mode: '+o', arg: 'alice' }, { mode: '+h', arg: 'bob' }, { mode: '+l', arg: '10' }, { mode: '-k', arg: 'key' },
      { mode: '+b', arg: '*!*@bad' },
    ]);
    assert.deepEqual(parseChannelModes(['-l+m', '+v', 'carol'], support), [{ mode: '-l' }, { mode: '+m' }, { mode: '+v', arg: 'carol' }]);
    assert.deepEqual(parseChannelModes(['+o'], support), [{ mode: '+o' }]);
  });
});

describe('IRC nick fallback', () => {
  it('tries nick_, nick__, then digits, within NICKLEN', () => {
    assert.equal(nickCandidate('relay', 0, 30), 'relay');
    assert.equal(nickCandidate('relay', 1, 30), 'relay_');
    assert.equal(nickCandidate('relay', 2, 30), 'relay__');
    assert.equal(nickCandidate('relay', 3, 30, () => 0.042), 'relay042');
    assert.equal(nickCandidate('switchboard', 2, 9), 'switchb__');
    assert.equal(nickCandidate('switchboard', 5, 9, () => 0.5), 'switch500');
  });
});

/** Feeds raw lines through irc-framework's parser into the mapper; collects events. */
function harness(nick = 'bot') {
  const support = new ServerSupport();
  const members = new MemberTracker(support);
  const events: AnyEventInput[] = [];
  const own: string[] = [];
  let counter = 0;
  const mapper = new InboundMapper({
    network: 'net', support, members, ownNick: () => nick, emit: (e) => events.push(e), mintId: () => `id${++counter}`,
    own: { joined: (c) => own.push(`joined ${c}`), kicked: (c, by) => own.push(`kicked ${c} by ${by}`), nickChanged: (n) => { nick = n; own.push(`nick ${n}`); } },
  });
  const feed = (...lines: string[]): void => lines.forEach((l) => mapper.handle(ircLineParser(l)));
  return { support, members, events, own, feed };
}

describe('IRC inbound events', () => {
  it('turns PRIVMSG, NOTICE and ACTION into MESSAGE with canonical channel ids, msgid and server-time', () => {
    const h = harness();
    h.feed(
      ':bot!b@h JOIN #Chan[1]',
      '@msgid=abc;time=2024-01-02T03:04:05.000Z :Alice!a@host PRIVMSG #chan{1} :hi \x02there',
      ':Alice!a@host NOTICE #CHAN[1] :note',
      ':Alice!a@host PRIVMSG bot :\x01ACTION waves\x01',
      ':Alice!a@host PRIVMSG bot :\x01VERSION\x01',
      ':bot!b@h PRIVMSG #chan[1] :my own echo',
      ':irc.server.test NOTICE * :*** Looking up your hostname',
    );
    assert.deepEqual(h.own, ['joined #Chan[1]']);
    const messages = h.events.filter((e) => e.command === 'MESSAGE');
    assert.equal(messages.length, 3);
    const [first, second, third] = messages.map((e) => (e.command === 'MESSAGE' ? e.args.message : undefined));
    assert.deepEqual(first?.channel, { network: 'net', id: '#chan{1}', name: '#chan{1}' });
    assert.equal(first?.id, 'abc');
    assert.equal(first?.ts, Date.parse('2024-01-02T03:04:05.000Z'));
    assert.deepEqual(first?.body, [{ type: 'text', text: 'hi ' }, { type: 'bold', children: [{ type: 'text', text: 'there' }] }]);
    assert.equal(first?.author.id, 'alice');
    assert.equal(first?.author.host, 'a@host');
    assert.equal(second?.kind, 'notice');
    assert.equal(second?.channel?.id, '#chan{1}');
    assert.equal(third?.kind, 'action');
    assert.equal(third?.recipient?.id, 'bot');
    assert.equal(third?.id, 'id2', 'minted ids count up when there is no msgid');
    assert.deepEqual(third?.body, [{ type: 'text', text: 'waves' }]);
  });

  it('tracks members through NAMES, JOIN, NICK, MODE, PART, KICK and reports QUIT channels', () => {
    const h = harness();
    h.support.update(['PREFIX=(ov)@+']);
    h.feed(
      ':bot!b@h JOIN #a', ':srv 353 bot = #a :bot @Op +voice', ':bot!b@h JOIN #b',
      ':Carol!c@h JOIN #a', ':Carol!c@h JOIN #b', ':Carol!c@h NICK Caroline',
      ':Op!o@h MODE #a +o-v Caroline voice', ':voice!v@h PART #a :bye',
      ':Op!o@h KICK #b Caroline :out', ':Caroline!c@h QUIT :gone',
    );
    assert.deepEqual(h.events.map((e) => e.command), ['JOIN', 'JOIN', 'NICK', 'MODE', 'PART', 'KICK', 'QUIT']);
    const mode = h.events[3];
    assert.ok(mode?.command === 'MODE');
    assert.deepEqual(mode.args.modes, [{ mode: '+o', arg: 'Caroline' }, { mode: '-v', arg: 'voice' }]);
    const quit = h.events[6];
    assert.ok(quit?.command === 'QUIT');
    assert.deepEqual(quit.args.channels.map((c) => c.id), ['#a']);
    assert.deepEqual(h.members.members('#a').map((m) => m.nick).sort(), ['Op', 'bot']);
    assert.deepEqual([...(h.members.member('#a', 'op')?.modes ?? [])], ['o']);
  });

  it('reports a kick of the bot, and its own nick change without an event', () => {
    const h = harness();
    h.feed(':bot!b@h JOIN #a', ':Op!o@h KICK #a bot :behave', ':bot!b@h NICK bot2');
    assert.deepEqual(h.own, ['joined #a', 'kicked #a by Op', 'nick bot2']);
    assert.deepEqual(h.events.map((e) => e.command), ['KICK']);
    assert.equal(h.members.channel('#a'), undefined);
  });

  it('maps TOPIC, INVITE, AWAY, CHGHOST, ACCOUNT and extended-join', () => {
    const h = harness();
    h.feed(
      ':bot!b@h JOIN #a', ':srv 332 bot #a :old topic',
      ':Dan!d@h JOIN #a dan_account :Dan Real',
      ':Dan!d@h TOPIC #a :new topic', ':Dan!d@h INVITE bot #b', ':Dan!d@h AWAY :lunch', ':Dan!d@h AWAY',
      ':Dan!d@h CHGHOST newident new.host', ':Dan!newident@new.host ACCOUNT *',
    );
    assert.deepEqual(h.events.map((e) => e.command), ['TOPIC', 'JOIN', 'TOPIC', 'INVITE', 'AWAY', 'AWAY', 'CHGHOST', 'CLIENT_SERVICES_LOGIN']);
    const [initial, join, topic, invite, away, back, chghost, account] = h.events;
    assert.ok(initial?.command === 'TOPIC');
    assert.deepEqual(initial.args, { channel: { network: initial.args.channel.network, id: '#a', name: '#a' }, text: 'old topic', initial: true }, 'the topic found on joining is marked initial');
    assert.ok(join?.command === 'JOIN' && join.args.users[0]?.account === 'dan_account');
    assert.ok(topic?.command === 'TOPIC');
    assert.deepEqual([topic.args.text, topic.args.oldText, topic.args.setter, topic.args.initial], ['new topic', 'old topic', 'Dan!d@h', false]);
    assert.ok(invite?.command === 'INVITE' && invite.args.channel.id === '#b' && invite.args.target.id === 'bot');
    assert.ok(away?.command === 'AWAY' && away.args.text === 'lunch');
    assert.ok(back?.command === 'AWAY' && back.args.text === '');
    assert.ok(chghost?.command === 'CHGHOST' && chghost.args.newHost === 'new.host' && chghost.args.newIdent === 'newident');
    assert.ok(account?.command === 'CLIENT_SERVICES_LOGIN' && account.args.account === '');
  });

  it('turns a TAGMSG with the typing tag into TYPING (channel or private); not its own, a status target or other TAGMSGs', () => {
    const h = harness();
    h.support.update(['STATUSMSG=@+']);
    h.feed(
      ':bot!b@h JOIN #a',
      '@+typing=active :Dan!d@h TAGMSG #a', '@+typing=done :Dan!d@h TAGMSG bot',
      '@+typing=active :bot!b@h TAGMSG #a', '@+typing=active :Dan!d@h TAGMSG @#a', '@+react=x :Dan!d@h TAGMSG #a',
    );
    assert.deepEqual(h.events.map((e) => (e.command === 'TYPING' ? [e.args.channel?.id, e.args.user.id, e.args.state] : e.command)),
      [['#a', 'dan', 'composing'], [undefined, 'dan', 'active']]);
  });

  it('survives arbitrary lines without throwing', () => {
    const h = harness();
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), fc.constantFrom('PRIVMSG', 'NOTICE', 'JOIN', 'PART', 'KICK', 'MODE', 'NICK', 'QUIT', '353', '332', 'TOPIC', 'ACCOUNT', 'CHGHOST', '999'), (rest, command) => {
        h.feed(`:x!y@z ${command} ${rest}`, `${command} ${rest}`);
      }),
    );
  });
});

describe('IRC config schema', () => {
  it('applies defaults and picks the port from tls', () => {
    const plain = ircConfigSchema.parse({ protocol: 'irc', host: 'irc.example', nick: 'relay' });
    assert.equal(plain.port, 6667);
    assert.equal(plain.maxLines, 5);
    assert.deepEqual(plain.flood, { burst: 4, intervalMs: 1000 });
    assert.equal(ircConfigSchema.parse({ host: 'irc.example', nick: 'relay', tls: true }).port, 6697);
  });

  it('rejects bad nicks, unknown keys, an unknown mode and EXTERNAL without a certificate', () => {
    for (const bad of [
      { host: 'h', nick: 'has space' },
      { host: 'h', nick: 'ok', unknown: 1 },
      { host: 'h', nick: 'ok', mode: 'bouncer' },
      { host: 'h', nick: 'ok', sasl: { mechanism: 'EXTERNAL' } },
      { host: 'h', nick: 'ok', channelKeys: { '#a': 'bad key' } },
    ]) assert.equal(ircConfigSchema.safeParse(bad).success, false, JSON.stringify(bad));
  });
});
