/**
 * ngIRCd's server protocol (RFC 2813 / IRC+) on scripted lines, as ngIRCd 26 sends them
 * (transcripts in shared/peers/REPORT.md §2.1): state, catalog events and bad input.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { harness, linked, ME, UP } from '../support/ngircd-link-harness.js';
import { checkAnyLinesKeepStateConsistent } from '../support/link-state-property.js';

describe('ngIRCd server protocol', () => {
  it('handshakes with PASS/SERVER, answers the enhanced handshake and reads the burst', () => {
    const h = linked();
    assert.deepEqual(h.protocol.handshake(), ['PASS out 0210-IRC+ switchboard|0.1:CHMX', `SERVER ${ME} 1 :Switchboard`]);
    assert.deepEqual(h.sent, [
      `:${ME} 005 ${UP} NICKLEN=30 CASEMAPPING=ascii PREFIX=(qaohv)~&@%+ CHANTYPES=#&+ CHANMODES=beI,k,l,imMnOPQRstVz :are supported on this server`,
      `:${ME} 376 ${UP} :End of server negotiation`,
      `:${ME} PONG ${ME} :${UP}`,
    ]);
    assert.deepEqual(h.bursts, [UP]);
    assert.deepEqual(h.failures, []);
    assert.deepEqual(h.ignored, []);
    assert.equal(h.state.support.nickLen, 30);
    assert.equal(h.state.userByNick('carol')?.server, 'leaf.test', 'server token 2 is leaf.test');
    assert.deepEqual(h.state.members('#lobby').map((m) => [m.user.nick, [...m.modes]]), [['alice', ['o']], ['bob', []], ['carol', []]]);
    assert.equal(h.state.channel('#lobby')?.topic, 'the topic');
    assert.equal(h.state.channel('#lobby')?.modes.get('k'), 'secret');
    assert.deepEqual(h.of('UID').map((e) => e.args.user.nick), ['alice', 'bob', 'carol']);
    assert.deepEqual(h.of('JOIN')[0]?.args.modes, [{ mode: '+o', arg: 'alice' }]);
    assert.deepEqual(h.of('ENDBURST').map((e) => e.args.server), [UP]);
    h.feed(`:${UP} PING :${UP}`);
    assert.deepEqual(h.bursts, [UP], 'only the first PING ends the burst');
  });

  it('a wrong password from the ircd, or a peer without IRC+, is fatal; ERROR says why', () => {
    const wrong = harness();
    wrong.feed(`:${UP} PASS nope 0210-IRC+ ngIRCd|26.1:CHLMSXZo PZ`);
    assert.equal(wrong.failures[0]?.fatal, true);
    const plain = harness();
    plain.feed(`:${UP} PASS in 0210 IRC|2.11`);
    assert.match(plain.failures[0]?.reason ?? '', /IRC\+/);
    const error = harness();
    error.feed('ERROR :Bad password');
    assert.deepEqual(error.failures, [{ reason: 'the ircd closed the link: Bad password', fatal: true }]);
    const early = harness();
    early.feed(`:${UP} NICK x 1 a b 1 + :x`);
    assert.equal(early.failures[0]?.fatal, false);
  });

  it('turns what people do into catalog events with the state kept in step', () => {
    const h = linked();
    h.events.length = 0;
    h.feed(
      ':alice PRIVMSG #lobby :hi \x02all\x02',
      ':bob NOTICE #LOBBY :a notice',
      ':bob PRIVMSG #lobby :\x01ACTION waves\x01',
      ':bob PRIVMSG #lobby :\x01VERSION\x01',
      ':alice TOPIC #lobby :new topic',
      ':alice MODE #lobby +vk-t bob key',
      ':alice NICK alicia',
      ':bob JOIN #other\x07o,#third',
      ':bob PART #third :later',
      ':alicia KICK #lobby bob :out',
      ':alicia AWAY :lunch',
      `:${UP} METADATA alicia cloakhost :hidden.example`,
      `:${UP} METADATA alicia accountname :alice`,
      ':carol MODE carol +o',
      ':NickServ SVSNICK alicia Guest1',
      `:${UP} KILL bob :${UP} (spam)`,
      ':bob QUIT :Killed',
    );
    assert.deepEqual(h.of('MESSAGE').map((e) => [e.args.message.kind, e.args.channel?.id, e.args.message.author.nick]),
      [['message', '#lobby', 'alice'], ['notice', '#lobby', 'bob'], ['action', '#lobby', 'bob']]);
    assert.deepEqual(h.of('TOPIC')[0]?.args, { channel: { network: 'link', id: '#lobby', name: '#lobby' }, text: 'new topic', oldText: 'the topic', setter: 'alice' });
    assert.deepEqual(h.of('MODE')[0]?.args.modes, [{ mode: '+v', arg: 'bob' }, { mode: '+k', arg: 'key' }, { mode: '-t' }]);
    assert.deepEqual(h.of('NICK').map((e) => [e.args.oldNick, e.args.newNick, e.args.user.nick]), [['alice', 'alicia', 'alice']]);
    assert.deepEqual(h.of('JOIN').map((e) => [e.args.channel.id, e.args.modes]), [['#other', [{ mode: '+o', arg: 'bob' }]], ['#third', undefined]]);
    assert.deepEqual(h.of('PART').map((e) => [e.args.channel.id, e.args.reason]), [['#third', 'later']]);
    assert.deepEqual(h.of('KICK').map((e) => [e.args.target.nick, e.args.by?.nick, e.args.reason]), [['bob', 'alicia', 'out']]);
    assert.deepEqual(h.of('AWAY').map((e) => e.args.text), ['lunch']);
    assert.deepEqual(h.of('CHGHOST').map((e) => e.args.newHost), ['hidden.example']);
    assert.deepEqual(h.of('CLIENT_SERVICES_LOGIN').map((e) => e.args.account), ['alice']);
    assert.deepEqual(h.of('KILL').map((e) => [e.args.target.nick, e.args.by, e.args.reason]), [['bob', undefined, `${UP} (spam)`]]);
    assert.deepEqual(h.of('CLIENT_OPERED').map((e) => [e.args.user.nick, e.args.operType]), [['carol', 'IRC Operator']]);
    assert.deepEqual(h.of('SVSNICK').map((e) => [e.args.target.nick, e.args.newNick]), [['alicia', 'Guest1']]);
    assert.equal(h.state.userByNick('alicia')?.nick, 'alicia', 'SVSNICK is not obeyed');
    assert.equal(h.of('QUIT').length, 0, 'the QUIT after a KILL finds nobody: no second event');
    assert.equal(h.state.userByNick('bob'), undefined);
    assert.deepEqual(h.state.members('#lobby').map((m) => [m.user.nick, [...m.modes]]), [['alicia', ['o']], ['carol', []]]);
    assert.deepEqual(h.ignored, []);
  });

  it('a KILL of one of our clients takes it out of the state and tells the adapter', () => {
    const h = linked();
    const own = { uid: h.protocol.newUid(), nick: 'bob|jabber', ident: 'bob', host: 'jabber.x', realName: 'Bob', server: ME, modes: new Set<string>(), signonTs: 0, channels: new Set<string>(), own: true };
    h.state.addUser(own);
    assert.deepEqual(h.protocol.introduce(own), [`:${ME} NICK bob|jabber 1 bob jabber.x 1 + :Bob`]);
    h.feed(':alice KILL bob|jabber :bye', ':alice PRIVMSG bob|jabber :are you there?');
    assert.deepEqual(h.killedOwn, ['bob|jabber']);
    assert.equal(h.state.userByNick('bob|jabber'), undefined);
    assert.deepEqual(h.of('KILL').map((e) => [e.args.target.nick, e.args.by?.nick]), [['bob|jabber', 'alice']]);
    assert.deepEqual(h.ignored, ['unknown-target'], 'a message to a client that is gone');
  });

  it('a collision with one of our clients, or an SVSNICK of one, force-tags ours; kick, topic and mode lines', () => {
    const h = linked();
    const own = { uid: h.protocol.newUid(), nick: 'bob|jabber', ident: 'bob', host: 'jabber.x', realName: 'Bob', server: ME, modes: new Set<string>(), signonTs: 0, channels: new Set<string>(), own: true };
    h.state.addUser(own);
    h.feed(`:${UP} NICK bob|jabber 1 ~b 10.0.0.2 1 + :Impostor`);
    assert.deepEqual(h.forced, ['bob|jabber collision']);
    assert.equal(h.state.userByNick('bob|jabber')?.own, false, 'the remote user has the nick');
    assert.equal(h.state.userByNick('bob|jabber|f')?.uid, own.uid, 'ours was moved');
    h.feed(':NickServ SVSNICK bob|jabber|f Guest7', ':alice NICK bob|jabber|f|f');
    assert.deepEqual(h.forced, ['bob|jabber collision', 'bob|jabber|f svsnick', 'bob|jabber|f|f collision']);
    assert.equal(h.state.userByNick('Guest7'), undefined, 'SVSNICK is never obeyed');
    assert.equal(h.state.userByNick('bob|jabber|f|f')?.nick, 'bob|jabber|f|f');
    assert.equal(h.state.userByNick('alice'), undefined);
    assert.deepEqual(h.ignored, []);
    assert.deepEqual(h.protocol.kick(own, '#lobby', own, 'bye now'), [':bob|jabber|f|f|f KICK #lobby bob|jabber|f|f|f :bye now']);
    assert.deepEqual(h.protocol.topic(own, '#lobby', 'a topic'), [':bob|jabber|f|f|f TOPIC #lobby :a topic']);
    assert.deepEqual(h.protocol.mode(undefined, '#lobby', '-o+v', ['alice', 'bob']), [`:${ME} MODE #lobby -o+v alice bob`]);
  });

  it('joins many of our clients with as few NJOIN lines as fit in 512 bytes, in order', () => {
    const h = linked();
    const users = Array.from({ length: 120 }, (_, i) => ({ uid: h.protocol.newUid(), nick: `person${i}|jabber`, ident: 'p', host: 'jabber.x', realName: 'P', server: ME, modes: new Set<string>(), signonTs: 0, channels: new Set<string>(), own: true }));
    const lines = h.protocol.joinMany?.(users, '#lobby') ?? [];
    assert.ok(lines.length > 1 && lines.length < 10, `${lines.length} lines`);
    for (const line of lines) {
      assert.ok(Buffer.byteLength(`${line}\r\n`) <= 512, line);
      assert.match(line, new RegExp(`^:${ME} NJOIN #lobby :[^ ,]+(,[^ ,]+)*$`));
    }
    assert.deepEqual(lines.flatMap((l) => l.slice(l.indexOf(' :') + 2).split(',')), users.map((u) => u.nick));
    assert.deepEqual(h.protocol.joinMany?.(users.slice(0, 1), '#lobby'), h.protocol.join(users[0]!, '#lobby'));
  });

  it('a split takes its users, with the nicks per channel', () => {
    const h = linked();
    h.feed(`:${UP} SQUIT leaf.test :Read error`);
    const [squit] = h.of('SQUIT');
    assert.deepEqual(squit?.args, {
      server: 'leaf.test', uplink: UP.toLowerCase(), users: [{ network: 'link', id: 'carol', nick: 'carol', host: '~carol@10.0.0.1', displayName: 'Carol' }],
      nicksByChannel: { '#lobby': ['carol'] }, affectedServers: ['leaf.test'],
    });
    assert.equal(h.state.userByNick('carol'), undefined);
    h.feed(`:${UP} SQUIT ${ME} :bye`);
    assert.deepEqual(h.failures, [{ reason: 'the ircd split us off: bye', fatal: false }]);
  });

  it('malformed and unknown lines are ignored (and reported by kind), never thrown', () => {
    const h = linked();
    h.feed(':alice CHANINFO ', ':alice TOPIC ', ':alice INVITE bob :', `:${UP} METADATA bob host :`);
    assert.deepEqual(h.ignored, ['malformed', 'unknown-channel', 'malformed', 'malformed'], 'no channel, host or ident without a name (found by the fuzzer)');
    h.ignored.length = 0;
    h.feed(':x NICK', `:${UP} NICK bad nick`, `:${UP} FROBNICATE a b`, ':ghost PRIVMSG #lobby :boo', ':alice PRIVMSG', ':alice MODE #nowhere +o x', `:${UP} NJOIN nochannel :alice`);
    assert.deepEqual(h.ignored, ['unknown-source', 'unknown-source', 'unknown-command', 'unknown-source', 'malformed', 'unknown-channel', 'malformed']);
    assert.equal(h.of('MESSAGE').length, 0);
    assert.deepEqual(h.failures, []);
  });

  it('property: any sequence of lines leaves the protocol running and the state consistent', () => {
    checkAnyLinesKeepStateConsistent(linked, {
      sources: ['alice', 'bob', 'carol', UP, 'leaf.test', 'ghost', ''],
      commands: ['NICK', 'NJOIN', 'JOIN', 'PART', 'QUIT', 'KICK', 'KILL', 'MODE', 'TOPIC', 'PRIVMSG', 'SQUIT', 'SERVER', 'METADATA', 'CHANINFO', 'AWAY', 'PING', '005', 'XYZ'],
      words: ['alice', 'bob', 'carol', '#lobby', '#x', UP, 'leaf.test', ME, '+o', '-v', '@', ':', '\x07o', '1', ''],
      maxParams: 8,
    });
  });
});
