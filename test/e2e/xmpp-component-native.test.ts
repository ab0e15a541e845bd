/**
 * What IRC and XMPP people do, seen natively through the component's puppets by an independent
 * XMPP client (real Prosody, real InspIRCd): an IRC user's typing (IRCv3 `+typing`), away and
 * back (away-notify), nick changes (a taken nick gets a suffix), part and quit come from their
 * own occupant; an XMPP author bridged from another room corrects, retracts, reacts, types and
 * shares a file as their own occupant.
 */
import { it } from 'node:test';
import { XMPP_SERVERS, xmppServerLabel } from '../support/servers.js';
import assert from 'node:assert/strict';
import type { NetworkConfig } from '../../src/config/types.js';
import { connectXmppClient, NS_MUC_USER, xml, type XmlElement } from '../support/clients.js';
import { egressConfig } from '../support/egress.js';
import {
  startBridge, bodyOf, fileMessage, oobUrl, refId, uploadAs, xmppBotNetwork, WAIT_MS, IRC_CHANNEL, type BridgeSetup,
} from './relay-setup.js';
import { componentNetworks } from './xmpp-component-setup.js';

const NS_CHAT_STATES = 'http://jabber.org/protocol/chatstates';
const NS_CORRECT = 'urn:xmpp:message-correct:0';
const NS_RETRACT = 'urn:xmpp:message-retract:1';
const NS_REACTIONS = 'urn:xmpp:reactions:0';

/** The component network in place of the bridge's `jabber` client network. */
function componentNetwork(setup: BridgeSetup): NetworkConfig {
  return componentNetworks(setup).find((n) => n.name === 'jabber') as NetworkConfig;
}

/** A groupchat message in `room` from the occupant `nick` that satisfies `test`. */
function from(room: string, nick: string, test: (s: XmlElement) => boolean): (s: XmlElement) => boolean {
  return (s) => s.is('message') && s.attrs.type === 'groupchat' && s.attrs.from === `${room}/${nick}` && test(s);
}

/** A groupchat message from `nick` whose body is `body`. */
function said(room: string, nick: string, body: string): (s: XmlElement) => boolean {
  return from(room, nick, (s) => bodyOf(s) === body);
}

/** A chat state notification `state` (no body) from `nick`. */
function chatState(room: string, nick: string, state: string): (s: XmlElement) => boolean {
  return from(room, nick, (s) => s.getChild(state, NS_CHAT_STATES) !== undefined && bodyOf(s) === undefined);
}

/** A presence of the occupant `nick` of `room` of `type`, also satisfying `test`. */
function presenceOf(room: string, nick: string, type: 'available' | 'unavailable', test: (s: XmlElement) => boolean = () => true): (s: XmlElement) => boolean {
  return (s) => s.is('presence') && s.attrs.from === `${room}/${nick}` && (s.attrs.type ?? 'available') === type && test(s);
}

/** The MUC status codes of a presence. */
function codesOf(presence: XmlElement): string[] {
  return presence.getChild('x', NS_MUC_USER)?.getChildren('status').map((s) => String(s.attrs.code)) ?? [];
}

