/**
 * ircd-hybrid's server protocol (TS6 as hybrid 8.2.43 speaks it) on scripted lines: the
 * handshake, the burst, state, catalog events, what we send, collisions and bad input. The
 * real server: test/e2e/irc-link-hybrid.test.ts.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { LinkChannel, LinkUser } from '../../src/networks/irc-link/state.js';
import { ServerSupport } from '../../src/networks/irc/isupport.js';
import { applyChannelTs, killReason, parseSjoinMembers, parseTs, UidMinter, UID_PATTERN, UID_SPACE } from '../../src/networks/irc-link/protocols/ts6.js';
import { HYBRID_SUPPORT } from '../../src/networks/irc-link/protocols/hybrid.js';
import { ALICE, BOB, CAROL, harness, linked, LOBBY_TS, ME, SID, UP, UPSID } from '../support/hybrid-link-harness.js';
import { expectSvsnickForceTags } from '../support/link-protocol-harness.js';
import { checkAnyLinesKeepStateConsistent } from '../support/link-state-property.js';

const LOBBY = { network: 'link', id: '#lobby', name: '#lobby' };

/** One of our clients, in the state (not yet introduced). */
function own(h: ReturnType<typeof harness>, nick: string, signonTs = Date.now()): LinkUser {
  const user: LinkUser = { uid: h.protocol.newUid(), nick, ident: 'switchboard', host: 'jabber.bridge.hybrid.test', realName: `${nick} (jabber)`, server: ME, modes: new Set(), signonTs, channels: new Set(), own: true };
  assert.ok(h.state.addUser(user));
  return user;
}

describe('TS6 pieces', () => {
  it('mints uids from our SID, a letter first, all distinct', () => {
    const minter = new UidMinter('1SB');
    const uids = Array.from({ length: 40 }, () => minter.mint());
    assert.deepEqual(uids.slice(0, 2), ['1SBAAAAAA', '1SBAAAAAB']);
    assert.equal(uids[36], '1SBAAAABA');
    assert.ok(uids.every((uid) => UID_PATTERN.test(uid) && /^1SB[A-Z]/.test(uid)));
    assert.equal(new Set(uids).size, uids.length);
    assert.throws(() => new UidMinter('abc'), /not a server id/);
    assert.equal(UID_SPACE, 26 * 36 ** 5);
  });

  it('reads SJOIN members, KILL reasons and TS values', () => {
    const support = new ServerSupport();
    support.update(HYBRID_SUPPORT);
    assert.deepEqual(parseSjoinMembers('@+0HYAAAAAA %0HYAAAAAB  0HYAAAAAC ~&0HYAAAAAD', support), [
      { uid: '0HYAAAAAA', modes: ['o', 'v'] }, { uid: '0HYAAAAAB', modes: ['h'] }, { uid: '0HYAAAAAC', modes: [] }, { uid: '0HYAAAAAD', modes: ['q', 'a'] },
    ]);
    assert.equal(parseSjoinMembers('a b c d', support, 2).length, 2);
    assert.equal(killReason('irc.hybrid.test!127.0.0.1!oper!oper1 (go away)'), 'go away');
    assert.equal(killReason('irc.hybrid.test (Nick collision (new))'), 'Nick collision (new)');
    assert.equal(killReason('bare'), 'bare');
    assert.deepEqual(['1700000000', '0', '-1', '12abc', undefined, '1'.repeat(13)].map(parseTs), [1_700_000_000, undefined, undefined, undefined, undefined, undefined]);
  });

  it('property: the channel-TS rule keeps the oldest TS, and an older one drops our modes', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 1, maxLength: 20 }), (stamps) => {
      const channel: LinkChannel = { name: '#x', modes: new Map<string, string>(), lists: new Map<string, Set<string>>(), members: new Map([['u', new Set(['o'])]]), topic: 't' };
      let oldest = Infinity;
      for (const ts of stamps) {
        channel.modes.set('n', '');
        const outcome = applyChannelTs(channel, ts, true);
        assert.equal(outcome, oldest === Infinity ? 'new' : ts < oldest ? 'older' : ts === oldest ? 'same' : 'newer');
        if (outcome === 'older') assert.equal(channel.modes.size + (channel.members.get('u')?.size ?? 0), 0);
        oldest = Math.min(oldest, ts);
        assert.equal(channel.ts, oldest);
      }
    }));
  });
});

