/**
 * PyLink's conflict rules through the server link (real ngIRCd and Prosody, independent clients
 * on each side): a killed virtual client comes back; a kick of one is relayed to the person's
 * network when the bridge can kick there, else undone with a notice to the kicker; with a claim,
 * topic and mode changes made on IRC are reverted and kicks of remote people refused.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { xml, type RawIrcClient, type TestXmppClient } from '../support/clients.js';
import { startBridge, bodyOf, WAIT_MS, IRC_CHANNEL, XMPP_BOT_NICK, type BridgeSetup } from './relay-setup.js';
import { linkedNetworks } from './relay-irc-link-setup.js';
import { leafBlock, linkLeaf } from './ngircd-leaf-peer.js';

const MUC_ADMIN = 'http://jabber.org/protocol/muc#admin';
const VIRTUAL = (nick: string) => new RegExp(`^:${nick}\\|jabber!\\S+ `);

/** Starts the bridge with the link (bob owns the room, alice is the channel's operator). */
async function linkedBridge(bridgeOptions: Record<string, unknown>, ngircdExtraConfig?: string): Promise<{ setup: BridgeSetup; alice: RawIrcClient; bob: TestXmppClient }> {
  const setup = await startBridge({ ircServer: 'ngircd', ...(ngircdExtraConfig === undefined ? {} : { ngircdExtraConfig }) });
  try {
    const bob = await setup.xmppUser('bob', 'bob');
    const alice = await setup.ircUser('alice');
    await setup.startHub({ events: { joins: true, quits: true }, ...bridgeOptions }, undefined, { networks: linkedNetworks(setup) });
    await bob.waitForStanza((s) => s.is('presence') && s.attrs.from === `${setup.room}/${XMPP_BOT_NICK}`, WAIT_MS);
    return { setup, alice, bob };
  } catch (error) {
    await setup.stop();
    throw error;
  }
}

/** An XMPP occupant whose virtual client alice has seen join. */
async function occupant(setup: BridgeSetup, alice: RawIrcClient, nick: string): Promise<TestXmppClient> {
  const client = await setup.xmppUser(nick, nick);
  await alice.waitForLine(new RegExp(`^:${nick}\\|jabber!\\S+ JOIN`, 'i'), WAIT_MS);
  return client;
}

