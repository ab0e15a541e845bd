/**
 * The XMPP component network (XEP-0114) on real Prosody and ngIRCd: IRC people appear in the
 * room as occupants of their own (their nick, their own JID on the component's domain), leave
 * with them, XMPP still reaches IRC, and the component comes back after Prosody restarts.
 */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import type { NetworkConfig } from '../../src/config/types.js';
import { xmppComponentConfigSchema } from '../../src/networks/xmpp-component/config.js';
import { puppetOf } from '../../src/networks/xmpp-component/puppet-jid.js';
import { NS_MUC_USER, type XmlElement } from '../support/clients.js';
import { waitFor } from '../support/wait.js';
import { startBridge, bodyOf, WAIT_MS, IRC_CHANNEL, BOT_NICK, type BridgeSetup } from './relay-setup.js';

/** The component network in place of the bridge's `jabber` client network. */
function componentNetworks(setup: BridgeSetup): NetworkConfig[] {
  const { xmpp } = setup;
  return setup.config().networks.map((n) => n.name !== 'jabber' ? n : {
    name: 'jabber',
    protocol: 'xmpp-component',
    options: xmppComponentConfigSchema.parse({ domain: xmpp.componentDomain, host: xmpp.host, port: xmpp.componentPort, password: xmpp.componentSecret }),
  });
}

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

it('IRC people speak in the XMPP room as occupants of their own, leave with their IRC selves, and come back after a server restart', async (t) => {
  const setup = await startBridge({ ircServer: 'ngircd', prosodyExtraConfig: 'muc_room_default_public_jids = true' });
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

  // Prosody restarts: the component reconnects through the hub's policy and the bot rejoins;
  // an IRC user's next message brings their occupant back.
  await setup.xmpp.restart();
  await waitFor(() => {
    const status = setup.hub.health().networks.jabber;
    return status && status.reconnects >= 1 && status.state === 'connected' ? status : undefined;
  }, { timeoutMs: WAIT_MS * 2, what: 'the component to come back' });
  const dave = await setup.xmppUser('dave', 'dave');
  const erin = await setup.ircUser('erin');
  erin.send(`PRIVMSG ${IRC_CHANNEL} :after the restart`);
  await dave.waitForStanza(said(room, 'erin', 'after the restart'), WAIT_MS);
});
