/**
 * InspIRCd 3's server protocol (spanningtree 1205) on scripted lines, as InspIRCd 3.15 sends
 * them: handshake, burst, state, catalog events, channel TS rules, collisions and bad input.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { LinkUser } from '../../src/networks/irc-link/state.js';
import { chanModeTokens } from '../../src/networks/irc-link/protocols/inspircd-capab.js';
import { CAPAB, harness, linked, ME, SID, UP, UP_SID } from '../support/inspircd-link-harness.js';
import { expectSvsnickForceTags } from '../support/link-protocol-harness.js';
import { checkAnyLinesKeepStateConsistent } from '../support/link-state-property.js';

/** One of our clients, added to the state and introduced (as the adapter does). */
function own(h: ReturnType<typeof harness>, nick: string): LinkUser {
  const user: LinkUser = { uid: h.protocol.newUid(), nick, ident: 'bob', host: 'jabber.x', realName: 'Bob', server: ME, modes: new Set(), signonTs: 1_700_000_000_000, channels: new Set(), own: true };
  assert.ok(h.state.addUser(user));
  h.sent.push(...h.protocol.introduce(user));
  return user;
}

describe('InspIRCd server protocol', () => {
  it('reads the typed mode lists of CAPAB CHANMODES as PREFIX (by level) and CHANMODES', () => {
    assert.deepEqual(chanModeTokens('list:ban=b param:key=k param-set:limit=l prefix:10000:voice=+v prefix:50000:founder=~q prefix:30000:op=@o simple:moderated=m bogus x=y'),
      ['PREFIX=(qov)~@+', 'CHANMODES=b,k,l,m']);
  });

  it('handshakes with CAPAB and SERVER, bursts after the uplink and reads its burst', () => {
    const h = linked();
    assert.deepEqual(h.protocol.handshake(), ['CAPAB START 1205', 'CAPAB CAPABILITIES :PROTOCOL=1205', 'CAPAB END', `SERVER ${ME} out 0 ${SID} :Switchboard`]);
    assert.match(h.sent[0] ?? '', new RegExp(`^:${SID} BURST [0-9]+$`));
    assert.deepEqual(h.sent.slice(1), [
      `:${SID} SINFO version :switchboard-0.1. ${ME}`, `:${SID} SINFO fullversion :switchboard-0.1. ${ME} :Switchboard server link`, `:${SID} ENDBURST`,
    ], 'our version goes with BURST: InspIRCd answers /VERSION of our server from it');
    assert.deepEqual(h.bursts, [UP]);
    assert.deepEqual(h.failures, []);
    assert.deepEqual(h.ignored, []);
    const support = h.state.support;
    assert.deepEqual([support.nickLen, support.caseMapping, support.chanTypes, support.prefixes.map((p) => p.mode).join(''), support.chanModes], [30, 'ascii', '#', 'ohv', ['b', 'k', 'l', 'rimnpRMst']]);
    assert.equal(h.state.userByNick('carol')?.server, 'leaf.test');
    assert.deepEqual(h.state.members('#lobby').map((m) => [m.user.nick, [...m.modes]]), [['alice', ['o']], ['bob', []], ['carol', []]]);
    const lobby = h.state.channel('#lobby');
    assert.deepEqual([lobby?.ts, lobby?.topic, lobby?.modes.get('k'), lobby?.modes.has('n')], [1000, 'the topic', 'secret', true]);
    const [alice] = h.of('UID');
    assert.deepEqual(alice?.args, {
      user: { network: 'link', id: 'alice', nick: 'alice', host: 'alice@cloak.example', displayName: 'Alice' },
      signonTs: 900_000, ident: 'alice', host: 'cloak.example', realHost: '127.0.0.1', ip: '127.0.0.1', realName: 'Alice',
    });
    assert.deepEqual(h.of('CLIENT_OPERED').map((e) => [e.args.user.nick, e.args.operType]), [['alice', 'NetAdmin']]);
    const [join] = h.of('JOIN');
    assert.deepEqual([join?.args.users.map((u) => u.nick), join?.args.ts, join?.args.modes],
      [['alice', 'bob', 'carol'], 1000, [{ mode: '+n' }, { mode: '+t' }, { mode: '+k', arg: 'secret' }, { mode: '+o', arg: 'alice' }]]);
    assert.equal(h.of('TOPIC').length, 0, 'a burst topic is state');
    assert.deepEqual(h.of('ENDBURST').map((e) => e.args.server), ['leaf.test', UP]);
    h.feed(`:${UP_SID} PING ${SID}`, `:${UP_SID} PING 0AB`);
    assert.deepEqual(h.sent.slice(4), [`:${SID} PONG ${UP_SID}`], 'answers a PING for us only');
    assert.equal(h.protocol.ping(), `:${SID} PING ${UP_SID}`);
  });

  it('a wrong password from the ircd, an old protocol or a refusal is fatal; a peer that is no InspIRCd is not', () => {
    const wrong = harness();
    wrong.feed(...CAPAB, `SERVER ${UP} nope 0 ${UP_SID} :x`);
    assert.deepEqual(wrong.failures.map((f) => f.fatal), [true]);
    assert.deepEqual(wrong.sent, [], 'no BURST for a server we did not accept');
    const old = harness();
    old.feed('CAPAB START 1202');
    assert.match(old.failures[0]?.reason ?? '', /1205/);
    assert.equal(old.failures[0]?.fatal, true);
    const refused = harness();
    refused.feed('ERROR :Mismatched server name or password (check the other server\'s snomask output for details - e.g. user mode +s +Ll)');
    assert.equal(refused.failures[0]?.fatal, true);
    const client = harness();
    client.feed(':irc.example NOTICE * :*** Looking up your hostname...');
    assert.equal(client.failures[0]?.fatal, false);
  });

  it('turns what people do into catalog events with the state kept in step', () => {
    const h = linked();
    h.events.length = 0;
    h.feed(
      '@time=2026-01-01T00:00:00.000Z;msgid=x :0AAAAAAAA PRIVMSG #lobby :hi \x02all\x02',
      ':0AAAAAAAB NOTICE #LOBBY :a notice',
      ':0AAAAAAAB PRIVMSG #lobby :\x01ACTION waves\x01',
      ':0AAAAAAAB PRIVMSG @#lobby :ops only',
      ':0AAAAAAAA FTOPIC #lobby 1000 1200 :new topic',
      ':0AAAAAAAA FMODE #lobby 1000 +vk-t 0AAAAAAAB key',
      ':0AAAAAAAA NICK alicia 1300',
      ':0AAAAAAAB IJOIN #other 7',
      ':0AAAAAAAB IJOIN #third 8 1 o',
      ':0AAAAAAAB PART #third :later',
      ':0AAAAAAAA KICK #lobby 0AAAAAAAB 5 :out',
      ':0AAAAAAAA AWAY 1400 :lunch',
      ':0AAAAAAAA AWAY',
      ':0AAAAAAAA FHOST hidden.example',
      ':0AAAAAAAA FIDENT al',
      ':0AAAAAAAA FNAME :Alice A.',
      `:${UP_SID} METADATA 0AAAAAAAA accountname :alice`,
      ':0ABAAAAAA MODE 0ABAAAAAA -w',
      ':0AAAAAAAA INVITE 0ABAAAAAA #lobby 1000',
      ':0ABAAAAAA ENCAP * KNOCK #lobby :let me in',
      ':0AAAAAAAA KILL 0AAAAAAAB :Killed (alicia (spam))',
      ':0AAAAAAAB QUIT :Killed',
      ':0ABAAAAAA QUIT :bye',
    );
    assert.deepEqual(h.of('MESSAGE').map((e) => [e.args.message.kind, e.args.channel?.id, e.args.message.author.nick]),
      [['message', '#lobby', 'alice'], ['notice', '#lobby', 'bob'], ['action', '#lobby', 'bob']]);
    assert.deepEqual(h.of('TOPIC')[0]?.args, { channel: { network: 'link', id: '#lobby', name: '#lobby' }, text: 'new topic', oldText: 'the topic', setter: 'alice' });
    assert.deepEqual(h.of('MODE')[0]?.args.modes, [{ mode: '+v', arg: 'bob' }, { mode: '+k', arg: 'key' }, { mode: '-t' }], 'a prefix mode names the nick, not the UUID');
    assert.deepEqual(h.of('NICK').map((e) => [e.args.oldNick, e.args.newNick]), [['alice', 'alicia']]);
    assert.deepEqual(h.of('JOIN').map((e) => [e.args.channel.id, e.args.modes]), [['#other', undefined], ['#third', [{ mode: '+o', arg: 'bob' }]]]);
    assert.deepEqual(h.of('PART').map((e) => [e.args.channel.id, e.args.reason]), [['#third', 'later']]);
    assert.deepEqual(h.of('KICK').map((e) => [e.args.target.nick, e.args.by?.nick, e.args.reason]), [['bob', 'alicia', 'out']], 'the membership id is skipped');
    assert.deepEqual(h.of('AWAY').map((e) => e.args.text), ['lunch', '']);
    assert.deepEqual([h.of('CHGHOST')[0]?.args.newHost, h.of('CHGIDENT')[0]?.args.newIdent, h.of('CHGNAME')[0]?.args.newName], ['hidden.example', 'al', 'Alice A.']);
    assert.deepEqual(h.of('CLIENT_SERVICES_LOGIN').map((e) => e.args.account), ['alice']);
    assert.deepEqual(h.of('MODE')[1]?.args.modes, [{ mode: '-w' }]);
    assert.deepEqual(h.of('INVITE').map((e) => [e.args.target.nick, e.args.by.nick, e.args.channel.id]), [['carol', 'alicia', '#lobby']]);
    assert.deepEqual(h.of('KNOCK').map((e) => [e.args.user.nick, e.args.channel.id, e.args.text]), [['carol', '#lobby', 'let me in']]);
    assert.deepEqual(h.of('KILL').map((e) => [e.args.target.nick, e.args.by?.nick]), [['bob', 'alicia']]);
    assert.deepEqual(h.of('QUIT').map((e) => e.args.user.nick), ['carol'], 'the QUIT after a KILL finds nobody');
    assert.deepEqual(h.state.members('#lobby').map((m) => [m.user.nick, [...m.modes]]), [['alicia', ['o']]]);
    assert.equal(h.state.userByNick('alicia')?.account, 'alice');
    assert.deepEqual(h.ignored, []);
  });

  it('sends our clients in UUID form: UID, FJOIN in the burst and for new channels, IJOIN after, and kick/topic/mode', () => {
    const h = linked();
    h.sent.length = 0;
    const bob = own(h, 'bob/jabber');
    assert.equal(bob.uid, `${SID}A00001`);
    assert.deepEqual(h.sent, [`:${SID} UID ${SID}A00001 1700000000 bob/jabber jabber.x jabber.x bob 0.0.0.0 1700000000 + :Bob`]);
    h.state.join('#lobby', bob.uid);
    h.state.join('#new', bob.uid);
    assert.deepEqual(h.protocol.join(bob, '#lobby'), [`:${SID}A00001 IJOIN #lobby 1`]);
    const [fjoin] = h.protocol.join(bob, '#new');
    assert.match(fjoin ?? '', new RegExp(`^:${SID} FJOIN #new [0-9]+ \\+ :,${SID}A00001:2$`));
    assert.ok(h.state.channel('#new')?.ts, 'a new channel gets our TS');
    const alice = h.state.userByNick('alice') as LinkUser;
    assert.deepEqual(h.protocol.kick(bob, '#lobby', alice, 'bye'), [`:${SID}A00001 KICK #lobby 0AAAAAAAA :bye`]);
    assert.match(h.protocol.topic(bob, '#lobby', 'hello')[0] ?? '', new RegExp(`^:${SID}A00001 FTOPIC #lobby 1000 [0-9]+ :hello$`));
    assert.deepEqual(h.protocol.mode(undefined, '#lobby', '+ov-k', ['alice', 'bob/jabber', 'secret']), [`:${SID} FMODE #lobby 1000 +ov-k 0AAAAAAAA ${SID}A00001 secret`]);
    assert.deepEqual(h.protocol.mode(bob, '#lobby', '+l', ['5']), [`:${SID}A00001 FMODE #lobby 1000 +l 5`]);
    assert.equal(h.protocol.message(bob, 'alice', false, 'hi'), `:${SID}A00001 PRIVMSG 0AAAAAAAA :hi`);
    assert.equal(h.protocol.message(bob, '#lobby', true, 'hi'), `:${SID}A00001 NOTICE #lobby :hi`);
    assert.deepEqual(h.protocol.nick(bob, 'bobby/jabber').map((l) => l.replace(/[0-9]+$/, 'TS')), [`:${SID}A00001 NICK bobby/jabber TS`]);
    assert.deepEqual(h.protocol.goodbye('bye'), [`:${SID} SQUIT ${SID} :bye`]);
    h.feed(`:${UP_SID} RESYNC #new`);
    assert.match(h.sent.at(-1) ?? '', new RegExp(`^:${SID} FJOIN #new [0-9]+ \\+ :,${SID}A00001:3$`), 'a RESYNC gets our members again');
  });

  it('introduces only user modes InspIRCd has without a parameter, answers a RESYNC a few members per FJOIN, and reads SVSTOPIC', () => {
    const h = linked();
    const first = own(h, 'zed/jabber');
    first.modes = new Set(['i', 's', 'Z']);
    assert.match(h.protocol.introduce(first)[0] ?? '', / \+i :Bob$/, 's takes a parameter, Z is unknown');
    const many = Array.from({ length: 45 }, (_, i) => own(h, `p${i}/jabber`));
    for (const user of many) h.state.join('#lobby', user.uid);
    h.sent.length = 0;
    h.feed(`:${UP_SID} RESYNC #lobby`);
    assert.deepEqual(h.sent.map((l) => l.split(' :')[1]?.split(' ').length), [20, 20, 5]);
    assert.ok(h.sent.every((l) => l.startsWith(`:${SID} FJOIN #lobby 1000 + :`)));
    h.feed(`:${UP_SID} SVSTOPIC #lobby 1200 services :locked topic`, `:${UP_SID} SVSTOPIC #lobby`);
    assert.deepEqual(h.of('TOPIC').map((e) => [e.args.text, e.args.setter]), [['locked topic', 'services'], ['', UP.toLowerCase()]]);
    assert.deepEqual(h.ignored, []);
  });

  it('answers a WHOIS (IDLE) of our client, obeys CHGHOST for it, and reports KILL and KICK of it', () => {
    const h = linked();
    const bob = own(h, 'bob/jabber');
    h.state.join('#lobby', bob.uid);
    h.sent.length = 0;
    h.feed(`:0AAAAAAAA IDLE ${bob.uid}`, `:0AAAAAAAA ENCAP ${SID} CHGHOST ${bob.uid} new.host`, `:0AAAAAAAA KICK #lobby ${bob.uid} 3 :out`);
    assert.deepEqual(h.sent, [`:${bob.uid} IDLE 0AAAAAAAA 1700000000 0`, `:${bob.uid} FHOST new.host`]);
    assert.deepEqual(h.of('WHOIS').map((e) => e.args.target.nick), ['bob/jabber']);
    assert.equal(bob.host, 'new.host');
    assert.deepEqual(h.killedOwn, ['bob/jabber kicked from #lobby']);
    h.feed(`:0AAAAAAAA KILL ${bob.uid} :Killed (alice (go))`);
    assert.deepEqual(h.killedOwn, ['bob/jabber kicked from #lobby', 'bob/jabber']);
    assert.equal(h.state.user(bob.uid), undefined);
    assert.deepEqual(h.ignored, []);
  });

  it('a SAVE moves a user (ours too) to its UUID; a collision the ircd did not settle moves ours; ours are then force-tagged', () => {
    const h = linked();
    const bob = own(h, 'bob/jabber');
    h.feed(`:${UP_SID} SAVE ${bob.uid} 999`);
    assert.equal(bob.nick, 'bob/jabber', 'a SAVE for another nick TS is stale');
    h.feed(`:${UP_SID} SAVE ${bob.uid} 1700000000`);
    // The harness's forceTag renames to `<nick>|f` as the adapter would to bob's next tagged nick.
    assert.equal(bob.nick, `${bob.uid}|f`);
    assert.deepEqual(h.of('SAVE').map((e) => [e.args.target.nick, e.args.oldNick, e.sender]), [[bob.uid, 'bob/jabber', UP.toLowerCase()]]);
    const dave = own(h, 'dave/jabber');
    h.sent.length = 0;
    h.feed(`:${UP_SID} UID 0AAAAAAAC 1000 dave/jabber h h d 127.0.0.1 1000 + :D`);
    assert.equal(dave.nick, `${dave.uid}|f`);
    assert.deepEqual(h.sent, [`:${dave.uid} NICK ${dave.uid} 100`], 'the ircd hears of it');
    assert.deepEqual(h.forced, [`${bob.uid} save`, `${dave.uid} collision`]);
    assert.equal(h.state.userByNick('dave/jabber')?.uid, '0AAAAAAAC');
    assert.deepEqual(h.of('SAVE').map((e) => e.args.oldNick), ['bob/jabber', 'dave/jabber']);
  });

  it('an SVSNICK of one of our clients is reported and not obeyed: the client is force-tagged', () => {
    const h = linked();
    const bob = own(h, 'bob/jabber');
    expectSvsnickForceTags(h, bob, `:${UP_SID} SVSNICK ${bob.uid} Guest1 1700000000`);
  });

  it('a channel TS older than ours wins: our modes and prefixes go; a newer one is ignored', () => {
    const h = linked();
    const bob = own(h, 'bob/jabber');
    h.state.join('#lobby', bob.uid, ['v']);
    h.feed(`:${UP_SID} FMODE #lobby 2000 +i`);
    assert.equal(h.state.channel('#lobby')?.modes.has('i'), false, 'a newer FMODE is ignored');
    h.feed(`:${UP_SID} FJOIN #lobby 1500 +m :o,0AAAAAAAB:9`);
    assert.deepEqual([h.state.channel('#lobby')?.modes.has('m'), [...(h.state.channel('#lobby')?.members.get('0AAAAAAAB') ?? [])]], [false, []], 'a newer FJOIN: members join without their modes');
    h.feed(`:0AB UID 0ABAAAAAB 970 dan 10.0.0.2 10.0.0.2 dan 10.0.0.2 970 + :Dan`, `:0AB FJOIN #lobby 500 +s :qo,0ABAAAAAB:1`);
    const lobby = h.state.channel('#lobby');
    assert.equal(lobby?.ts, 500);
    assert.deepEqual([...(lobby?.modes.keys() ?? [])], ['s'], 'our +ntk went, theirs came');
    assert.deepEqual(h.state.members('#lobby').map((m) => [m.user.nick, [...m.modes]]), [['alice', []], ['bob', []], ['carol', []], ['bob/jabber', []], ['dan', ['o']]]);
    assert.deepEqual([h.of('JOIN').at(-1)?.args.users.map((u) => u.nick), h.of('JOIN').at(-1)?.args.ts], [['dan'], 500]);
    assert.equal(h.protocol.topic(bob, '#lobby', 'x')[0]?.split(' ')[3], '500', 'our lines use the new TS');
  });

  it('a split takes its servers and users; a split of us ends the link', () => {
    const h = linked();
    h.feed(`:${UP_SID} SQUIT 0AB :Read error`);
    const [squit] = h.of('SQUIT');
    assert.deepEqual([squit?.args.server, squit?.args.uplink, squit?.args.users.map((u) => u.nick), squit?.args.nicksByChannel, squit?.sender], ['leaf.test', UP.toLowerCase(), ['carol'], { '#lobby': ['carol'] }, UP.toLowerCase()]);
    h.feed(':0ABAAAAAA PRIVMSG #lobby :ghost');
    assert.deepEqual(h.ignored, ['unknown-source']);
    h.feed(`:${UP_SID} SQUIT ${SID} :bye`);
    assert.deepEqual(h.failures, [{ reason: 'the ircd split us off: bye', fatal: false }]);
  });

  it('malformed and unknown lines are ignored (and reported by kind), never thrown', () => {
    const h = linked();
    h.feed(
      `:${UP_SID} UID 0AAAAAAAZ 1 nick`, `:${UP_SID} UID 9ZZAAAAAA 1 n h h i 1.2.3.4 1 + :bogus uuid`, `:${UP_SID} FJOIN nochannel 1 + :0AAAAAAAA`,
      `:${UP_SID} FJOIN #x abc + :0AAAAAAAA`, `:${UP_SID} FMODE #nowhere 1 +o x`, ':ghost PRIVMSG #lobby :boo', ':0AAAAAAAA PRIVMSG',
      `:${UP_SID} FROBNICATE a b`, `:${UP_SID} SERVER x 0ZZ :no dot`, ':0AAAAAAAA FHOST', `:${UP_SID} FJOIN #lobby 1000 + :,0ZZAAAAAA`,
    );
    assert.deepEqual(h.ignored, ['malformed', 'malformed', 'malformed', 'malformed', 'unknown-channel', 'unknown-source', 'malformed', 'unknown-command', 'malformed', 'malformed', 'unknown-member']);
    assert.equal(h.of('MESSAGE').length, 0);
    assert.deepEqual(h.failures, []);
  });

  it('property: any sequence of lines leaves the protocol running and the state consistent', () => {
    checkAnyLinesKeepStateConsistent(() => {
      const h = linked();
      own(h, 'bob/jabber');
      return h;
    }, {
      sources: ['0AAAAAAAA', '0AAAAAAAB', '0ABAAAAAA', UP_SID, '0AB', 'ghost', ''],
      commands: ['UID', 'NICK', 'SAVE', 'FJOIN', 'IJOIN', 'PART', 'QUIT', 'KICK', 'KILL', 'FMODE', 'MODE', 'FTOPIC', 'PRIVMSG', 'SQUIT', 'SERVER', 'METADATA', 'AWAY', 'PING', 'ENCAP', 'FHOST', 'IDLE', 'RESYNC', 'XYZ'],
      words: ['0AAAAAAAA', '0AAAAAAAB', '0ABAAAAAA', `${SID}A00001`, '#lobby', '#x', UP_SID, '0AB', SID, '+o', '-v', 'o,0AAAAAAAB:1', '1000', '500', ':', '1', ''],
      maxParams: 8,
    });
  });
});
