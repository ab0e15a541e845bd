/**
 * One-to-one with puppets on real Prosody and ngIRCd: an XMPP user writes to an IRC user's
 * puppet JID and it reaches them as a private message (from the bot, named, on a plain IRC
 * network); their answer comes back from the puppet's JID. Presence subscriptions, probes,
 * vCards, disco, refusals as error stanzas, and a module's presence router adding recipients.
 */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { connectXmppClient, NS_MUC_USER, xml, type TestXmppClient, type XmlElement } from '../support/clients.js';
import { startBridge, bodyOf, WAIT_MS, IRC_CHANNEL, BOT_NICK, type BridgeSetup } from './relay-setup.js';
import { componentNetworks } from './xmpp-component-setup.js';
import { linkedNetworks } from './relay-irc-link-setup.js';

const NS_STANZAS = 'urn:ietf:params:xml:ns:xmpp-stanzas';
const NS_DISCO_INFO = 'http://jabber.org/protocol/disco#info';
const ROUTER_FIXTURE = fileURLToPath(new URL('./presence-router-fixture.js', import.meta.url));

/** The error condition of an error stanza, or undefined. */
function conditionOf(stanza: XmlElement): string | undefined {
  return stanza.getChild('error')?.children.find((c): c is XmlElement => typeof c !== 'string' && c.attrs.xmlns === NS_STANZAS)?.name;
}

/** A presence from `from` (bare: any resource) of `type` (default available). */
function presenceFrom(from: string, type: string): (s: XmlElement) => boolean {
  return (s) => s.is('presence') && (s.attrs.from === from || s.attrs.from?.startsWith(`${from}/`) === true) && (s.attrs.type ?? 'available') === type;
}

/** A one-to-one message from `from` (any resource) with `body`. */
function chatFrom(from: string, body: string): (s: XmlElement) => boolean {
  return (s) => s.is('message') && s.attrs.type === 'chat' && s.attrs.from?.split('/')[0] === from && bodyOf(s) === body;
}

/** Logs `user` in (registered already), without joining a room. */
function login(setup: BridgeSetup, user: string): Promise<TestXmppClient> {
  const { xmpp } = setup;
  return connectXmppClient({ service: `xmpp://${xmpp.host}:${xmpp.port}`, domain: xmpp.domain, username: user, password: 'pw' });
}

