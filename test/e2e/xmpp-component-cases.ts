/**
 * The XMPP component network (XEP-0114) on a real XMPP server and ngIRCd, written once and run
 * on each server (xmpp-component-prosody.test.ts, xmpp-component-ejabberd.test.ts): IRC people
 * appear in the room as occupants of their own (their nick, their own JID on the component's
 * domain), leave with them, XMPP still reaches IRC, and the component comes back after the
 * server restarts.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { xmppComponentConfigSchema } from '../../src/networks/xmpp-component/config.js';
import { puppetOf } from '../../src/networks/xmpp-component/puppet-jid.js';
import { XmppComponentNetwork } from '../../src/networks/xmpp-component/adapter.js';
import { silentLogger } from '../../src/core/log.js';
import { MemoryStore } from '../support/memory-store.js';
import { startXmppServer, xmppServerLabel, type XmppServerKind } from '../support/servers.js';
import { connectXmppClient, NS_MUC_USER, xml, type XmlElement } from '../support/clients.js';
import { waitFor } from '../support/wait.js';
import { startBridge, bodyOf, xmppBotNetwork, WAIT_MS, IRC_CHANNEL, BOT_NICK } from './relay-setup.js';
import { componentNetworks } from './xmpp-component-setup.js';

/** A groupchat message in `room` from the occupant `nick` whose body is `body`. */
function said(room: string, nick: string, body: string): (s: XmlElement) => boolean {
  return (s) => s.is('message') && s.attrs.type === 'groupchat' && s.attrs.from === `${room}/${nick}` && bodyOf(s) === body;
}

/** The occupant `nick` of `room` is there (`available`) or gone (`unavailable`). */
function presenceOf(room: string, nick: string, type: 'available' | 'unavailable'): (s: XmlElement) => boolean {
  return (s) => s.is('presence') && s.attrs.from === `${room}/${nick}` && (s.attrs.type ?? 'available') === type;
}

/** The real JID a non-anonymous room shows for an occupant's presence. */
function realJidOf(presence: XmlElement): string | undefined {
  return presence.getChild('x', NS_MUC_USER)?.getChild('item')?.attrs.jid;
}

const NS_STANZAS = 'urn:ietf:params:xml:ns:xmpp-stanzas';
const NS_CORRECT = 'urn:xmpp:message-correct:0';
const NS_DISCO_INFO = 'http://jabber.org/protocol/disco#info';

/** The error condition of an error stanza, or undefined. */
function conditionOf(stanza: XmlElement): string | undefined {
  return stanza.getChild('error')?.children.find((c): c is XmlElement => typeof c !== 'string' && c.attrs.xmlns === NS_STANZAS)?.name;
}