describe('server link conflict rules, no claim', { timeout: 120_000 }, () => {
  const leaf = leafBlock();
  let setup: BridgeSetup;
  let alice: RawIrcClient;
  let bob: TestXmppClient;
  before(async () => ({ setup, alice, bob } = await linkedBridge({}, leaf.config)));
  after(() => setup?.stop());

  it('an SVSNICK of a virtual client is not obeyed: it takes another tagged nick', async () => {
    await occupant(setup, alice, 'ivan');
    const peer = await linkLeaf(setup.irc, leaf, WAIT_MS);
    peer.send(`:${leaf.name} SVSNICK ivan|jabber Guest42`);
    assert.match(await alice.waitForLine(/^:ivan\|jabber!\S+ NICK /, WAIT_MS), /NICK :?ivan\|1\|jabber$/);
    peer.split();
  });

  it("a split of the link's other side is relayed as quits", async () => {
    const peer = await linkLeaf(setup.irc, leaf, WAIT_MS);
    peer.introduce('leafy', IRC_CHANNEL);
    await alice.waitForLine(/^:leafy!\S+ JOIN/, WAIT_MS);
    await bob.waitForStanza((s) => (bodyOf(s) ?? '').includes('leafy@irc joined'), WAIT_MS);
    peer.split();
    const quit = await bob.waitForStanza((s) => (bodyOf(s) ?? '').includes('leafy@irc quit'), WAIT_MS);
    assert.match(bodyOf(quit) ?? '', /leafy@irc quit \(irc\.ngircd\.test leaf\.ngircd\.test\)$/i);
  });

  it('a killed virtual client comes back and rejoins', async () => {
    await occupant(setup, alice, 'dave');
    alice.send(`OPER ${setup.irc.operName} ${setup.irc.operPassword}`);
    await alice.waitForLine(/ 381 alice /, WAIT_MS);
    alice.send('KILL dave|jabber :go away');
    await alice.waitForLine(/^:dave\|jabber!\S+ QUIT /, WAIT_MS);
    assert.match(await alice.waitForLine(/^:dave\|jabber!\S+ JOIN/, WAIT_MS), VIRTUAL('dave'));
  });

  it('a kick the bridge cannot make on XMPP is undone, and the kicker told why', async () => {
    const erin = await occupant(setup, alice, 'erin');
    alice.send(`KICK ${IRC_CHANNEL} erin|jabber :out`);
    assert.match(await alice.waitForLine(/^:erin\|jabber!\S+ JOIN/, WAIT_MS), VIRTUAL('erin'));
    assert.match(await alice.waitForLine(/ NOTICE alice :/, WAIT_MS), /erin is on jabber and was not kicked there: the bridge cannot kick on jabber; they rejoined\.$/);
    // erin is still in the room and still heard on IRC.
    await erin.sayInRoom(setup.room, 'still here');
    assert.match(await alice.waitForLine(/PRIVMSG #lobby :still here$/, WAIT_MS), VIRTUAL('erin'));
  });

  it("a channel operator's kick is relayed as a kick on XMPP when the bridge is a moderator there", async () => {
    const frank = await occupant(setup, alice, 'frank');
    await bob.send(xml('iq', { type: 'set', to: setup.room, id: 'mod-bot' },
      xml('query', { xmlns: MUC_ADMIN }, xml('item', { nick: XMPP_BOT_NICK, role: 'moderator' }))));
    assert.equal((await bob.waitForStanza((s) => s.is('iq') && s.attrs.id === 'mod-bot', WAIT_MS)).attrs.type, 'result');
    alice.send(`KICK ${IRC_CHANNEL} frank|jabber :behave`);
    const kicked = await frank.waitForStanza((s) => s.is('presence') && s.attrs.type === 'unavailable' && s.attrs.from === `${setup.room}/frank`, WAIT_MS);
    assert.match(String(kicked), /code=["']307["']/);
    assert.match(String(kicked), /alice@irc: behave/);
    // No rejoin on IRC, and no notice to alice.
    await bob.sayInRoom(setup.room, 'marker after the kick');
    await alice.waitForLine(/PRIVMSG #lobby :marker after the kick$/, WAIT_MS);
    assert.equal(alice.lines.filter((l) => /^:frank\|jabber!\S+ JOIN/.test(l)).length, 1);
    assert.equal(alice.lines.filter((l) => /NOTICE alice :frank/.test(l)).length, 0);

    // A KILL by a channel operator (alice is one, and an IRC operator since the first test) is
    // relayed as a kick too (PyLink): the virtual client comes back, then leaves with its person.
    const gus = await occupant(setup, alice, 'gus');
    alice.send('KILL gus|jabber :spam');
    const gone = await gus.waitForStanza((s) => s.is('presence') && s.attrs.type === 'unavailable' && s.attrs.from === `${setup.room}/gus`, WAIT_MS);
    assert.match(String(gone), /code=["']307["']/);
    assert.match(String(gone), /alice@irc: killed \(.*spam\)/);
  });
});

describe('server link conflict rules, channel claimed by XMPP', { timeout: 120_000 }, () => {
  let setup: BridgeSetup;
  let alice: RawIrcClient;
  let bob: TestXmppClient;
  before(async () => ({ setup, alice, bob } = await linkedBridge({ claim: ['jabber'] })));
  after(() => setup?.stop());

  it('a topic set on IRC is reverted and not relayed', async () => {
    await bob.send(xml('message', { to: setup.room, type: 'groupchat' }, xml('subject', {}, 'owned by jabber')));
    await alice.waitForLine(/ TOPIC #lobby :owned by jabber$/, WAIT_MS);
    alice.send(`TOPIC ${IRC_CHANNEL} :hijacked`);
    assert.match(await alice.waitForLine(/ TOPIC #lobby :owned by jabber$/, WAIT_MS), /^:Switchboard!/);
    await alice.send(`PRIVMSG ${IRC_CHANNEL} :marker`);
    await bob.waitForStanza((s) => (bodyOf(s) ?? '').includes('marker'), WAIT_MS);
    assert.equal(bob.stanzas.filter((s) => String(s).includes('hijacked')).length, 0);
  });

  it('a mode change on IRC is reverted', async () => {
    alice.send(`MODE ${IRC_CHANNEL} +m`);
    await alice.waitForLine(/^:alice!\S+ MODE #lobby \+m/, WAIT_MS);
    assert.match(await alice.waitForLine(/ MODE #lobby -m/, WAIT_MS), /^:bridge\.ngircd\.test MODE #lobby -m$/);
  });

  it('a kick of a remote person from IRC is refused: they rejoin, the kicker is told', async () => {
    await occupant(setup, alice, 'gina');
    alice.send(`KICK ${IRC_CHANNEL} gina|jabber :out`);
    assert.match(await alice.waitForLine(/^:gina\|jabber!\S+ JOIN/, WAIT_MS), VIRTUAL('gina'));
    assert.match(await alice.waitForLine(/ NOTICE alice :gina/, WAIT_MS), /not kicked there: this channel belongs to jabber; they rejoined\.$/);
  });
});