it('an XMPP user writes to an IRC user\'s puppet JID, the answer comes back from it; subscriptions, probes, vCards and refusals', async (t) => {
  const setup = await startBridge({ ircServer: 'ngircd' });
  t.after(() => setup.stop());
  const { room, xmpp } = setup;
  const carolId = `jabber:carol@${xmpp.domain}`;
  await setup.startHub({}, undefined, {
    networks: componentNetworks(setup),
    modules: [
      { module: 'relay', specifier: 'relay', config: undefined },
      { module: './presence-router-fixture.js', specifier: ROUTER_FIXTURE, config: { to: [carolId] } },
    ],
  });
  const bob = await setup.xmppUser('bob', 'bob');
  await xmpp.registerUser('carol', 'pw');
  const carol = await login(setup, 'carol');
  t.after(() => carol.close());
  const alice = await setup.ircUser('alice');
  // Her first message shows the hub has seen her join (events of one network are handled in order).
  alice.send(`PRIVMSG ${IRC_CHANNEL} :hello`);
  await bob.waitForStanza((s) => s.is('message') && bodyOf(s) === 'hello', WAIT_MS);
  const aliceJid = `alice\\40irc@${xmpp.componentDomain}`;
  // The module's presence router sends alice's presence to carol, who has no subscription.
  await carol.waitForStanza(presenceFrom(aliceJid, 'available'), WAIT_MS);

  // vCard and disco: the bare JID is an account with a vCard (her nick), the full JID a client.
  const vcard = await bob.xmpp.iqCaller.request(xml('iq', { type: 'get', to: aliceJid }, xml('vCard', { xmlns: 'vcard-temp' })), WAIT_MS);
  assert.equal(vcard.getChild('vCard', 'vcard-temp')?.getChildText('NICKNAME'), 'alice');
  const info = await bob.xmpp.iqCaller.request(xml('iq', { type: 'get', to: aliceJid }, xml('query', { xmlns: NS_DISCO_INFO })), WAIT_MS);
  assert.equal(info.getChild('query', NS_DISCO_INFO)?.getChild('identity')?.attrs.category, 'account');
  assert.ok(info.getChild('query', NS_DISCO_INFO)?.getChildren('feature').some((f) => f.attrs.var === 'vcard-temp'));
  const fullInfo = await bob.xmpp.iqCaller.request(xml('iq', { type: 'get', to: `${aliceJid}/switchboard` }, xml('query', { xmlns: NS_DISCO_INFO })), WAIT_MS);
  assert.equal(fullInfo.getChild('query', NS_DISCO_INFO)?.getChild('identity')?.attrs.type, 'pc');

  // Subscription: subscribed (with her nick), then her presence. (Only a session that asked for
  // its roster is told of subscription answers, RFC 6121 §3.1.6.)
  await bob.xmpp.iqCaller.request(xml('iq', { type: 'get' }, xml('query', { xmlns: 'jabber:iq:roster' })), WAIT_MS);
  await bob.send(xml('presence', { to: aliceJid, type: 'subscribe' }));
  const subscribed = await bob.waitForStanza(presenceFrom(aliceJid, 'subscribed'), WAIT_MS);
  assert.equal(subscribed.getChildText('nick', 'http://jabber.org/protocol/nick'), 'alice');
  await bob.waitForStanza(presenceFrom(aliceJid, 'available'), WAIT_MS);

  // One-to-one: bob → alice's JID → a private message from the bot, named by his JID; her answer to the bot → bob, from her JID.
  await bob.send(xml('message', { to: aliceJid, type: 'chat', id: 'dm-1' }, xml('body', {}, 'hi alice')));
  assert.match(await alice.waitForLine(new RegExp(`^:${BOT_NICK}!\\S+ PRIVMSG alice :<bob@${xmpp.domain}@jabber> hi alice$`), WAIT_MS), /hi alice/);
  alice.send(`PRIVMSG ${BOT_NICK} :hello bob`);
  const answer = await bob.waitForStanza(chatFrom(aliceJid, 'hello bob'), WAIT_MS);
  assert.equal(answer.attrs.from, `${aliceJid}/switchboard`);

  // A private message through the room to her occupant is one-to-one too; her answer comes from her occupant.
  await bob.send(xml('message', { to: `${room}/alice`, type: 'chat', id: 'pm-1' }, xml('body', {}, 'psst'), xml('x', { xmlns: NS_MUC_USER })));
  await alice.waitForLine(new RegExp(`^:${BOT_NICK}!\\S+ PRIVMSG alice :<bob@jabber> psst$`), WAIT_MS);
  alice.send(`PRIVMSG ${BOT_NICK} :psst back`);
  await bob.waitForStanza((s) => s.is('message') && s.attrs.type === 'chat' && s.attrs.from === `${room}/alice` && bodyOf(s) === 'psst back', WAIT_MS);

  // Refusals: a JID that maps to no one; someone in no bridged room (with the message's id).
  await bob.send(xml('message', { to: `nobody@${xmpp.componentDomain}`, type: 'chat', id: 'dm-nobody' }, xml('body', {}, 'hello?')));
  assert.equal(conditionOf(await bob.waitForStanza((s) => s.is('message') && s.attrs.id === 'dm-nobody' && s.attrs.type === 'error', WAIT_MS)), 'service-unavailable');
  await bob.send(xml('message', { to: `zed\\40irc@${xmpp.componentDomain}`, type: 'chat', id: 'dm-zed' }, xml('body', {}, 'hello zed')));
  const zed = await bob.waitForStanza((s) => s.is('message') && s.attrs.id === 'dm-zed' && s.attrs.type === 'error', WAIT_MS);
  assert.equal(conditionOf(zed), 'recipient-unavailable');
  assert.match(zed.getChild('error')?.getChildText('text', NS_STANZAS) ?? '', /not in a bridged room/);
  // A subscription to someone in no bridged room is refused.
  await bob.send(xml('presence', { to: `zed\\40irc@${xmpp.componentDomain}`, type: 'subscribe' }));
  await bob.waitForStanza(presenceFrom(`zed\\40irc@${xmpp.componentDomain}`, 'unsubscribed'), WAIT_MS);

  // alice leaves the channel: her subscriber sees her go, and so does carol, whom the module's router adds.
  alice.send(`PART ${IRC_CHANNEL} :bye`);
  await bob.waitForStanza(presenceFrom(aliceJid, 'unavailable'), WAIT_MS);
  await carol.waitForStanza(presenceFrom(aliceJid, 'unavailable'), WAIT_MS);
  alice.send(`JOIN ${IRC_CHANNEL}`);
  await bob.waitForStanza(presenceFrom(aliceJid, 'available'), WAIT_MS);
  await carol.waitForStanza(presenceFrom(aliceJid, 'available'), WAIT_MS);

  // A new session of bob: his server probes alice's JID for him, and her presence comes.
  const bob2 = await login(setup, 'bob');
  t.after(() => bob2.close());
  await bob2.waitForStanza(presenceFrom(aliceJid, 'available'), WAIT_MS);

  // Unsubscribe: answered with unavailable.
  await bob.send(xml('presence', { to: aliceJid, type: 'unsubscribe' }));
  await bob.waitForStanza(presenceFrom(aliceJid, 'unavailable'), WAIT_MS);
});

