/**
 * The server link (`protocol: irc-link`, `ircd: inspircd`) against a real InspIRCd 3: the adapter
 * links as a server with the link block the harness writes (test/support/configs/inspircd.ts, the
 * one docs/networks/irc-link.md shows), and independent raw clients on InspIRCd check what it does.
 */
import { after, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspircdTlsConfig, makeCertificates } from '../support/certificates.js';
import { freePorts, LOOPBACK, startInspircd, type IrcServer } from '../support/servers.js';
import { channelRef, makeLink, type Link } from '../support/link-network.js';
import { linkPeer, PEER, peerLinkBlock } from '../support/inspircd-peer.js';
import { connectRawIrc } from '../support/clients.js';
import { waitFor } from '../support/wait.js';
import { checkOperKill, commonLinkTests, describeOnIrcd, say, WAIT_MS, type LinkIrcdTraits } from './irc-link-cases.js';
import { rawInChannel } from './irc-test-bot.js';

const INSPIRCD: LinkIrcdTraits = {
  ircd: 'inspircd', label: 'InspIRCd', separator: '/', burstJoin: 'FJOIN', modeEvents: true, noIgnoredLines: false,
  wrongPasswordReason: /the ircd closed the link: Mismatched server name or password/,
};

describeOnIrcd('server link on InspIRCd', 120_000, () => startInspircd(), (server) => {
  commonLinkTests(INSPIRCD, server, {
    seen: {
      afterWhois: async (link, alice) => {
        await alice.waitForLine(/ 318 alice bob\/jabber /, WAIT_MS);
        // A remote WHOIS asks the user's server (IDLE): it must answer, or the WHOIS never ends.
        alice.send('WHOIS bob/jabber bob/jabber');
        assert.match(await alice.waitForLine(/ 317 alice bob\/jabber /, WAIT_MS), / 317 alice bob\/jabber 0 [0-9]+ :/);
        await alice.waitForLine(/ 318 alice bob\/jabber /, WAIT_MS);
        assert.ok(link.events.some((e) => e.command === 'WHOIS' && e.args.target.nick === 'bob/jabber'), 'the WHOIS (IDLE) was reported');
      },
    },
  });
});

/**
 * InspIRCd without the U-line, so users may kick the link's clients (InspIRCd refuses kicks of
 * U-lined clients), and with a link block for a peer; its port attribute is needed, but nothing
 * listens there.
 */
async function startUnUlined(): Promise<IrcServer> {
  const [unused = 1] = await freePorts(1);
  return startInspircd({ extraConfig: `${peerLinkBlock(unused)}<module name="chghost">\n<module name="knock">\n`, ulinedLink: false });
}

