/**
 * PyLink's conflict rules through the server link (real ngIRCd or InspIRCd, and Prosody,
 * independent clients on each side): an SVSNICK of a virtual client force-tags it; a split of
 * the link's other side is relayed as quits; a killed virtual client comes back; a kick of one is
 * relayed to the person's network when the bridge can kick there, else undone with a notice to
 * the kicker; with a claim, topic and mode changes made on IRC are reverted and kicks of remote
 * people refused. A second, hand-driven server on the ircd sends the SVSNICK and splits off.
 * InspIRCd runs without the harness's U-line on the link (users may not kick U-lined clients).
 */
import { after, before, describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { xml, type RawIrcClient, type TestXmppClient } from '../support/clients.js';
import { freePorts } from '../support/servers.js';
import { linkPeer, peerLinkBlock, PEER } from '../support/inspircd-peer.js';
import { linkOptions } from '../support/link-network.js';
import { ircLinkConfigSchema } from '../../src/networks/irc-link/config.js';
import { startBridge, bodyOf, WAIT_MS, IRC_CHANNEL, XMPP_BOT_NICK, type BridgeSetup } from './relay-setup.js';
import { leafBlock, linkLeaf } from './ngircd-leaf-peer.js';
import { escapeRegExp as escape } from '../support/regexp.js';

const MUC_ADMIN = 'http://jabber.org/protocol/muc#admin';
type Ircd = 'ngircd' | 'inspircd';

/** The tag separator of virtual nicks on `ircd` (ngIRCd refuses `/`), as a regular expression. */
const SEP = (ircd: Ircd): string => (ircd === 'ngircd' ? '\\|' : '/');
/** A line from `nick`'s virtual client (InspIRCd may put message tags first). */
const VIRTUAL = (ircd: Ircd, nick: string) => new RegExp(`^(@\\S+ )?:${nick}${SEP(ircd)}jabber!\\S+ `);

/**
 * A second server on the ircd, driven by the test: it sends an SVSNICK for a virtual client,
 * introduces a user in a channel, and splits off.
 */
interface SideServer {
  readonly name: string;
  svsnick(t: TestContext, nick: string, newNick: string): Promise<void>;
  introduceThenSplit(t: TestContext, nick: string, seen: () => Promise<unknown>): Promise<void>;
}

function sideServer(ircd: Ircd, setup: () => BridgeSetup, leaf: ReturnType<typeof leafBlock>): SideServer {
  if (ircd === 'ngircd') {
    return {
      name: leaf.name,
      async svsnick(_t, nick, newNick) {
        const peer = await linkLeaf(setup().irc, leaf, WAIT_MS);
        peer.send(`:${leaf.name} SVSNICK ${nick} ${newNick}`);
        peer.split();
      },
      async introduceThenSplit(_t, nick, seen) {
        const peer = await linkLeaf(setup().irc, leaf, WAIT_MS);
        peer.introduce(nick, IRC_CHANNEL);
        await seen();
        peer.split();
      },
    };
  }
  // InspIRCd may not have dropped the previous peer yet when the next one links: tried again.
  const link = async (t: TestContext) => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await linkPeer(t, setup().irc, WAIT_MS);
      } catch (error) {
        if (attempt >= 10) throw error;
        await sleep(200);
      }
    }
  };
  return {
    name: PEER.name,
    async svsnick(t, nick, newNick) {
      const peer = await link(t);
      peer.endBurst();
      // The virtual client's UUID, from InspIRCd's burst to the peer.
      const uid = new RegExp(` UID (\\S+) (\\d+) ${escape(nick)} `);
      const found = peer.connection.lines.map((l) => uid.exec(l)).find((m) => m !== null);
      assert.ok(found, `${nick} in InspIRCd's burst to the peer`);
      peer.send(`:${PEER.sid} SVSNICK ${found[1]} ${newNick} ${Math.floor(Date.now() / 1000)}`);
      await peer.close();
    },
    async introduceThenSplit(t, nick, seen) {
      const peer = await link(t);
      const now = Math.floor(Date.now() / 1000);
      // After the peer's burst: a user joining then, not one of a netjoin.
      peer.endBurst();
      peer.send(`:${PEER.sid} UID ${PEER.sid}AAAAAA ${now} ${nick} 127.0.0.1 127.0.0.1 ${nick} 127.0.0.1 ${now} + :${nick} on the peer`);
      peer.send(`:${PEER.sid} FJOIN ${IRC_CHANNEL} ${now} + :,${PEER.sid}AAAAAA:1`);
      await seen();
      await peer.close();
    },
  };
}