/** The suite on one XMPP server. */
export function describeComponentSuite(kind: XmppServerKind): void {
  void describe(`XMPP component on ${xmppServerLabel(kind)}`, { timeout: 120_000 }, () => {
    it('IRC people speak in the XMPP room as occupants of their own, leave with their IRC selves, and are back at once after a server restart', async (t) => {
      const setup = await startBridge({ ircServer: 'ngircd', xmppServer: kind, publicJids: true });
      t.after(() => setup.stop());
      const { room } = setup;
      await setup.startHub({}, undefined, { networks: componentNetworks(setup) });
      const bob = await setup.xmppUser('bob', 'bob');
      const alice = await setup.ircUser('alice');

      // alice's message comes from an occupant "alice", not from the bot, without the identity prefix.
      alice.send(`PRIVMSG ${IRC_CHANNEL} :hello from irc`);
      await bob.waitForStanza(said(room, 'alice', 'hello from irc'), WAIT_MS);
      const joined = await bob.waitForStanza(presenceOf(room, 'alice', 'available'), WAIT_MS);
      const real = realJidOf(joined) ?? '';
      assert.equal(real.split('@')[1]?.split('/')[0], setup.xmpp.componentDomain, real);
      assert.deepEqual(puppetOf(real.split('@')[0] ?? ''), { network: 'irc', userId: 'alice' });

      // A second IRC user is a second occupant; an action is a /me.
      const carol = await setup.ircUser('carol');
      carol.send(`PRIVMSG ${IRC_CHANNEL} :\u0001ACTION waves\u0001`);
      await bob.waitForStanza(said(room, 'carol', '/me waves'), WAIT_MS);
      await bob.waitForStanza(presenceOf(room, 'carol', 'available'), WAIT_MS);

      // XMPP → IRC still works, and the puppets' own messages are not relayed back to IRC.
      await bob.sayInRoom(room, 'hi irc');
      assert.match(await alice.waitForLine(/PRIVMSG #lobby :.*hi irc$/, WAIT_MS), /bob/);
      alice.send(`PRIVMSG ${IRC_CHANNEL} :second line`);
      await bob.waitForStanza(said(room, 'alice', 'second line'), WAIT_MS);
      await bob.sayInRoom(room, 'marker');
      await carol.waitForLine(/PRIVMSG #lobby :.*marker$/, WAIT_MS);
      // Everything the bot said on IRC came before the marker: only bob's two lines.
      const fromBridge = carol.lines.filter((l) => l.startsWith(`:${BOT_NICK}!`) && / PRIVMSG /.test(l));
      assert.deepEqual(fromBridge.map((l) => l.replace(/^.* PRIVMSG #lobby :/, '').replace(/^.*?> /, '')), ['hi irc', 'marker'], fromBridge.join('\n'));

      // A part and a quit on IRC: the occupants leave the room.
      alice.send(`PART ${IRC_CHANNEL} :bye`);
      await bob.waitForStanza(presenceOf(room, 'alice', 'unavailable'), WAIT_MS);
      carol.send('QUIT :gone');
      await bob.waitForStanza(presenceOf(room, 'carol', 'unavailable'), WAIT_MS);

      // gina speaks and stays in the channel.
      const gina = await setup.ircUser('gina');
      gina.send(`PRIVMSG ${IRC_CHANNEL} :before the restart`);
      await bob.waitForStanza(said(room, 'gina', 'before the restart'), WAIT_MS);

      // The server restarts (it drops the component): the component reconnects through the hub's
      // policy, the bot rejoins, and so does gina's occupant, without a new message from her.
      await setup.xmpp.restart();
      await waitFor(() => {
        const status = setup.hub.health().networks.jabber;
        return status && status.reconnects >= 1 && status.state === 'connected' ? status : undefined;
      }, { timeoutMs: WAIT_MS * 2, what: 'the component to come back' });
      const dave = await setup.xmppUser('dave', 'dave');
      await dave.waitForStanza(presenceOf(room, 'gina', 'available'), WAIT_MS);
      gina.send(`PRIVMSG ${IRC_CHANNEL} :after the restart too`);
      await dave.waitForStanza(said(room, 'gina', 'after the restart too'), WAIT_MS);
      // An IRC user new to the room joins it with their first message.
      const erin = await setup.ircUser('erin');
      erin.send(`PRIVMSG ${IRC_CHANNEL} :after the restart`);
      await dave.waitForStanza(said(room, 'erin', 'after the restart'), WAIT_MS);
    });

    it('the component answers disco and refuses what it cannot take; a taken nick gets a suffix; a banned puppet speaks through the bot', async (t) => {
      const setup = await startBridge({ ircServer: 'ngircd', xmppServer: kind });
      t.after(() => setup.stop());
      const { room, xmpp } = setup;
      // bob is in the room first (its owner); frank holds the nick "carol".
      const bob = await setup.xmppUser('bob', 'bob');
      const frank = await setup.xmppUser('frank', 'carol');
      await setup.startHub({}, undefined, { networks: componentNetworks(setup) });
      const alice = await setup.ircUser('alice');
      alice.send(`PRIVMSG ${IRC_CHANNEL} :hello`);
      await bob.waitForStanza(said(room, 'alice', 'hello'), WAIT_MS);

      // Service discovery: the domain is a gateway, a puppet a client; both answer pings.
      const domainInfo = await bob.xmpp.iqCaller.request(xml('iq', { type: 'get', to: xmpp.componentDomain }, xml('query', { xmlns: NS_DISCO_INFO })), WAIT_MS);
      assert.equal(domainInfo.getChild('query', NS_DISCO_INFO)?.getChild('identity')?.attrs.category, 'gateway');
      const aliceJid = `alice\\40irc@${xmpp.componentDomain}`;
      const puppetInfo = await bob.xmpp.iqCaller.request(xml('iq', { type: 'get', to: aliceJid }, xml('query', { xmlns: NS_DISCO_INFO })), WAIT_MS);
      assert.equal(puppetInfo.getChild('query', NS_DISCO_INFO)?.getChild('identity')?.attrs.name, 'alice (irc)');
      await bob.xmpp.iqCaller.request(xml('iq', { type: 'get', to: `${aliceJid}/switchboard` }, xml('ping', { xmlns: 'urn:xmpp:ping' })), WAIT_MS);

      // A JID that maps to no one: service-unavailable, for an IQ and for a message (RFC 6121 §8.5.1).
      await assert.rejects(bob.xmpp.iqCaller.request(xml('iq', { type: 'get', to: `nobody@${xmpp.componentDomain}` }, xml('query', { xmlns: NS_DISCO_INFO })), WAIT_MS),
        (error: Error & { condition?: string }) => error.condition === 'service-unavailable');
      await bob.send(xml('message', { to: `nobody@${xmpp.componentDomain}`, type: 'chat', id: 'm-nobody' }, xml('body', {}, 'hello?')));
      const bounce = await bob.waitForStanza((s) => s.is('message') && s.attrs.id === 'm-nobody' && s.attrs.type === 'error', WAIT_MS);
      assert.equal(conditionOf(bounce), 'service-unavailable');

      // carol's nick is taken in the room by frank: her occupant is carol_1.
      const carol = await setup.ircUser('carol');
      carol.send(`PRIVMSG ${IRC_CHANNEL} :which carol?`);
      await frank.waitForStanza(said(room, 'carol_1', 'which carol?'), WAIT_MS);

      // bob bans alice's puppet: it leaves, and alice's next message comes through the bot, named.
      await bob.xmpp.iqCaller.request(xml('iq', { type: 'set', to: room },
        xml('query', { xmlns: 'http://jabber.org/protocol/muc#admin' }, xml('item', { affiliation: 'outcast', jid: aliceJid }))), WAIT_MS);
      await bob.waitForStanza(presenceOf(room, 'alice', 'unavailable'), WAIT_MS);
      alice.send(`PRIVMSG ${IRC_CHANNEL} :still here`);
      await bob.waitForStanza(said(room, 'switchboard', '<alice> still here'), WAIT_MS);
      // The others are unaffected.
      carol.send(`PRIVMSG ${IRC_CHANNEL} :me too`);
      await bob.waitForStanza(said(room, 'carol_1', 'me too'), WAIT_MS);
    });

    it('a wrong component secret fails the connect for good (no retry can fix it)', async (t) => {
      const xmpp = await startXmppServer(kind);
      t.after(() => xmpp.stop());
      const config = xmppComponentConfigSchema.parse({ domain: xmpp.componentDomain, host: xmpp.host, port: xmpp.componentPort, password: 'wrong' });
      const network = new XmppComponentNetwork({
        name: 'jabber', log: silentLogger(), store: new MemoryStore(), wantedChannels: () => [], emit: () => undefined, connectionLost: () => undefined,
      }, config);
      t.after(() => network.disconnect({ deadlineMs: 1000 }));
      await assert.rejects(network.connect(), (error: Error & { fatal?: boolean }) => error.fatal === true && /not-authorized/.test(error.message));
    });

    it('an XMPP author bridged from another room speaks through a puppet, and their correction corrects the puppet\'s message', async (t) => {
      const setup = await startBridge({ ircServer: 'ngircd', xmppServer: kind });
      t.after(() => setup.stop());
      const { room, xmpp } = setup;
      const side = `side@${xmpp.mucDomain}`;
      const networks = [...componentNetworks(setup).filter((n) => n.name !== 'irc'), xmppBotNetwork(xmpp, 'client', 'bridgebot', 'relay')];
      const bridges = [{ name: 'rooms', channels: [{ network: 'client', id: side }, { network: 'jabber', id: room }], options: {} }];
      await setup.startHub({}, undefined, { networks, bridges });
      const bob = await setup.xmppUser('bob', 'bob');
      await xmpp.registerUser('carl', 'pw');
      const carl = await connectXmppClient({ service: `xmpp://${xmpp.host}:${xmpp.port}`, domain: xmpp.domain, username: 'carl', password: 'pw' });
      t.after(() => carl.close());
      await carl.joinRoom(side, 'carl', WAIT_MS);

      await carl.send(xml('message', { to: side, type: 'groupchat', id: 'c-1' }, xml('body', {}, 'helo')));
      const original = await bob.waitForStanza(said(room, 'carl', 'helo'), WAIT_MS);
      await carl.send(xml('message', { to: side, type: 'groupchat', id: 'c-2' }, xml('body', {}, 'hello'), xml('replace', { xmlns: NS_CORRECT, id: 'c-1' })));
      const correction = await bob.waitForStanza(said(room, 'carl', 'hello'), WAIT_MS);
      assert.equal(correction.getChild('replace', NS_CORRECT)?.attrs.id, original.attrs.id);
    });
  });
}