describeOnIrcd('server link on InspIRCd without a U-line, and a second, hand-driven server', 120_000, startUnUlined, (server) => {
  async function linked(t: Parameters<typeof makeLink>[0], channels: readonly string[]): Promise<Link> {
    const link = makeLink(t, 'inspircd', server(), channels);
    await link.network.connect();
    return link;
  }

  it('a channel TS older than ours from a merging server wins: the link lowers its TS and drops the old modes', async (t) => {
    const link = await linked(t, ['#old']);
    const ours = link.network.linkState.channel('#old')?.ts;
    assert.ok(ours, 'the link created #old with its TS');
    const watcher = await rawInChannel(t, server(), 'watcher', '#old');
    const peer = await linkPeer(t, server(), WAIT_MS);
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
    await say(link, '#old', 'hal', 'after the merge');
    assert.match(await watcher.waitForLine(/PRIVMSG #old :after the merge$/, WAIT_MS), /^(@\S+ )?:hal\/jabber!/);
    // The peer splits: its users quit, as one SQUIT.
    await peer.close();
    const squit = await waitFor(() => link.events.find((e) => e.command === 'SQUIT'), { timeoutMs: WAIT_MS, what: 'SQUIT of the peer' });
    assert.ok(squit.command === 'SQUIT');
    assert.deepEqual([squit.args.server, squit.args.users.map((u) => u.nick)], [PEER.name, ['founder']]);
    assert.deepEqual(link.losses, []);
  });

  it('an oper KILL of a virtual client or of the service client is reported, and both come back; a kicked service client rejoins', (t) => checkOperKill(t, INSPIRCD, server(), {
    afterConnect: (link) => {
      assert.ok(link.events.some((e) => e.command === 'CLIENT_OPERED' && e.args.user.nick === 'oper1' && e.args.operType === 'NetAdmin'), 'OPERTYPE in the burst');
    },
    atEnd: async (link, oper) => {
      oper.send('CHGHOST gina/jabber changed.example');
      const chghost = await waitFor(() => link.events.find((e) => e.command === 'CHGHOST'), { timeoutMs: WAIT_MS, what: 'CHGHOST of a virtual client' });
      assert.ok(chghost.command === 'CHGHOST');
      assert.equal(chghost.args.newHost, 'changed.example');
      await say(link, '#kills', 'gina', 'three');
      assert.match(await oper.waitForLine(/PRIVMSG #kills :three$/, WAIT_MS), /^(@\S+ )?:gina\/jabber!gina@changed\.example /, 'InspIRCd took the FHOST');
    },
  }));

  it('a KNOCK on an invite-only channel reaches the link as KNOCK', async (t) => {
    const op = await rawInChannel(t, server(), 'gatekeeper', '#locked');
    op.send('MODE #locked +i');
    await op.waitForLine(/ MODE #locked :?\+i$/, WAIT_MS);
    const link = await linked(t, ['#locked']);
    const knocker = await connectRawIrc({ host: server().host, port: server().port, nick: 'knocker', timeoutMs: WAIT_MS });
    t.after(() => knocker.close());
    knocker.send('KNOCK #locked :let me in');
    const knock = await waitFor(() => link.events.find((e) => e.command === 'KNOCK'), { timeoutMs: WAIT_MS, what: 'KNOCK' });
    assert.ok(knock.command === 'KNOCK');
    assert.deepEqual([knock.args.channel.id, knock.args.user.nick, knock.args.text], ['#locked', 'knocker', 'let me in']);
  });

  it('a nick collision with a virtual client: the loser is SAVEd to its uid, on both sides, then force-tagged, and the link goes on', async (t) => {
    const link = await linked(t, ['#clash']);
    const watcher = await rawInChannel(t, server(), 'watcher2', '#clash');
    await say(link, '#clash', 'kim', 'first');
    await watcher.waitForLine(/^(@\S+ )?:kim\/jabber!\S+ PRIVMSG #clash :first$/, WAIT_MS);
    const kim = link.network.linkState.userByNick('kim/jabber');
    assert.ok(kim);
    const peer = await linkPeer(t, server(), WAIT_MS);
    const now = Math.floor(Date.now() / 1000);
    // An older kim/jabber from another person: ours loses (InspIRCd's rule), and is SAVEd.
    peer.send(`:${PEER.sid} UID ${PEER.sid}AAAAAB ${now - 5000} kim/jabber 10.9.9.8 10.9.9.8 other 10.9.9.8 ${now - 5000} + :Other Kim`);
    // A newer lee/jabber after ours: the peer's loses and reaches us as its uid.
    await say(link, '#clash', 'lee', 'second');
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
    await say(link, '#clash', 'kim', 'still here');
    assert.equal(await watcher.waitForLine(/PRIVMSG #clash :still here$/, WAIT_MS).then((l) => l.replace(/^@\S+ /, '').split('!')[0]), `:${newNick}`);
    assert.deepEqual(link.losses, []);
  });
});

/** The TLS suite's certificates (in a temp dir) and the InspIRCd port for server links over TLS. */
const tls = { dir: '', linkPort: 0, certs: undefined as ReturnType<typeof makeCertificates> | undefined };

/** InspIRCd with TLS for clients and a TLS listener for server links, on a fresh self-signed certificate. */
async function startWithTls(): Promise<IrcServer> {
  tls.dir = mkdtempSync(join(tmpdir(), 'sb-link-tls-'));
  tls.certs = makeCertificates(tls.dir);
  const [clientTlsPort = 0, linkPort = 0] = await freePorts(2);
  tls.linkPort = linkPort;
  return startInspircd({
    extraConfig: `${inspircdTlsConfig(tls.certs, LOOPBACK, clientTlsPort)}<bind address="${LOOPBACK}" port="${linkPort}" type="servers" sslprofile="Clients">\n`,
  });
}

describeOnIrcd('server link on InspIRCd over TLS', 60_000, startWithTls, (server) => {
  after(() => {
    if (tls.dir) rmSync(tls.dir, { recursive: true, force: true });
  });

  it('links over TLS, trusting the self-signed certificate through tlsCa, and refuses it without', async (t) => {
    const untrusted = makeLink(t, 'inspircd', server(), [], { port: tls.linkPort, tls: true });
    await assert.rejects(untrusted.network.connect(), /certificate/i);
    const ivy = await rawInChannel(t, server(), 'ivy', '#secure');
    const link = makeLink(t, 'inspircd', server(), ['#secure'], { port: tls.linkPort, tls: true, tlsCa: tls.certs?.cert });
    await link.network.connect();
    await say(link, '#secure', 'jo', 'over tls');
    assert.match(await ivy.waitForLine(/PRIVMSG #secure :over tls$/, WAIT_MS), /^(@\S+ )?:jo\/jabber!/);
  });
});