/** Starts the bridge with the link (bob owns the room, alice is the channel's operator). */
async function linkedBridge(ircd: Ircd, bridgeOptions: Record<string, unknown>, ngircdExtraConfig?: string): Promise<{ setup: BridgeSetup; alice: RawIrcClient; bob: TestXmppClient }> {
  const [peerPort = 1] = ircd === 'inspircd' ? await freePorts(1) : [];
  const setup = await startBridge(ircd === 'ngircd'
    ? { ircServer: 'ngircd', ...(ngircdExtraConfig === undefined ? {} : { ngircdExtraConfig }) }
    : { ircServer: 'inspircd', inspircd: { extraConfig: peerLinkBlock(peerPort), ulinedLink: false } });
  try {
    const bob = await setup.xmppUser('bob', 'bob');
    const alice = await setup.ircUser('alice');
    const networks = setup.config().networks.map((n) => n.name !== 'irc' ? n : { name: 'irc', protocol: 'irc-link', options: ircLinkConfigSchema.parse(linkOptions(ircd, setup.irc)) });
    await setup.startHub({ events: { joins: true, quits: true }, ...bridgeOptions }, undefined, { networks });
    await bob.waitForStanza((s) => s.is('presence') && s.attrs.from === `${setup.room}/${XMPP_BOT_NICK}`, WAIT_MS);
    return { setup, alice, bob };
  } catch (error) {
    await setup.stop();
    throw error;
  }
}

/**
 * alice sets the topic to `hijacked`, again while the ircd says to retry later (InspIRCd refuses
 * a second topic change within the second of the last one: 437).
 */
async function hijackTopic(alice: RawIrcClient): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    alice.send(`TOPIC ${IRC_CHANNEL} :hijacked`);
    const answer = await alice.waitForLine(/ 437 alice #lobby | TOPIC #lobby :hijacked$/, WAIT_MS);
    if (!/ 437 /.test(answer)) return;
    assert.ok(attempt < 10, 'the ircd kept refusing the topic change');
    await sleep(300);
  }
}

/** An XMPP occupant whose virtual client alice has seen join. */
async function occupant(ircd: Ircd, setup: BridgeSetup, alice: RawIrcClient, nick: string): Promise<TestXmppClient> {
  const client = await setup.xmppUser(nick, nick);
  await alice.waitForLine(new RegExp(`^(@\\S+ )?:${nick}${SEP(ircd)}jabber!\\S+ JOIN`, 'i'), WAIT_MS);
  return client;
}

