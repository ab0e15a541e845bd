/**
 * The server link (`protocol: irc-link`, `ircd: inspircd`) against a real InspIRCd 3: the adapter
 * links as a server with the link block the harness writes (test/support/configs/inspircd.ts, the
 * one docs/networks/irc-link.md shows), and independent raw clients on InspIRCd check what it does.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspircdTlsConfig, makeCertificates } from '../support/certificates.js';
import { freePorts, LOOPBACK, startInspircd, type IrcServer } from '../support/servers.js';
import { channelRef, makeLink, remote, type Link } from '../support/link-network.js';
import { linkPeer, PEER, peerLinkBlock } from '../support/inspircd-peer.js';
import { connectRawIrc } from '../support/clients.js';
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

  it('links ten times in a row, each time with a full burst (no start-up race)', async (t) => {
    const carol = await rawInChannel(t, server, 'carol', '#race');
    for (let i = 0; i < 10; i++) {
      const link = makeLink(t, 'inspircd', server, ['#race']);
      await link.network.connect();
      assert.ok(link.network.members(channelRef('#race')).some((u) => u.nick === 'carol'), `start ${i}: the burst has carol`);
      await link.network.send({ target: { channel: channelRef('#race') }, kind: 'message', body: [{ type: 'text', text: `start ${i}` }], asUser: remote('dave') });
      assert.match(await carol.waitForLine(new RegExp(`PRIVMSG #race :start ${i}$`), WAIT_MS), /^(@\S+ )?:dave\/jabber!/);
      await link.network.disconnect({ deadlineMs: 2000 });
      await carol.waitForLine(/^(@\S+ )?:dave\/jabber!\S+ QUIT /, WAIT_MS);
      assert.deepEqual(link.losses, [], 'a disconnect is not a lost connection');
    }
  });

  it('refuses a wrong link password either way as fatal, and a rejected attempt reports no loss', async (t) => {
    const wrongAnswer = makeLink(t, 'inspircd', server, [], { receivePassword: 'not-what-inspircd-sends' });
    await assert.rejects(wrongAnswer.network.connect(), (error: Error & { fatal?: boolean }) => {
      assert.match(error.message, /another link password than receivePassword/);
      return error.fatal === true;
    });
    const wrongSent = makeLink(t, 'inspircd', server, [], { sendPassword: 'not-what-inspircd-expects' });
    await assert.rejects(wrongSent.network.connect(), (error: Error & { fatal?: boolean }) => {
      assert.match(error.message, /the ircd closed the link: Mismatched server name or password/);
      return error.fatal === true;
    });
    assert.deepEqual([...wrongAnswer.losses, ...wrongSent.losses], []);
  });

  it('keeps a quiet link alive with its own PINGs, which InspIRCd answers (no timeout for 3 intervals)', async (t) => {
    const link = makeLink(t, 'inspircd', server, ['#quiet'], { pingIntervalSec: 5 });
    await link.network.connect();
    // Nothing else happens on this link: without PONGs it would count as lost after 10 s.
    await new Promise((resolve) => setTimeout(resolve, 16_000));
    assert.deepEqual(link.losses, []);
    const dave = await rawInChannel(t, server, 'dave', '#quiet');
    dave.send('PRIVMSG #quiet :still linked');
    await waitFor(() => link.events.find((e) => e.command === 'MESSAGE'), { timeoutMs: WAIT_MS, what: 'a message over the quiet link' });
  });

  // Last: it restarts the server.
  it('relinks after an InspIRCd restart with a fresh state (full resync)', async (t) => {
    const link = makeLink(t, 'inspircd', server, ['#again']);
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
    assert.match(await frank.waitForLine(/PRIVMSG #again :after$/, WAIT_MS), /^(@\S+ )?:erin\/jabber!/, 'the virtual client is introduced again');
  });
});

describe('server link on InspIRCd without a U-line, and a second, hand-driven server', { timeout: 120_000 }, () => {
  let server: IrcServer;
  before(async () => {
    // The peer's link block needs a port attribute; nothing listens there. Without the U-line,
    // users may kick the link's clients (InspIRCd refuses kicks of U-lined clients).
    const [unused = 1] = await freePorts(1);
    server = await startInspircd({ extraConfig: `${peerLinkBlock(unused)}<module name="chghost">\n<module name="knock">\n`, ulinedLink: false });
  });
  after(() => server?.stop());

  async function linked(t: Parameters<typeof makeLink>[0], channels: readonly string[]): Promise<Link> {
    const link = makeLink(t, 'inspircd', server, channels);
    await link.network.connect();
    return link;
  }

  it('a channel TS older than ours from a merging server wins: the link lowers its TS and drops the old modes', async (t) => {
    const link = await linked(t, ['#old']);
    const ours = link.network.linkState.channel('#old')?.ts;
    assert.ok(ours, 'the link created #old with its TS');
    const watcher = await rawInChannel(t, server, 'watcher', '#old');
    const peer = await linkPeer(t, server, WAIT_MS);
    const older = ours - 1000;
    peer.send(`:${PEER.sid} UID ${PEER.sid}AAAAAA ${older} founder 10.9.9.9 10.9.9.9 founder 10.9.9.9 ${older} + :Founder`);
    peer.send(`:${PEER.sid} FJOIN #old ${older} +ntm :o,${PEER.sid}AAAAAA:1`);
    peer.endBurst();
    await watcher.waitForLine(/NOTICE #old :.*[Cc]reation time/, WAIT_MS);
    const join = await waitFor(() => link.events.find((e) => e.command === 'JOIN' && e.args.users.some((u) => u.nick === 'founder')), { timeoutMs: WAIT_MS, what: 'the merge FJOIN' });
    assert.ok(join.command === 'JOIN');
    assert.equal(join.args.ts, older);
    const channel = link.network.linkState.channel('#old');
    assert.equal(channel?.ts, older, 'the older TS is the channel\'s now');
    assert.equal(link.network.isModerator(channelRef('#old'), { network: 'link', id: 'founder', nick: 'founder' }), true, 'the winner\'s prefixes apply');
    assert.equal(channel?.modes.has('m'), true, 'the winner\'s modes apply');
    // The link goes on in the channel with the new TS: a virtual client joins and speaks.
    await link.network.send({ target: { channel: channelRef('#old') }, kind: 'message', body: [{ type: 'text', text: 'after the merge' }], asUser: remote('hal') });
    assert.match(await watcher.waitForLine(/PRIVMSG #old :after the merge$/, WAIT_MS), /^(@\S+ )?:hal\/jabber!/);
    // The peer splits: its users quit, as one SQUIT.
    await peer.close();
    const squit = await waitFor(() => link.events.find((e) => e.command === 'SQUIT'), { timeoutMs: WAIT_MS, what: 'SQUIT of the peer' });
    assert.ok(squit.command === 'SQUIT');
    assert.deepEqual([squit.args.server, squit.args.users.map((u) => u.nick)], [PEER.name, ['founder']]);
    assert.deepEqual(link.losses, []);
  });

  it('an oper KILL of a virtual client or of the service client is reported, and both come back; a kicked service client rejoins', async (t) => {
    const oper = await rawInChannel(t, server, 'oper1', '#kills');
    oper.send(`OPER ${server.operName} ${server.operPassword}`);
    await oper.waitForLine(/ 381 oper1 /, WAIT_MS);
    const link = makeLink(t, 'inspircd', server, ['#kills'], { rejoinDelayMs: 50 });
    await link.network.connect();
    assert.ok(link.events.some((e) => e.command === 'CLIENT_OPERED' && e.args.user.nick === 'oper1' && e.args.operType === 'NetAdmin'), 'OPERTYPE in the burst');
    const say = (text: string): Promise<unknown> => link.network.send({ target: { channel: channelRef('#kills') }, kind: 'message', body: [{ type: 'text', text }], asUser: remote('gina') });
    await say('one');
    await oper.waitForLine(/^(@\S+ )?:gina\/jabber!\S+ PRIVMSG #kills :one$/, WAIT_MS);
    oper.send('KILL gina/jabber :go away');
    const kill = await waitFor(() => link.events.find((e) => e.command === 'KILL'), { timeoutMs: WAIT_MS, what: 'KILL' });
    assert.ok(kill.command === 'KILL');
    assert.equal(kill.args.target.nick, 'gina/jabber');
    assert.equal(kill.args.by?.nick, 'oper1');
    await say('two');
    await oper.waitForLine(/^(@\S+ )?:gina\/jabber!\S+ JOIN :?#kills$/, WAIT_MS);
    await oper.waitForLine(/^(@\S+ )?:gina\/jabber!\S+ PRIVMSG #kills :two$/, WAIT_MS);

    oper.send('KILL Switchboard :and you');
    await oper.waitForLine(/^(@\S+ )?:Switchboard!\S+ QUIT /, WAIT_MS);
    await oper.waitForLine(/^(@\S+ )?:Switchboard!\S+ JOIN :?#kills$/, WAIT_MS);
    oper.send('PRIVMSG #kills :still heard');
    await waitFor(() => link.events.find((e) => e.command === 'MESSAGE' && JSON.stringify(e.args.message.body).includes('still heard')), { timeoutMs: WAIT_MS, what: 'a message after the service client came back' });
    oper.send('KICK #kills Switchboard :out');
    const kick = await waitFor(() => link.events.find((e) => e.command === 'KICK'), { timeoutMs: WAIT_MS, what: 'KICK' });
    assert.ok(kick.command === 'KICK');
    assert.equal(kick.args.target.nick, 'Switchboard');
    await oper.waitForLine(/^(@\S+ )?:Switchboard!\S+ JOIN :?#kills$/, WAIT_MS);
    oper.send('CHGHOST gina/jabber changed.example');
    const chghost = await waitFor(() => link.events.find((e) => e.command === 'CHGHOST'), { timeoutMs: WAIT_MS, what: 'CHGHOST of a virtual client' });
    assert.ok(chghost.command === 'CHGHOST');
    assert.equal(chghost.args.newHost, 'changed.example');
    await say('three');
    assert.match(await oper.waitForLine(/PRIVMSG #kills :three$/, WAIT_MS), /^(@\S+ )?:gina\/jabber!gina@changed\.example /, 'InspIRCd took the FHOST');
    assert.deepEqual(link.losses, []);
  });

  it('a KNOCK on an invite-only channel reaches the link as KNOCK', async (t) => {
    const op = await rawInChannel(t, server, 'gatekeeper', '#locked');
    op.send('MODE #locked +i');
    await op.waitForLine(/ MODE #locked :?\+i$/, WAIT_MS);
    const link = await linked(t, ['#locked']);
    const knocker = await connectRawIrc({ host: server.host, port: server.port, nick: 'knocker', timeoutMs: WAIT_MS });
    t.after(() => knocker.close());
    knocker.send('KNOCK #locked :let me in');
    const knock = await waitFor(() => link.events.find((e) => e.command === 'KNOCK'), { timeoutMs: WAIT_MS, what: 'KNOCK' });
    assert.ok(knock.command === 'KNOCK');
    assert.deepEqual([knock.args.channel.id, knock.args.user.nick, knock.args.text], ['#locked', 'knocker', 'let me in']);
  });

  it('a nick collision with a virtual client: the loser is SAVEd to its uid, on both sides, then force-tagged, and the link goes on', async (t) => {
    const link = await linked(t, ['#clash']);
    const watcher = await rawInChannel(t, server, 'watcher2', '#clash');
    const say = (nick: string, text: string): Promise<unknown> => link.network.send({ target: { channel: channelRef('#clash') }, kind: 'message', body: [{ type: 'text', text }], asUser: remote(nick) });
    await say('kim', 'first');
    await watcher.waitForLine(/^(@\S+ )?:kim\/jabber!\S+ PRIVMSG #clash :first$/, WAIT_MS);
    const kim = link.network.linkState.userByNick('kim/jabber');
    assert.ok(kim);
    const peer = await linkPeer(t, server, WAIT_MS);
    const now = Math.floor(Date.now() / 1000);
    // An older kim/jabber from another person: ours loses (InspIRCd's rule), and is SAVEd.
    peer.send(`:${PEER.sid} UID ${PEER.sid}AAAAAB ${now - 5000} kim/jabber 10.9.9.8 10.9.9.8 other 10.9.9.8 ${now - 5000} + :Other Kim`);
    // A newer lee/jabber after ours: the peer's loses and reaches us as its uid.
    await say('lee', 'second');
    await watcher.waitForLine(/^(@\S+ )?:lee\/jabber!\S+ PRIVMSG #clash :second$/, WAIT_MS);
    peer.send(`:${PEER.sid} UID ${PEER.sid}AAAAAC ${now + 5000} lee/jabber 10.9.9.7 10.9.9.7 other 10.9.9.7 ${now + 5000} + :Other Lee`);
    peer.endBurst();
    assert.match(await watcher.waitForLine(new RegExp(`^(@\\S+ )?:kim/jabber!\\S+ NICK :?${kim.uid}$`), WAIT_MS), /NICK/);
    const save = await waitFor(() => link.events.find((e) => e.command === 'SAVE'), { timeoutMs: WAIT_MS, what: 'SAVE' });
    assert.ok(save.command === 'SAVE');
    assert.deepEqual([save.args.oldNick, save.args.target.nick], ['kim/jabber', kim.uid]);
    await waitFor(() => link.network.linkState.user(`${PEER.sid}AAAAAC`), { timeoutMs: WAIT_MS, what: 'the peer\'s lee' });
    const state = link.network.linkState;
    assert.equal(state.userByNick('kim/jabber')?.uid, `${PEER.sid}AAAAAB`, 'the peer\'s kim holds the nick');
    assert.equal(state.user(`${PEER.sid}AAAAAC`)?.nick, `${PEER.sid}AAAAAC`, 'the peer\'s lee came in as its uid');
    assert.equal(state.userByNick('lee/jabber')?.own, true, 'ours kept lee/jabber');
    // PyLink's rule: ours does not stay on its uid, it takes kim's next tagged nick; no desync.
    const tagged = await watcher.waitForLine(new RegExp(`^(@\\S+ )?:${kim.uid}!\\S+ NICK :?kim\\S*jabber$`), WAIT_MS);
    const newNick = tagged.replace(/^.* NICK :?/, '');
    assert.notEqual(newNick, 'kim/jabber');
    assert.equal(state.userByNick(newNick)?.uid, kim.uid);
    await say('kim', 'still here');
    assert.equal(await watcher.waitForLine(/PRIVMSG #clash :still here$/, WAIT_MS).then((l) => l.replace(/^@\S+ /, '').split('!')[0]), `:${newNick}`);
    assert.deepEqual(link.losses, []);
  });
});

describe('server link on InspIRCd over TLS', { timeout: 60_000 }, () => {
  let server: IrcServer;
  let dir: string;
  let linkTlsPort: number;
  let certs: ReturnType<typeof makeCertificates>;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sb-link-tls-'));
    certs = makeCertificates(dir);
    const [clientTlsPort = 0, port = 0] = await freePorts(2);
    linkTlsPort = port;
    server = await startInspircd({
      extraConfig: `${inspircdTlsConfig(certs, LOOPBACK, clientTlsPort)}<bind address="${LOOPBACK}" port="${linkTlsPort}" type="servers" sslprofile="Clients">\n`,
    });
  });
  after(async () => {
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('links over TLS, trusting the self-signed certificate through tlsCa, and refuses it without', async (t) => {
    const untrusted = makeLink(t, 'inspircd', server, [], { port: linkTlsPort, tls: true });
    await assert.rejects(untrusted.network.connect(), /certificate/i);
    const ivy = await rawInChannel(t, server, 'ivy', '#secure');
    const link = makeLink(t, 'inspircd', server, ['#secure'], { port: linkTlsPort, tls: true, tlsCa: certs.cert });
    await link.network.connect();
    await link.network.send({ target: { channel: channelRef('#secure') }, kind: 'message', body: [{ type: 'text', text: 'over tls' }], asUser: remote('jo') });
    assert.match(await ivy.waitForLine(/PRIVMSG #secure :over tls$/, WAIT_MS), /^(@\S+ )?:jo\/jabber!/);
  });
});