describe('ircd-hybrid server protocol', () => {
  it('handshakes (PASS with TS 6 and our SID, CAPAB, SERVER with SID, SVINFO) and reads the burst', () => {
    const h = linked();
    const [pass, capab, server, svinfo] = h.protocol.handshake();
    assert.equal(pass, `PASS out TS 6 :${SID}`);
    assert.equal(capab, 'CAPAB :EOB TBURST ENCAP HOP RHOST');
    assert.equal(server, `SERVER ${ME} 1 ${SID} + :Switchboard`);
    assert.match(svinfo ?? '', /^SVINFO 6 6 0 :[0-9]+$/);
    assert.deepEqual(h.sent, [`:${SID} PONG ${ME} :${UPSID}`, `:${SID} EOB`], 'PONG to the PING, and our EOB after our burst');
    assert.deepEqual(h.bursts, [UP]);
    assert.deepEqual([h.failures, h.ignored], [[], []]);
    assert.equal(h.state.support.nickLen, 30);
    assert.equal(h.state.user(CAROL)?.server, 'leaf.test');
    assert.equal(h.state.user(BOB)?.account, 'bobacct');
    assert.deepEqual(h.state.members('#lobby').map((m) => [m.user.nick, [...m.modes]]), [['alice', ['o']], ['bob', ['v']], ['carol', []]]);
    const lobby = h.state.channel('#LOBBY');
    assert.equal(lobby?.ts, LOBBY_TS);
    assert.equal(lobby?.topic, 'the topic');
    assert.deepEqual([...(lobby?.modes ?? [])], [['n', ''], ['t', ''], ['k', 'secret']]);
    assert.deepEqual([...(lobby?.lists.get('b') ?? [])], ['foo!*@*', 'bar!*@*']);
    assert.deepEqual(h.of('UID').map((e) => [e.args.user.nick, e.args.signonTs]), [['alice', LOBBY_TS * 1000], ['bob', (LOBBY_TS + 1) * 1000], ['carol', (LOBBY_TS + 2) * 1000]]);
    assert.deepEqual(h.of('CLIENT_OPERED').map((e) => e.args.user.nick), ['alice']);
    assert.deepEqual(h.of('JOIN')[0]?.args.modes, [{ mode: '+n' }, { mode: '+t' }, { mode: '+k', arg: 'secret' }, { mode: '+o', arg: 'alice' }, { mode: '+v', arg: 'bob' }]);
    assert.deepEqual(h.of('ENDBURST').map((e) => e.args.server), [UP]);
    assert.equal(h.of('TOPIC').length, 0, 'burst topics are state');
    h.feed(`:${UPSID} EOB`, `PING :${UPSID}`);
    assert.deepEqual(h.bursts, [UP], 'one burst');
  });

  it('a wrong password from hybrid is fatal; ERROR says why (fatal when the connect block refuses us)', () => {
    const wrong = harness();
    wrong.feed('PASS nope');
    assert.deepEqual(wrong.failures.map((f) => f.fatal), [true]);
    const oldStyle = harness();
    oldStyle.feed('PASS in TS 6 :0HY', `SERVER ${UP} 1 :old hybrid`);
    assert.deepEqual([oldStyle.failures, oldStyle.state.server(UP)?.description], [[], 'old hybrid'], 'the SID of a TS PASS');
    for (const [text, fatal] of [['Closing Link: 127.0.0.1 (Invalid password)', true], ['Closing Link: 127.0.0.1 (No connect {} block)', true], ['Closing Link: 127.0.0.1 (Ping timeout: 90 seconds)', false]] as const) {
      const h = harness();
      h.feed(`ERROR :${text}`);
      assert.deepEqual(h.failures, [{ reason: `the ircd closed the link: ${text}`, fatal }]);
    }
    const aop = harness();
    aop.feed('ERROR :Closing Link: 127.0.0.1 (Mismatching AOP/QOP capabilities)');
    assert.match(aop.failures[0]?.reason ?? '', /service \{\} block/);
    const early = harness();
    early.feed(`:${UPSID} UID x 1 1 + a b b 0 ${ALICE} * :x`);
    assert.deepEqual(early.failures.map((f) => f.fatal), [false]);
    const sameSid = harness();
    sameSid.feed('PASS in', `SERVER ${UP} 1 ${SID} + :copycat`);
    assert.match(sameSid.failures[0]?.reason ?? '', /has our SID/);
  });

  it('turns what people do into catalog events, uids into nicks, with the state in step', () => {
    const h = linked();
    h.events.length = 0;
    h.feed(
      `:${ALICE} PRIVMSG #lobby :hi \x02all\x02`,
      `:${BOB} NOTICE @#LOBBY :ops only`,
      `:${BOB} PRIVMSG #lobby :\x01ACTION waves\x01`,
      `:${UPSID} NOTICE #lobby :server notice`,
      `:${ALICE} TOPIC #lobby :new topic`,
      `:${ALICE} TMODE ${LOBBY_TS} #lobby +v-k+b ${CAROL} secret baz!*@*`,
      `:${ALICE} TMODE ${LOBBY_TS + 10} #lobby +m`,
      `:${ALICE} NICK alicia :${LOBBY_TS + 20}`,
      `:${BOB} JOIN ${LOBBY_TS + 30} #other +`,
      `:${BOB} PART #other :later`,
      `:${ALICE} KICK #lobby ${BOB} :out`,
      `:${ALICE} AWAY :lunch`,
      `:${ALICE} AWAY`,
      `:${UPSID} SVSHOST ${ALICE} ${LOBBY_TS} hidden.example`,
      `:${UPSID} SVSACCOUNT ${ALICE} ${LOBBY_TS} alice`,
      `:${CAROL} MODE ${CAROL} :+o`,
      `:${UPSID} SVSNICK ${ALICE} ${LOBBY_TS} Guest1 ${LOBBY_TS + 40}`,
      `:${ALICE} INVITE ${CAROL} #lobby ${LOBBY_TS}`,
      `:${ALICE} KILL ${BOB} :${UP}!127.0.0.1!alice!alicia (spam)`,
      `:${CAROL} QUIT :gone`,
    );
    assert.deepEqual(h.of('MESSAGE').map((e) => [e.args.message.kind, e.args.channel?.id, e.args.message.author.nick]),
      [['message', '#lobby', 'alice'], ['action', '#lobby', 'bob']], 'a status message (@#chan, for its operators only) is never relayed');
    assert.deepEqual(h.of('TOPIC')[0]?.args, { channel: LOBBY, text: 'new topic', oldText: 'the topic', setter: 'alice' });
    assert.deepEqual(h.of('MODE').map((e) => e.args.modes), [[{ mode: '+v', arg: 'carol' }, { mode: '-k', arg: 'secret' }, { mode: '+b', arg: 'baz!*@*' }], [{ mode: '+o' }]],
      'the TMODE with a newer TS is dropped, as hybrid drops it');
    assert.deepEqual(h.of('NICK').map((e) => [e.args.oldNick, e.args.newNick]), [['alice', 'alicia']]);
    assert.deepEqual(h.of('JOIN').map((e) => [e.args.channel.id, e.args.users.map((u) => u.nick)]), [['#other', ['bob']]]);
    assert.deepEqual(h.of('PART').map((e) => [e.args.channel.id, e.args.reason]), [['#other', 'later']]);
    assert.deepEqual(h.of('KICK').map((e) => [e.args.target.nick, e.args.by?.nick, e.args.reason]), [['bob', 'alicia', 'out']]);
    assert.deepEqual(h.of('AWAY').map((e) => e.args.text), ['lunch', '']);
    assert.deepEqual(h.of('CHGHOST').map((e) => [e.args.target.nick, e.args.newHost]), [['alicia', 'hidden.example']]);
    assert.deepEqual(h.of('CLIENT_SERVICES_LOGIN').map((e) => e.args.account), ['alice']);
    assert.deepEqual(h.of('CLIENT_OPERED').map((e) => e.args.user.nick), ['carol']);
    assert.deepEqual(h.of('SVSNICK').map((e) => [e.args.target.nick, e.args.newNick]), [['alicia', 'Guest1']]);
    assert.equal(h.state.user(ALICE)?.nick, 'alicia', 'SVSNICK is not obeyed');
    assert.deepEqual(h.of('INVITE').map((e) => [e.args.target.nick, e.args.by.nick]), [['carol', 'alicia']]);
    assert.deepEqual(h.of('KILL').map((e) => [e.args.target.nick, e.args.by?.nick, e.args.reason]), [['bob', 'alicia', 'spam']]);
    assert.deepEqual(h.of('QUIT').map((e) => [e.args.user.nick, e.args.channels.map((c) => c.id)]), [['carol', ['#lobby']]]);
    assert.deepEqual(h.state.members('#lobby').map((m) => [m.user.nick, [...m.modes]]), [['alicia', ['o']]]);
    assert.equal(h.state.channel('#lobby')?.modes.has('k'), false);
    assert.deepEqual(h.ignored, []);
  });

  it('keeps the channel TS: an older SJOIN or JOIN drops our modes and prefixes, a newer one loses its own', () => {
    const h = linked();
    h.feed(`:${UPSID} SJOIN ${LOBBY_TS + 50} #lobby +s :@${CAROL}`);
    assert.equal(h.state.channel('#lobby')?.modes.has('s'), false, 'a newer TS brings no modes');
    assert.deepEqual([...(h.state.channel('#lobby')?.members.get(CAROL) ?? [])], []);
    h.feed(`:${BOB} JOIN ${LOBBY_TS - 100} #lobby +`);
    const lobby = h.state.channel('#lobby');
    assert.equal(lobby?.ts, LOBBY_TS - 100);
    assert.deepEqual([[...(lobby?.modes.keys() ?? [])], lobby?.topic, [...(lobby?.members.get(ALICE) ?? [])]], [[], '', []]);
    assert.equal(lobby?.lists.get('b')?.size, 2, 'a JOIN leaves the bans (SJOIN would clear them)');
  });

  it('an SVSNICK of one of our clients is reported and not obeyed: the client is force-tagged', () => {
    const h = linked();
    const bob = own(h, 'bob|jabber');
    expectSvsnickForceTags(h, bob, `:${UPSID} SVSNICK ${bob.uid} ${LOBBY_TS} Guest1 ${LOBBY_TS + 40}`);
  });

  it('a KILL of one of our clients (by uid or, for a bad nick, by nick) takes it out of the state and tells the adapter', () => {
    const h = linked();
    const bob = own(h, 'bob|jabber');
    const [line] = h.protocol.introduce(bob);
    assert.equal(line, `:${SID} UID bob|jabber 1 ${Math.floor(bob.signonTs / 1000)} + switchboar jabber.bridge.hybrid.test jabber.bridge.hybrid.test 0 ${bob.uid} * :bob|jabber (jabber)`);
    assert.equal(bob.ident, 'switchboar', 'cut to hybrid\'s USERLEN (a longer one is killed)');
    h.feed(`:${ALICE} KILL ${bob.uid} :${UP}!127.0.0.1!alice!alice (bye)`, `:${ALICE} PRIVMSG ${bob.uid} :are you there?`);
    assert.deepEqual(h.killedOwn, ['bob|jabber']);
    assert.deepEqual(h.of('KILL').map((e) => [e.args.target.nick, e.args.by?.nick, e.args.reason]), [['bob|jabber', 'alice', 'bye']]);
    assert.deepEqual(h.ignored, ['unknown-target'], 'a message to a client that is gone');
    const bad = own(h, 'bad|nick');
    h.feed(`:${UPSID} KILL bad|nick :${UP} (Bad Username)`);
    assert.equal(h.state.user(bad.uid), undefined);
    assert.deepEqual(h.of('KILL').at(-1)?.args.by, undefined, 'killed by a server');
  });

  it('a remote nick colliding with one of our clients is settled by TS as hybrid settles it, without a desync', () => {
    const h = linked();
    const newer = own(h, 'dan|jabber', (LOBBY_TS + 100) * 1000);
    h.feed(`:${UPSID} UID dan|jabber 1 ${LOBBY_TS + 50} + dan 127.0.0.1 127.0.0.1 127.0.0.1 0HYAAAAAD * :Dan`);
    assert.deepEqual(h.killedOwn, ['dan|jabber'], 'ours is newer: hybrid kills it');
    assert.deepEqual(h.nickHolderAtKill, ['0HYAAAAAD'], 'the adapter hears of it once the nick is theirs (so it picks another)');
    assert.equal(h.state.userByNick('dan|jabber')?.uid, '0HYAAAAAD');
    h.feed(`:${UPSID} KILL ${newer.uid} :${UP} (Nick collision (new))`);
    assert.deepEqual(h.ignored, [], 'the KILL that follows is expected');

    const older = own(h, 'eve|jabber', (LOBBY_TS - 100) * 1000);
    h.feed(`:${UPSID} UID eve|jabber 1 ${LOBBY_TS + 50} + eve 127.0.0.1 127.0.0.1 127.0.0.1 0HYAAAAAE * :Eve`, `:${UPSID} KILL 0HYAAAAAE :${UP} (Nick collision (new))`);
    assert.equal(h.state.userByNick('eve|jabber')?.uid, older.uid, 'ours is older: hybrid kills theirs');

    const same = own(h, 'fay|jabber', LOBBY_TS * 1000);
    h.feed(`:${BOB} NICK fay|jabber :${LOBBY_TS}`);
    assert.equal(h.state.user(same.uid), undefined, 'the same TS: both die');
    assert.equal(h.state.user(BOB)?.nick, 'bob', 'theirs too (its KILL follows)');
    assert.deepEqual(h.ignored, ['unknown-target'], 'the KILL of the remote one that lost, before its UID was taken');
    assert.deepEqual(h.failures, []);
  });

  it('builds what our clients do: join with the channel TS, part, quit, nick, messages, kick, topic, mode', () => {
    const h = linked();
    const me = own(h, 'Switchboard');
    h.state.join('#lobby', me.uid);
    assert.deepEqual(h.protocol.join(me, '#lobby'), [`:${me.uid} JOIN ${LOBBY_TS} #lobby +`]);
    h.state.join('#new', me.uid);
    const [newJoin] = h.protocol.join(me, '#new');
    assert.match(newJoin ?? '', new RegExp(`^:${me.uid} JOIN [0-9]+ #new \\+$`));
    assert.equal(h.state.channel('#new')?.ts, Number(newJoin?.split(' ')[2]), 'a new channel gets its TS');
    assert.deepEqual(h.protocol.part(me, '#lobby', 'bye'), [`:${me.uid} PART #lobby :bye`]);
    assert.deepEqual(h.protocol.quit(me, 'gone'), [`:${me.uid} QUIT :gone`]);
    assert.match(h.protocol.nick(me, 'Other')[0] ?? '', new RegExp(`^:${me.uid} NICK Other :[0-9]+$`));
    assert.equal(h.protocol.message(me, '#lobby', false, 'hi'), `:${me.uid} PRIVMSG #lobby :hi`);
    assert.equal(h.protocol.message(me, 'alice', true, 'psst'), `:${me.uid} NOTICE ${ALICE} :psst`);
    const alice = h.state.user(ALICE) as LinkUser;
    assert.deepEqual(h.protocol.kick(me, '#lobby', alice, 'out'), [`:${me.uid} KICK #lobby ${ALICE} :out`]);
    assert.deepEqual(h.protocol.topic(me, '#lobby', 'set'), [`:${me.uid} TOPIC #lobby :set`]);
    assert.deepEqual(h.protocol.mode(undefined, '#lobby', '-o+bk', ['alice', 'x!*@*', 'key']), [`:${SID} TMODE ${LOBBY_TS} #lobby -o+bk ${ALICE} x!*@* key`]);
    assert.deepEqual(h.protocol.mode(me, '#lobby', '+m', []), [`:${me.uid} TMODE ${LOBBY_TS} #lobby +m`]);
    assert.deepEqual(h.protocol.mode(me, '#unknown', '+m', []), [], 'no TS, no TMODE');
    assert.equal(h.protocol.ping(), `:${SID} PING ${ME} :${UP}`);
    assert.deepEqual(h.protocol.goodbye('bye'), [`:${SID} SQUIT ${ME} :bye`]);
  });

  it('a split (by SID) takes its servers and users, with the nicks per channel; a split of us or the uplink ends the link', () => {
    const h = linked();
    h.feed(`:${UPSID} SID deep.test 3 3DP + :behind the leaf`);
    h.feed(`:${UPSID} SQUIT 2LF :Read error`);
    const [squit] = h.of('SQUIT');
    assert.deepEqual(squit?.args, {
      server: 'leaf.test', uplink: UP.toLowerCase(), users: [{ network: 'link', id: 'carol', nick: 'carol', host: 'carol@10.0.0.1', displayName: 'Carol' }],
      nicksByChannel: { '#lobby': ['carol'] }, affectedServers: ['leaf.test'],
    });
    assert.equal(h.state.user(CAROL), undefined);
    h.feed(`:${UPSID} SID leaf.test 2 2LF + :back`);
    assert.deepEqual(h.ignored, [], 'the SID is free again');
    h.feed(`:${ALICE} SQUIT ${ME} :bye`);
    assert.deepEqual(h.failures, [{ reason: 'the ircd split us off: bye', fatal: false }]);
  });

  it('malformed and unknown lines are ignored (and reported by kind), never thrown', () => {
    const h = linked();
    h.feed(
      `:${UPSID} UID short 1`, `:${UPSID} UID n 1 0 + u h h 0 ${ALICE.slice(0, 5)} * :bad uid`, `:${UPSID} UID alice 1 5 + u h h 0 0HYAAAAAZ * :nick in use`,
      `:${UPSID} SJOIN x #lobby + :`, `:${UPSID} SJOIN 5 nochannel + :${ALICE}`, `:${UPSID} SJOIN 5 #lobby + :0HYGHOST1`,
      `:${UPSID} FROBNICATE a`, ':0HYGHOST2 PRIVMSG #lobby :boo', `:${ALICE} PRIVMSG`, `:${ALICE} TMODE 1 #nowhere +o x`,
      `:${UPSID} BMASK 1 #lobby x :mask`, `:${UPSID} SID nodot 2 4XX + :x`, `:${UPSID} SID leaf.test 2 2LF + :again`,
    );
    assert.deepEqual(h.ignored, ['malformed', 'malformed', 'nick-collision', 'malformed', 'malformed', 'unknown-member', 'unknown-command', 'unknown-source', 'malformed', 'unknown-channel', 'malformed', 'malformed', 'server-collision']);
    assert.equal(h.of('MESSAGE').length, 0);
    assert.deepEqual(h.failures, []);
  });

  it('property: any sequence of lines leaves the protocol running and the state consistent', () => {
    checkAnyLinesKeepStateConsistent(linked, {
      sources: [ALICE, BOB, CAROL, UPSID, '2LF', '0HYGHOST1', ''],
      commands: ['UID', 'SID', 'SJOIN', 'JOIN', 'PART', 'QUIT', 'KICK', 'KILL', 'TMODE', 'MODE', 'BMASK', 'TOPIC', 'TBURST', 'PRIVMSG', 'SQUIT', 'NICK', 'AWAY', 'EOB', 'PING', 'SVSHOST', 'SVSACCOUNT', 'SVSMODE', 'XYZ'],
      words: [ALICE, BOB, CAROL, 'alice', '#lobby', '#x', UPSID, '2LF', SID, String(LOBBY_TS), '1', '0', '+o', '-v', `@${ALICE}`, '+nt', ':', '', ME, UP],
      maxParams: 12,
    });
  });
});