for (const ircd of ['ngircd', 'inspircd'] as const) {
  const sep = ircd === 'ngircd' ? '|' : '/';
  const v = (nick: string): string => `${nick}${sep}jabber`;

  describe(`server link conflict rules on ${ircd}, no claim`, { timeout: 120_000 }, () => {
    const leaf = leafBlock();
    let setup: BridgeSetup;
    let alice: RawIrcClient;
    let bob: TestXmppClient;
    const side = sideServer(ircd, () => setup, leaf);
    before(async () => ({ setup, alice, bob } = await linkedBridge(ircd, {}, leaf.config)));
    after(() => setup?.stop());

    it('an SVSNICK of a virtual client is not obeyed: it takes another tagged nick', async (t) => {
      await occupant(ircd, setup, alice, 'ivan');
      await side.svsnick(t, v('ivan'), 'Guest42');
      const renamed = await alice.waitForLine(new RegExp(`^(@\\S+ )?:${escape(v('ivan'))}!\\S+ NICK `), WAIT_MS);
      // The collision separator is `|`, the tag's `/` where the ircd takes it.
      assert.match(renamed, new RegExp(`NICK :?${escape(`ivan|1${sep}jabber`)}$`));
    });

    it("a split of the link's other side is relayed as quits", async (t) => {
      await side.introduceThenSplit(t, 'leafy', async () => {
        await alice.waitForLine(/^(@\S+ )?:leafy!\S+ JOIN/, WAIT_MS);
        await bob.waitForStanza((s) => (bodyOf(s) ?? '').includes('leafy@irc joined'), WAIT_MS);
      });
      const quit = await bob.waitForStanza((s) => (bodyOf(s) ?? '').includes('leafy@irc quit'), WAIT_MS);
      assert.match(bodyOf(quit) ?? '', new RegExp(`leafy@irc quit \\(${escape(setup.irc.serverName)} ${escape(side.name)}\\)$`, 'i'));
    });

    it('a killed virtual client comes back and rejoins', async () => {
      await occupant(ircd, setup, alice, 'dave');
      alice.send(`OPER ${setup.irc.operName} ${setup.irc.operPassword}`);
      await alice.waitForLine(/ 381 alice /, WAIT_MS);
      alice.send(`KILL ${v('dave')} :go away`);
      await alice.waitForLine(new RegExp(`^(@\\S+ )?:${escape(v('dave'))}!\\S+ QUIT `), WAIT_MS);
      assert.match(await alice.waitForLine(new RegExp(`^(@\\S+ )?:${escape(v('dave'))}!\\S+ JOIN`), WAIT_MS), VIRTUAL(ircd, 'dave'));
    });

    it('a kick the bridge cannot make on XMPP is undone, and the kicker told why', async () => {
      const erin = await occupant(ircd, setup, alice, 'erin');
      alice.send(`KICK ${IRC_CHANNEL} ${v('erin')} :out`);
      assert.match(await alice.waitForLine(new RegExp(`^(@\\S+ )?:${escape(v('erin'))}!\\S+ JOIN`), WAIT_MS), VIRTUAL(ircd, 'erin'));
      assert.match(await alice.waitForLine(/ NOTICE alice :/, WAIT_MS), /erin is on jabber and was not kicked there: the bridge cannot kick on jabber; they rejoined\.$/);
      // erin is still in the room and still heard on IRC.
      await erin.sayInRoom(setup.room, 'still here');
      assert.match(await alice.waitForLine(/PRIVMSG #lobby :still here$/, WAIT_MS), VIRTUAL(ircd, 'erin'));
    });

    it("a channel operator's kick is relayed as a kick on XMPP when the bridge is a moderator there", async () => {
      const frank = await occupant(ircd, setup, alice, 'frank');
      await bob.send(xml('iq', { type: 'set', to: setup.room, id: 'mod-bot' },
        xml('query', { xmlns: MUC_ADMIN }, xml('item', { nick: XMPP_BOT_NICK, role: 'moderator' }))));
      assert.equal((await bob.waitForStanza((s) => s.is('iq') && s.attrs.id === 'mod-bot', WAIT_MS)).attrs.type, 'result');
      alice.send(`KICK ${IRC_CHANNEL} ${v('frank')} :behave`);
      const kicked = await frank.waitForStanza((s) => s.is('presence') && s.attrs.type === 'unavailable' && s.attrs.from === `${setup.room}/frank`, WAIT_MS);
      assert.match(String(kicked), /code=["']307["']/);
      assert.match(String(kicked), /alice@irc: behave/);
      // No rejoin on IRC, and no notice to alice.
      await bob.sayInRoom(setup.room, 'marker after the kick');
      await alice.waitForLine(/PRIVMSG #lobby :marker after the kick$/, WAIT_MS);
      const frankJoin = new RegExp(`^(@\\S+ )?:${escape(v('frank'))}!\\S+ JOIN`);
      assert.equal(alice.lines.filter((l) => frankJoin.test(l)).length, 1);
      assert.equal(alice.lines.filter((l) => /NOTICE alice :frank/.test(l)).length, 0);

      // A KILL by a channel operator (alice is one, and an IRC operator since the kill test) is
      // relayed as a kick too (PyLink): the virtual client comes back, then leaves with its person.
      const gus = await occupant(ircd, setup, alice, 'gus');
      alice.send(`KILL ${v('gus')} :spam`);
      const gone = await gus.waitForStanza((s) => s.is('presence') && s.attrs.type === 'unavailable' && s.attrs.from === `${setup.room}/gus`, WAIT_MS);
      assert.match(String(gone), /code=["']307["']/);
      assert.match(String(gone), /alice@irc: killed \(.*spam\)/);
    });
  });

  describe(`server link conflict rules on ${ircd}, channel claimed by XMPP`, { timeout: 120_000 }, () => {
    let setup: BridgeSetup;
    let alice: RawIrcClient;
    let bob: TestXmppClient;
    before(async () => ({ setup, alice, bob } = await linkedBridge(ircd, { claim: ['jabber'] })));
    after(() => setup?.stop());

    it('a topic set on IRC is reverted and not relayed', async () => {
      await bob.send(xml('message', { to: setup.room, type: 'groupchat' }, xml('subject', {}, 'owned by jabber')));
      await alice.waitForLine(/ TOPIC #lobby :owned by jabber$/, WAIT_MS);
      await hijackTopic(alice);
      assert.match(await alice.waitForLine(/ TOPIC #lobby :owned by jabber$/, WAIT_MS), /^(@\S+ )?:Switchboard!/);
      alice.send(`PRIVMSG ${IRC_CHANNEL} :marker`);
      await bob.waitForStanza((s) => (bodyOf(s) ?? '').includes('marker'), WAIT_MS);
      assert.equal(bob.stanzas.filter((s) => String(s).includes('hijacked')).length, 0);
    });

    it('a mode change on IRC is reverted', async () => {
      alice.send(`MODE ${IRC_CHANNEL} +m`);
      await alice.waitForLine(/^(@\S+ )?:alice!\S+ MODE #lobby :?\+m/, WAIT_MS);
      assert.match(await alice.waitForLine(/ MODE #lobby :?-m/, WAIT_MS), new RegExp(`^(@\\S+ )?:${escape(setup.irc.link.peerName)} MODE #lobby :?-m$`));
    });

    it('a kick of a remote person from IRC is refused: they rejoin, the kicker is told', async () => {
      await occupant(ircd, setup, alice, 'gina');
      alice.send(`KICK ${IRC_CHANNEL} ${v('gina')} :out`);
      assert.match(await alice.waitForLine(new RegExp(`^(@\\S+ )?:${escape(v('gina'))}!\\S+ JOIN`), WAIT_MS), VIRTUAL(ircd, 'gina'));
      assert.match(await alice.waitForLine(/ NOTICE alice :gina/, WAIT_MS), /not kicked there: this channel belongs to jabber; they rejoined\.$/);
    });
  });
}