it('on an IRC network linked as a server, the message comes from the writer\'s virtual client, and her answer to it comes back', async (t) => {
  const setup = await startBridge({ ircServer: 'ngircd' });
  t.after(() => setup.stop());
  const { xmpp } = setup;
  await setup.startHub({}, undefined, { networks: componentNetworks(setup, {}, linkedNetworks(setup)) });
  const bob = await setup.xmppUser('bob', 'bob');
  const alice = await setup.ircUser('alice');
  alice.send(`PRIVMSG ${IRC_CHANNEL} :hello`);
  await bob.waitForStanza((s) => s.is('message') && bodyOf(s) === 'hello', WAIT_MS);
  const aliceJid = `alice\\40irc@${xmpp.componentDomain}`;

  await bob.send(xml('message', { to: aliceJid, type: 'chat', id: 'dm-1' }, xml('body', {}, 'hi from xmpp')));
  const line = await alice.waitForLine(/^:\S+ PRIVMSG alice :hi from xmpp$/, WAIT_MS);
  const virtual = line.slice(1).split('!')[0] ?? '';
  assert.match(virtual, /bob/);
  alice.send(`PRIVMSG ${virtual} :hi back`);
  await bob.waitForStanza(chatFrom(aliceJid, 'hi back'), WAIT_MS);
});

it('IRC AWAY reaches a puppet\'s subscribers as away with the message, coming back as available (InspIRCd away-notify), and a clean stop as unavailable', async (t) => {
  const setup = await startBridge({ ircServer: 'inspircd' });
  t.after(() => setup.stop());
  const { xmpp } = setup;
  await setup.startHub({}, undefined, { networks: componentNetworks(setup) });
  const bob = await setup.xmppUser('bob', 'bob');
  const alice = await setup.ircUser('alice');
  alice.send(`PRIVMSG ${IRC_CHANNEL} :hello`);
  await bob.waitForStanza((s) => s.is('message') && bodyOf(s) === 'hello', WAIT_MS);
  const aliceJid = `alice\\40irc@${xmpp.componentDomain}`;
  await bob.xmpp.iqCaller.request(xml('iq', { type: 'get' }, xml('query', { xmlns: 'jabber:iq:roster' })), WAIT_MS);
  await bob.send(xml('presence', { to: aliceJid, type: 'subscribe' }));
  const first = await bob.waitForStanza(presenceFrom(aliceJid, 'available'), WAIT_MS);
  assert.equal(first.getChildText('show'), null);

  alice.send('AWAY :out for lunch');
  const away = await bob.waitForStanza((s) => presenceFrom(aliceJid, 'available')(s) && s.getChildText('show') === 'away', WAIT_MS);
  assert.equal(away.getChildText('status'), 'out for lunch');
  alice.send('AWAY');
  const back = await bob.waitForStanza(presenceFrom(aliceJid, 'available'), WAIT_MS);
  assert.deepEqual([back.getChildText('show'), back.getChildText('status')], [null, null]);

  // The hub stops: her subscriber sees her go (not online for ever in his roster).
  await setup.hub.stop();
  await bob.waitForStanza(presenceFrom(aliceJid, 'unavailable'), WAIT_MS);
});
