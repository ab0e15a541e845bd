/**
 * The server link (`protocol: irc-link`, `ircd: hybrid`) against a real ircd-hybrid 8.2: the
 * adapter links as a TS6 server with the connect {} block the harness writes
 * (test/support/configs/hybrid.ts, the one docs/networks/irc-link.md shows), and independent raw
 * clients on hybrid check what it does. ircd-hybrid comes from scripts/ircd-hybrid.sh: when it
 * cannot be had, these tests fail (they do not skip).
 */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import type { HybridProtocol } from '../../src/networks/irc-link/protocols/hybrid.js';
import type { LinkUser } from '../../src/networks/irc-link/state.js';
import { startHybrid } from '../support/servers.js';
import { makeLink } from '../support/link-network.js';
import { waitFor } from '../support/wait.js';
import { checkOperKill, commonLinkTests, describeOnIrcd, expectFatalRefusal, say, WAIT_MS, type LinkIrcdTraits } from './irc-link-cases.js';
import { rawInChannel } from './irc-test-bot.js';

const HYBRID: LinkIrcdTraits = {
  ircd: 'hybrid', label: 'hybrid', separator: '|', burstJoin: 'SJOIN', modeEvents: true, noIgnoredLines: true,
  wrongPasswordReason: /the ircd closed the link: .*Invalid password/i,
};

describeOnIrcd('server link on ircd-hybrid', 180_000, () => startHybrid(), (server) => {
  commonLinkTests(HYBRID, server, {
    seen: { afterBurst: (link) => assert.ok(link.network.linkState.channel('#lobby')?.ts, 'the channel TS from SJOIN') },
  });

  it('refuses a server name it has no connect {} block for as fatal, and a rejected attempt reports no loss', async (t) => {
    const unknown = makeLink(t, 'hybrid', server(), [], { serverName: 'stranger.hybrid.test' });
    await expectFatalRefusal(unknown, /No connect \{\} block/);
    assert.deepEqual(unknown.losses, []);
  });

  it('an oper KILL of a virtual client or of the service client is reported, and both come back; a kicked service client rejoins', (t) => checkOperKill(t, HYBRID, server(), {
    onKill: (kill) => assert.equal(kill.args.reason, 'go away'),
  }));

  it('a nick collision (our client introduced with a nick hybrid already has) costs only our client: no desync, no crash', async (t) => {
    const kim = await rawInChannel(t, server(), 'kim', '#clash');
    kim.send('NICK kim|jabber');
    await kim.waitForLine(/^:kim!\S+ NICK :?kim\|jabber$/, WAIT_MS);
    const link = makeLink(t, 'hybrid', server(), ['#clash']);
    await link.network.connect();
    // Forget kim, as if her UID had crossed ours on the wire: our next client takes her nick.
    const known = link.network.linkState.userByNick('kim|jabber');
    assert.ok(known, 'the burst has kim|jabber');
    link.network.linkState.removeUser(known.uid);
    const theirTs = Math.floor(known.signonTs / 1000);
    // Ours must be newer than hers (the same second would kill both, as TS6 wants).
    await waitFor(() => Math.floor(Date.now() / 1000) > theirTs || undefined, { timeoutMs: 3000, what: 'the next second' });
    await say(link, '#clash', 'kim', 'who am I');
    const kill = await waitFor(() => link.events.find((e) => e.command === 'KILL'), { timeoutMs: WAIT_MS, what: 'the collision KILL' });
    assert.ok(kill.command === 'KILL');
    assert.deepEqual([kill.args.target.nick, kill.args.by, kill.args.reason], ['kim|jabber', undefined, 'Nick collision (new)']);
    assert.equal(link.network.linkState.userByNick('kim|jabber'), undefined, 'our client is gone from the state');
    kim.send('PING :still-here');
    await kim.waitForLine(/ PONG .*still-here/, WAIT_MS);
    await say(link, '#clash', 'lee', 'the link goes on');
    assert.match(await kim.waitForLine(/PRIVMSG #clash :the link goes on$/, WAIT_MS), /^:lee\|jabber!/);
    assert.deepEqual(link.losses, []);
  });

  it('hybrid takes the KICK, TOPIC and TMODE lines the protocol builds for the conflict rules', async (t) => {
    const ivy = await rawInChannel(t, server(), 'ivy', '#rules');
    const link = makeLink(t, 'hybrid', server(), ['#rules']);
    await link.network.connect();
    await ivy.waitForLine(/^:Switchboard!\S+ JOIN :?#rules$/, WAIT_MS);
    // The adapter does not use these yet: reach its protocol and writer as the conflict rules will.
    const inner = link.network as unknown as { server: HybridProtocol; service: LinkUser; write(...lines: string[]): void };
    const { server: protocol, service } = inner;
    inner.write(...protocol.topic(service, '#rules', 'set over the link'));
    await ivy.waitForLine(/^:Switchboard!\S+ TOPIC #rules :set over the link$/, WAIT_MS);
    inner.write(...protocol.mode(undefined, '#rules', '+mv', ['Switchboard']));
    await ivy.waitForLine(/^:bridge\.hybrid\.test MODE #rules \+mv Switchboard$/, WAIT_MS);
    const target = link.network.linkState.userByNick('ivy');
    assert.ok(target);
    inner.write(...protocol.kick(service, '#rules', target, 'rules are rules'));
    await ivy.waitForLine(/^:Switchboard!\S+ KICK #rules ivy :rules are rules$/, WAIT_MS);
    assert.deepEqual(link.losses, []);
    assert.equal(link.network.ignoredLines, 0);
  });
});