for (const xmppServer of XMPP_SERVERS) {
  it(`an IRC user types, goes away and back, changes nick (twice, once onto a taken nick), parts; another quits: all seen natively from their occupants (${xmppServerLabel(xmppServer)})`, async (t) => {
    const setup = await startBridge({ ircServer: 'inspircd', xmppServer });
    t.after(() => setup.stop());
    const { room } = setup;
    const networks = setup.config().networks.map((n) => (n.name === 'jabber' ? componentNetwork(setup) : n));
    // Joins, parts and nicks are relayed to IRC: the puppets' own must not come back as someone's.
    await setup.startHub({ networks: { irc: { events: { joins: true, parts: true, nicks: true } } } }, undefined, { networks });
    const wendy = await setup.ircUser('wendy');
    const bob = await setup.xmppUser('bob', 'bob');
    const alice = await setup.ircUser('alice');
    alice.send('CAP REQ :message-tags');
    await alice.waitForLine(/ CAP \S+ ACK :?message-tags/, WAIT_MS);

    // Her first message brings her occupant.
    alice.send(`PRIVMSG ${IRC_CHANNEL} :hello`);
    await bob.waitForStanza(said(room, 'alice', 'hello'), WAIT_MS);

    // Typing (+typing=active), then done: composing, then active, from her occupant.
    alice.send(`@+typing=active TAGMSG ${IRC_CHANNEL}`);
    await bob.waitForStanza(chatState(room, 'alice', 'composing'), WAIT_MS);
    alice.send(`@+typing=done TAGMSG ${IRC_CHANNEL}`);
    await bob.waitForStanza(chatState(room, 'alice', 'active'), WAIT_MS);
    // Typing, then the message: it says the typing is over.
    alice.send(`@+typing=active TAGMSG ${IRC_CHANNEL}`);
    await bob.waitForStanza(chatState(room, 'alice', 'composing'), WAIT_MS);
    alice.send(`PRIVMSG ${IRC_CHANNEL} :typed`);
    const typed = await bob.waitForStanza(said(room, 'alice', 'typed'), WAIT_MS);
    assert.ok(typed.getChild('active', NS_CHAT_STATES), typed.toString());

    // Away with a text, then back.
    alice.send('AWAY :out for lunch');
    const away = await bob.waitForStanza(presenceOf(room, 'alice', 'available', (s) => s.getChildText('show') === 'away'), WAIT_MS);
    assert.equal(away.getChildText('status'), 'out for lunch');
    alice.send('AWAY');
    const back = await bob.waitForStanza(presenceOf(room, 'alice', 'available', (s) => s.getChild('show') === undefined), WAIT_MS);
    assert.equal(back.getChild('status'), undefined);

    // A nick change is a MUC nick change (status 303), and she speaks under the new nick.
    alice.send('NICK alicia');
    const renamed = await bob.waitForStanza(presenceOf(room, 'alice', 'unavailable', (s) => codesOf(s).includes('303')), WAIT_MS);
    assert.equal(renamed.getChild('x', NS_MUC_USER)?.getChild('item')?.attrs.nick, 'alicia');
    await bob.waitForStanza(presenceOf(room, 'alicia', 'available'), WAIT_MS);
    alice.send(`PRIVMSG ${IRC_CHANNEL} :now alicia`);
    await bob.waitForStanza(said(room, 'alicia', 'now alicia'), WAIT_MS);

    // Onto a nick bob holds in the room: the puppet takes a suffix.
    alice.send('NICK bob');
    const suffixed = await bob.waitForStanza(presenceOf(room, 'alicia', 'unavailable', (s) => codesOf(s).includes('303')), WAIT_MS);
    assert.equal(suffixed.getChild('x', NS_MUC_USER)?.getChild('item')?.attrs.nick, 'bob_1');
    alice.send(`PRIVMSG ${IRC_CHANNEL} :I am bob too`);
    await bob.waitForStanza(said(room, 'bob_1', 'I am bob too'), WAIT_MS);

    // A part: the occupant leaves with the reason as its status.
    alice.send(`PART ${IRC_CHANNEL} :see you`);
    const parted = await bob.waitForStanza(presenceOf(room, 'bob_1', 'unavailable'), WAIT_MS);
    assert.equal(parted.getChildText('status'), 'see you');

    // A quit: the occupant leaves with the quit message.
    const carol = await setup.ircUser('carol');
    carol.send(`PRIVMSG ${IRC_CHANNEL} :hi, then bye`);
    await bob.waitForStanza(said(room, 'carol', 'hi, then bye'), WAIT_MS);
    carol.send('QUIT :gone fishing');
    const quit = await bob.waitForStanza(presenceOf(room, 'carol', 'unavailable'), WAIT_MS);
    assert.match(quit.getChildText('status') ?? '', /gone fishing/);

    // None of it came through the bot as a notice, and none of the puppets' doings went back to IRC.
    const fromBot = bob.stanzas.filter((s) => s.is('message') && s.attrs.from === `${room}/switchboard`).map((s) => bodyOf(s));
    assert.deepEqual(fromBot, [], fromBot.join('\n'));
    await bob.sayInRoom(room, 'the end');
    assert.match(await wendy.waitForLine(/PRIVMSG #lobby :.*the end$/, WAIT_MS), /bob@jabber/, 'how XMPP people are named on IRC');
    const echoed = wendy.lines.filter((l) => /(alice|alicia|bob_1|carol)@jabber/.test(l));
    assert.deepEqual(echoed, [], echoed.join('\n'));
  });
}

it('an XMPP author bridged from another room corrects, retracts, reacts, types and shares a file as their own occupant', async (t) => {
  const setup = await startBridge({ ircServer: 'ngircd', httpUpload: true });
  t.after(() => setup.stop());
  const { room, xmpp } = setup;
  const side = `side@${xmpp.mucDomain}`;
  const networks = [componentNetwork(setup), xmppBotNetwork(xmpp, 'client', 'bridgebot', 'relay')];
  const bridges = [{ name: 'rooms', channels: [{ network: 'client', id: side }, { network: 'jabber', id: room }], options: {} }];
  await setup.startHub({}, undefined, { networks, bridges, egress: egressConfig([`127.0.0.1:${xmpp.httpPort}`]) });
  const bob = await setup.xmppUser('bob', 'bob');
  await xmpp.registerUser('carl', 'pw');
  const carl = await connectXmppClient({ service: `xmpp://${xmpp.host}:${xmpp.port}`, domain: xmpp.domain, username: 'carl', password: 'pw' });
  t.after(() => carl.close());
  await carl.joinRoom(side, 'carl', WAIT_MS);

  // A message and its correction, both from carl's occupant.
  await carl.send(xml('message', { to: side, type: 'groupchat', id: 'c-1' }, xml('body', {}, 'helo')));
  const original = await bob.waitForStanza(said(room, 'carl', 'helo'), WAIT_MS);
  await carl.send(xml('message', { to: side, type: 'groupchat', id: 'c-2' }, xml('body', {}, 'hello'), xml('replace', { xmlns: NS_CORRECT, id: 'c-1' })));
  const correction = await bob.waitForStanza(said(room, 'carl', 'hello'), WAIT_MS);
  assert.equal(correction.getChild('replace', NS_CORRECT)?.attrs.id, original.attrs.id);

  // Typing, from carl's occupant.
  await carl.send(xml('message', { to: side, type: 'groupchat' }, xml('composing', { xmlns: NS_CHAT_STATES })));
  await bob.waitForStanza(chatState(room, 'carl', 'composing'), WAIT_MS);

  // A retraction of his message, from his occupant, naming the message bob received.
  await carl.send(xml('message', { to: side, type: 'groupchat', id: 'c-3' }, xml('retract', { xmlns: NS_RETRACT, id: 'c-1' })));
  const retraction = await bob.waitForStanza(from(room, 'carl', (s) => s.getChild('retract', NS_RETRACT) !== undefined), WAIT_MS);
  assert.equal(retraction.getChild('retract', NS_RETRACT)?.attrs.id, refId(original, room));

  // A reaction to bob's message (relayed to the side room by the client bot), from carl's occupant.
  await bob.sayInRoom(room, 'react to me');
  const mine = await bob.waitForStanza(said(room, 'bob', 'react to me'), WAIT_MS);
  const copy = await carl.waitForStanza((s) => s.is('message') && s.attrs.from === `${side}/relay` && (bodyOf(s) ?? '').includes('react to me'), WAIT_MS);
  await carl.send(xml('message', { to: side, type: 'groupchat', id: 'c-4' },
    xml('reactions', { xmlns: NS_REACTIONS, id: refId(copy, side) }, xml('reaction', {}, '👍'))));
  const reaction = await bob.waitForStanza(from(room, 'carl', (s) => s.getChild('reactions', NS_REACTIONS) !== undefined), WAIT_MS);
  assert.equal(reaction.getChild('reactions', NS_REACTIONS)?.attrs.id, refId(mine, room));
  assert.deepEqual(reaction.getChild('reactions', NS_REACTIONS)?.getChildren('reaction').map((r) => r.text()), ['👍']);

  // A file: its link, as OOB data, from carl's occupant.
  const url = await uploadAs(carl, xmpp.uploadDomain!, 'notes.txt', Buffer.from('notes\n'));
  await carl.send(fileMessage(side, 'c-5', url));
  const file = await bob.waitForStanza(from(room, 'carl', (s) => oobUrl(s) === url), WAIT_MS);
  assert.equal(bodyOf(file), url);
});

for (const xmppServer of XMPP_SERVERS) {
  it(`with joins relayed, the occupant list shows every IRC user in the channel, before they speak; a part takes them out (${xmppServerLabel(xmppServer)})`, async (t) => {
    const setup = await startBridge({ ircServer: 'inspircd', xmppServer });
    t.after(() => setup.stop());
    const { room } = setup;
    // carol and dave are in the channel before the hub starts (shown when it connects); erin comes later.
    await setup.ircUser('carol');
    await setup.ircUser('dave');
    const networks = setup.config().networks.map((n) => (n.name === 'jabber' ? componentNetwork(setup) : n));
    // Joins and parts relayed to the XMPP side.
    await setup.startHub({ networks: { jabber: { events: { joins: true, parts: true } } } }, undefined, { networks });
    const bob = await setup.xmppUser('bob', 'bob');
    await bob.waitForStanza(presenceOf(room, 'carol', 'available'), WAIT_MS);
    await bob.waitForStanza(presenceOf(room, 'dave', 'available'), WAIT_MS);
    const erin = await setup.ircUser('erin');
    await bob.waitForStanza(presenceOf(room, 'erin', 'available'), WAIT_MS);
    // Nobody spoke: no message from any of them, and no "joined" notice from the bot either.
    const groupchat = bob.stanzas.filter((s) => s.is('message') && s.attrs.type === 'groupchat' && bodyOf(s) !== undefined);
    assert.deepEqual(groupchat.map((s) => `${String(s.attrs.from)}: ${bodyOf(s)}`).filter((line) => /carol|dave|erin/.test(line)), []);

    erin.send(`PART ${IRC_CHANNEL} :bye`);
    await bob.waitForStanza(presenceOf(room, 'erin', 'unavailable'), WAIT_MS);
    // The others stay.
    assert.equal(bob.stanzas.some((s) => presenceOf(room, 'carol', 'unavailable')(s) || presenceOf(room, 'dave', 'unavailable')(s)), false);
  });
}

it('relay mode per bridge (puppets: false): the bot speaks for IRC people, with the identity prefix, and no puppet joins', async (t) => {
  const setup = await startBridge({ ircServer: 'ngircd' });
  t.after(() => setup.stop());
  const { room } = setup;
  const networks = setup.config().networks.map((n) => (n.name === 'jabber' ? componentNetwork(setup) : n));
  await setup.startHub({ networks: { jabber: { puppets: false, events: { joins: true } } } }, undefined, { networks });
  const bob = await setup.xmppUser('bob', 'bob');
  const alice = await setup.ircUser('alice');
  alice.send(`PRIVMSG ${IRC_CHANNEL} :hello`);
  await bob.waitForStanza(said(room, 'switchboard', '<alice@irc> hello'), WAIT_MS);
  assert.equal(bob.stanzas.some((s) => s.is('presence') && s.attrs.from === `${room}/alice`), false, 'no puppet occupant for alice');
});
