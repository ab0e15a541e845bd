/**
 * The server link (`protocol: irc-link`, `ircd: inspircd`) against a real InspIRCd 3: the adapter
 * links as a server with the link block the harness writes (test/support/configs/inspircd.ts, the
 * one docs/networks/irc-link.md shows), and independent raw clients on InspIRCd check what it does.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startInspircd, type IrcServer } from '../support/servers.js';
import { channelRef, makeLink, remote } from '../support/link-network.js';
import { waitFor } from '../support/wait.js';
import { rawInChannel } from './irc-test-bot.js';

const WAIT_MS = 10_000;

describe('server link on InspIRCd', { timeout: 120_000 }, () => {
  let server: IrcServer;
  before(async () => {
    server = await startInspircd();
  });
  after(() => server?.stop());

  it('links, learns the burst, and a virtual client speaks natively (NAMES, WHOIS, PRIVMSG)', async (t) => {
    const alice = await rawInChannel(t, server, 'alice', '#lobby');
    const link = makeLink(t, 'inspircd', server, ['#lobby']);
    await link.network.connect();
    const commands = link.events.map((e) => e.command);
    assert.ok(commands.includes('UID'), 'alice introduced in the burst');
    assert.deepEqual(link.events.filter((e) => e.command === 'ENDBURST').map((e) => e.args), [{ server: server.serverName }, { server: 'link' }]);
    assert.deepEqual(link.network.members(channelRef('#lobby')).map((u) => u.nick), ['alice']);
    assert.equal(link.network.isModerator(channelRef('#lobby'), { network: 'link', id: 'alice', nick: 'alice' }), true, 'FJOIN carried o,alice');
    await alice.waitForLine(/^:Switchboard!\S+ JOIN :?#lobby/i, WAIT_MS);

    await link.network.send({ target: { channel: channelRef('#lobby') }, kind: 'message', body: [{ type: 'text', text: 'hello from xmpp' }], asUser: remote('bob') });
    assert.match(await alice.waitForLine(/^:bob\/jabber!\S+ JOIN :?#lobby$/i, WAIT_MS), /^:bob\/jabber!bob@jabber\.bridge\.inspircd\.test JOIN/i);
    assert.match(await alice.waitForLine(/PRIVMSG #lobby :hello from xmpp$/, WAIT_MS), /^(@\S+ )?:bob\/jabber!bob@jabber\.bridge\.inspircd\.test PRIVMSG/);

    alice.send('NAMES #lobby');
    const names = await alice.waitForLine(/ 353 alice = #lobby :.*bob\/jabber/, WAIT_MS);
    assert.deepEqual(names.slice(names.indexOf(' :') + 2).trim().split(' ').sort(), ['@alice', 'Switchboard', 'bob/jabber']);
    alice.send('WHOIS bob/jabber');
    assert.match(await alice.waitForLine(/ 311 alice bob\/jabber /, WAIT_MS), /bob\/jabber bob jabber\.bridge\.inspircd\.test \* :bob \(jabber\)$/);
    assert.match(await alice.waitForLine(/ 312 alice bob\/jabber /, WAIT_MS), /bridge\.inspircd\.test/);
    await alice.waitForLine(/ 318 alice bob\/jabber /, WAIT_MS);
    // A remote WHOIS asks the user's server (IDLE): it must answer, or the WHOIS never ends.
    alice.send('WHOIS bob/jabber bob/jabber');
    assert.match(await alice.waitForLine(/ 317 alice bob\/jabber /, WAIT_MS), / 317 alice bob\/jabber 0 [0-9]+ :/);
    await alice.waitForLine(/ 318 alice bob\/jabber /, WAIT_MS);
    assert.ok(link.events.some((e) => e.command === 'WHOIS' && e.args.target.nick === 'bob/jabber'), 'the WHOIS (IDLE) was reported');

    alice.send('PRIVMSG #lobby :hi \x02bob\x02');
    const message = await waitFor(() => link.events.find((e) => e.command === 'MESSAGE'), { timeoutMs: WAIT_MS, what: 'MESSAGE from alice' });
    assert.ok(message.command === 'MESSAGE');
    assert.equal(message.sender, 'alice');
    assert.deepEqual(message.args.channel, channelRef('#lobby'));
    assert.equal(message.args.message.author.nick, 'alice');
    alice.send('PRIVMSG bob/jabber :private hello');
    const direct = await waitFor(() => link.events.find((e) => e.command === 'MESSAGE' && e.args.channel === undefined), { timeoutMs: WAIT_MS, what: 'private MESSAGE' });
    assert.ok(direct.command === 'MESSAGE');
    assert.equal(direct.args.message.recipient?.nick, 'bob/jabber');

    alice.send('TOPIC #lobby :new topic');
    const topic = await waitFor(() => link.events.find((e) => e.command === 'TOPIC'), { timeoutMs: WAIT_MS, what: 'TOPIC' });
    assert.deepEqual(topic.args, { channel: channelRef('#lobby'), text: 'new topic', oldText: '', setter: 'alice' });
    alice.send('MODE #lobby +v bob/jabber');
    const mode = await waitFor(() => link.events.find((e) => e.command === 'MODE'), { timeoutMs: WAIT_MS, what: 'MODE' });
    assert.ok(mode.command === 'MODE');
    assert.deepEqual(mode.args.modes, [{ mode: '+v', arg: 'bob/jabber' }]);
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
});
