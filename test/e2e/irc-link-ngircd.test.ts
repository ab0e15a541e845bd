/**
 * The server link (`protocol: irc-link`, `ircd: ngircd`) against a real ngIRCd: the adapter links
 * as a server with the link block the harness writes (test/support/configs/ngircd.ts, the one
 * docs/networks/irc-link.md shows), and independent raw clients on ngIRCd check what it does.
 */
import { after, before, describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { startNgircd, type IrcServer } from '../support/servers.js';
import { channelRef, LINK_NETWORK as NETWORK, makeLink as makeAnyLink, remote, type Link } from '../support/link-network.js';
import { waitFor } from '../support/wait.js';
import { rawInChannel } from './irc-test-bot.js';

const WAIT_MS = 10_000;

/**
 * A link adapter (not connected) for `server`, wanting `channels`; disconnected after the test.
 * The default nick template is PyLink's `{nick}/{network}`: ngIRCd refuses `/`, so it becomes `|`.
 */
function makeLink(t: TestContext, server: IrcServer, channels: readonly string[], options: Record<string, unknown> = {}): Link {
  return makeAnyLink(t, 'ngircd', server, channels, options);
}

describe('server link on ngIRCd', { timeout: 120_000 }, () => {
  let server: IrcServer;
  before(async () => {
    server = await startNgircd();
  });
  after(() => server?.stop());

  it('links, learns the burst, and a virtual client speaks natively (NAMES, WHOIS, PRIVMSG)', async (t) => {
    const alice = await rawInChannel(t, server, 'alice', '#lobby');
    const link = makeLink(t, server, ['#lobby']);
    await link.network.connect();
    const commands = link.events.map((e) => e.command);
    assert.ok(commands.includes('UID'), 'alice introduced in the burst');
    assert.deepEqual(link.events.filter((e) => e.command === 'ENDBURST').map((e) => e.args), [{ server: server.serverName }, { server: NETWORK }]);
    assert.deepEqual(link.network.members(channelRef('#lobby')).map((u) => u.nick), ['alice']);
    assert.equal(link.network.isModerator(channelRef('#lobby'), { network: NETWORK, id: 'alice', nick: 'alice' }), true, 'NJOIN carried @alice');
    await alice.waitForLine(/^:Switchboard!\S+ JOIN :?#lobby/i, WAIT_MS);

    await link.network.send({ target: { channel: channelRef('#lobby') }, kind: 'message', body: [{ type: 'text', text: 'hello from xmpp' }], asUser: remote('bob') });
    assert.match(await alice.waitForLine(/^:bob\|jabber!\S+ JOIN :?#lobby$/i, WAIT_MS), /^:bob\|jabber!bob@jabber\.bridge\.ngircd\.test JOIN/i);
    assert.match(await alice.waitForLine(/PRIVMSG #lobby :hello from xmpp$/, WAIT_MS), /^:bob\|jabber!bob@jabber\.bridge\.ngircd\.test PRIVMSG/);

    alice.send('NAMES #lobby');
    const names = await alice.waitForLine(/ 353 alice = #lobby :.*bob\|jabber/, WAIT_MS);
    assert.deepEqual(names.slice(names.indexOf(' :') + 2).split(' ').sort(), ['@alice', 'Switchboard', 'bob|jabber']);
    alice.send('WHOIS bob|jabber');
    assert.match(await alice.waitForLine(/ 311 alice bob\|jabber /, WAIT_MS), /bob\|jabber bob jabber\.bridge\.ngircd\.test \* :bob \(jabber\)$/);
    assert.match(await alice.waitForLine(/ 312 alice bob\|jabber /, WAIT_MS), /bridge\.ngircd\.test/);

    alice.send('PRIVMSG #lobby :hi \x02bob\x02');
    const message = await waitFor(() => link.events.find((e) => e.command === 'MESSAGE'), { timeoutMs: WAIT_MS, what: 'MESSAGE from alice' });
    assert.ok(message.command === 'MESSAGE');
    assert.equal(message.sender, 'alice');
    assert.deepEqual(message.args.channel, channelRef('#lobby'));
    assert.equal(message.args.message.author.nick, 'alice');
    alice.send('PRIVMSG bob|jabber :private hello');
    const direct = await waitFor(() => link.events.find((e) => e.command === 'MESSAGE' && e.args.channel === undefined), { timeoutMs: WAIT_MS, what: 'private MESSAGE' });
    assert.ok(direct.command === 'MESSAGE');
    assert.equal(direct.args.message.recipient?.nick, 'bob|jabber');

    alice.send('TOPIC #lobby :new topic');
    const topic = await waitFor(() => link.events.find((e) => e.command === 'TOPIC'), { timeoutMs: WAIT_MS, what: 'TOPIC' });
    assert.deepEqual(topic.args, { channel: channelRef('#lobby'), text: 'new topic', oldText: '', setter: 'alice' });
    alice.send('NICK alicia');
    const nick = await waitFor(() => link.events.find((e) => e.command === 'NICK'), { timeoutMs: WAIT_MS, what: 'NICK' });
    assert.ok(nick.command === 'NICK');
    assert.deepEqual([nick.args.oldNick, nick.args.newNick], ['alice', 'alicia']);
    alice.send('PART #lobby :bye');
    const part = await waitFor(() => link.events.find((e) => e.command === 'PART'), { timeoutMs: WAIT_MS, what: 'PART' });
    assert.ok(part.command === 'PART');
    assert.equal(part.args.user.nick, 'alicia');
    assert.deepEqual(link.network.members(channelRef('#lobby')), []);
  });

  it('links ten times in a row, each time with a full burst (no start-up race)', async (t) => {
    const carol = await rawInChannel(t, server, 'carol', '#race');
    for (let i = 0; i < 10; i++) {
      const link = makeLink(t, server, ['#race']);
      await link.network.connect();
      assert.ok(link.network.members(channelRef('#race')).some((u) => u.nick === 'carol'), `start ${i}: the burst has carol`);
      await link.network.send({ target: { channel: channelRef('#race') }, kind: 'message', body: [{ type: 'text', text: `start ${i}` }], asUser: remote('dave') });
      assert.match(await carol.waitForLine(new RegExp(`PRIVMSG #race :start ${i}$`), WAIT_MS), /^:dave\|jabber!/);
      await link.network.disconnect({ deadlineMs: 2000 });
      await carol.waitForLine(/^:dave\|jabber!\S+ QUIT /, WAIT_MS);
      assert.deepEqual(link.losses, [], 'a disconnect is not a lost connection');
    }
  });

  it('relinks after an ngIRCd restart with a fresh state (full resync)', async (t) => {
    const link = makeLink(t, server, ['#again']);
    await link.network.connect();
    await link.network.send({ target: { channel: channelRef('#again') }, kind: 'message', body: [{ type: 'text', text: 'before' }], asUser: remote('erin') });
    await server.restart();
    const loss = await waitFor(() => link.losses[0], { timeoutMs: WAIT_MS, what: 'connectionLost' });
    assert.equal(loss.wasSuccessful, true);
    assert.notEqual(loss.fatal, true);
    const frank = await rawInChannel(t, server, 'frank', '#again');
    await link.network.connect();
    assert.deepEqual(link.network.members(channelRef('#again')).map((u) => u.nick), ['frank'], 'the state is the new server\'s');
    await link.network.send({ target: { channel: channelRef('#again') }, kind: 'message', body: [{ type: 'text', text: 'after' }], asUser: remote('erin') });
    assert.match(await frank.waitForLine(/PRIVMSG #again :after$/, WAIT_MS), /^:erin\|jabber!/, 'the virtual client is introduced again');
  });

  it('refuses a wrong link password either way as fatal, and a rejected attempt reports no loss', async (t) => {
    const wrongAnswer = makeLink(t, server, [], { receivePassword: 'not-what-ngircd-sends' });
    await assert.rejects(wrongAnswer.network.connect(), (error: Error & { fatal?: boolean }) => {
      assert.match(error.message, /another link password than receivePassword/);
      return error.fatal === true;
    });
    const wrongSent = makeLink(t, server, [], { sendPassword: 'not-what-ngircd-expects' });
    await assert.rejects(wrongSent.network.connect(), (error: Error & { fatal?: boolean }) => {
      assert.match(error.message, /the ircd closed the link: .*password/i);
      return error.fatal === true;
    });
    assert.deepEqual([...wrongAnswer.losses, ...wrongSent.losses], []);
  });

  it('an oper KILL of a virtual client or of the service client is reported, and both come back; a kicked service client rejoins', async (t) => {
    const oper = await rawInChannel(t, server, 'oper1', '#kills');
    oper.send(`OPER ${server.operName} ${server.operPassword}`);
    await oper.waitForLine(/ 381 oper1 /, WAIT_MS);
    const link = makeLink(t, server, ['#kills'], { rejoinDelayMs: 50 });
    await link.network.connect();
    const say = (text: string): Promise<unknown> => link.network.send({ target: { channel: channelRef('#kills') }, kind: 'message', body: [{ type: 'text', text }], asUser: remote('gina') });
    await say('one');
    await oper.waitForLine(/^:gina\|jabber!\S+ PRIVMSG #kills :one$/, WAIT_MS);
    oper.send('KILL gina|jabber :go away');
    const kill = await waitFor(() => link.events.find((e) => e.command === 'KILL'), { timeoutMs: WAIT_MS, what: 'KILL' });
    assert.ok(kill.command === 'KILL');
    assert.equal(kill.args.target.nick, 'gina|jabber');
    assert.equal(kill.args.by?.nick, 'oper1');
    await say('two');
    await oper.waitForLine(/^:gina\|jabber!\S+ JOIN :?#kills$/, WAIT_MS);
    await oper.waitForLine(/^:gina\|jabber!\S+ PRIVMSG #kills :two$/, WAIT_MS);

    oper.send('KILL Switchboard :and you');
    await oper.waitForLine(/^:Switchboard!\S+ QUIT /, WAIT_MS);
    await oper.waitForLine(/^:Switchboard!\S+ JOIN :?#kills$/, WAIT_MS);
    oper.send('PRIVMSG #kills :still heard');
    await waitFor(() => link.events.find((e) => e.command === 'MESSAGE' && e.args.message.body.length > 0 && JSON.stringify(e.args.message.body).includes('still heard')), { timeoutMs: WAIT_MS, what: 'a message after the service client came back' });
    oper.send('KICK #kills Switchboard :out');
    const kick = await waitFor(() => link.events.find((e) => e.command === 'KICK'), { timeoutMs: WAIT_MS, what: 'KICK' });
    assert.ok(kick.command === 'KICK');
    assert.equal(kick.args.target.nick, 'Switchboard');
    await oper.waitForLine(/^:Switchboard!\S+ JOIN :?#kills$/, WAIT_MS);
    assert.deepEqual(link.losses, []);
  });

  it('a service nick someone holds gives the service client another nick, and the link still comes up', async (t) => {
    const squatter = await rawInChannel(t, server, 'Switchboard', '#squat');
    const link = makeLink(t, server, ['#squat']);
    await link.network.connect();
    assert.match(await squatter.waitForLine(/^:Switchboard_!\S+ JOIN :?#squat$/, WAIT_MS), /switchboard@bridge\.ngircd\.test/);
    assert.equal(link.network.botUser(channelRef('#squat'))?.nick, 'Switchboard_');
  });

  it('keeps a quiet link alive with its own PINGs, which ngIRCd answers (no timeout for 3 intervals)', async (t) => {
    const link = makeLink(t, server, ['#quiet'], { pingIntervalSec: 5 });
    await link.network.connect();
    // Nothing else happens on this link: without PONGs it would count as lost after 10 s.
    await new Promise((resolve) => setTimeout(resolve, 16_000));
    assert.deepEqual(link.losses, []);
    const dave = await rawInChannel(t, server, 'dave', '#quiet');
    dave.send('PRIVMSG #quiet :still linked');
    await waitFor(() => link.events.find((e) => e.command === 'MESSAGE'), { timeoutMs: WAIT_MS, what: 'a message over the quiet link' });
  });

  it('beyond maxVirtualClients the service client speaks for people, with their nick in front', async (t) => {
    const henry = await rawInChannel(t, server, 'henry', '#cap');
    const link = makeLink(t, server, ['#cap'], { maxVirtualClients: 1 });
    await link.network.connect();
    const say = (nick: string, text: string): Promise<unknown> => link.network.send({ target: { channel: channelRef('#cap') }, kind: 'message', body: [{ type: 'text', text }], asUser: remote(nick) });
    await say('ivy', 'first');
    await say('jack', 'second');
    assert.match(await henry.waitForLine(/PRIVMSG #cap :first$/, WAIT_MS), /^:ivy\|jabber!/);
    assert.match(await henry.waitForLine(/PRIVMSG #cap :<jack> second$/, WAIT_MS), /^:Switchboard!/);
  });
});
