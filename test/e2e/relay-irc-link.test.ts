/**
 * The relay through a server link (real ngIRCd and Prosody): the IRC side of the bridge is an
 * `irc-link` network, so an XMPP occupant speaks on IRC as a virtual client of its own (no
 * identity prefix), and IRC users' messages reach the XMPP room as before.
 */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { waitFor } from '../support/wait.js';
import { xml } from '../support/clients.js';
import { startBridge, bodyOf, fromBot, WAIT_MS, IRC_CHANNEL } from './relay-setup.js';
import { linkedNetworks } from './relay-irc-link-setup.js';

it('an XMPP occupant speaks on IRC as a virtual client over the server link, and IRC reaches XMPP', async (t) => {
  const setup = await startBridge({ ircServer: 'ngircd' });
  t.after(() => setup.stop());
  const networks = linkedNetworks(setup);
  const alice = await setup.ircUser('alice');
  await setup.startHub({}, undefined, { networks });
  const bob = await setup.xmppUser('bob', 'bob');

  await bob.sayInRoom(setup.room, 'hello over the link');
  const line = await alice.waitForLine(/PRIVMSG #lobby :hello over the link$/i, WAIT_MS);
  assert.match(line, /^:bob\|jabber!bob@jabber\.bridge\.ngircd\.test PRIVMSG #lobby :hello over the link$/, line);

  alice.send(`PRIVMSG ${IRC_CHANNEL} :and back to xmpp`);
  const atXmpp = await bob.waitForStanza(fromBot(setup.room, (b) => b.includes('and back to xmpp')), WAIT_MS);
  assert.equal(bodyOf(atXmpp), '<alice@irc> and back to xmpp');
  // The virtual client's own line is never relayed back to XMPP.
  alice.send(`PRIVMSG ${IRC_CHANNEL} :marker`);
  await bob.waitForStanza(fromBot(setup.room, (b) => b.includes('marker')), WAIT_MS);
  assert.equal(bob.stanzas.filter((s) => (bodyOf(s) ?? '').includes('hello over the link')).length, 1);

  // ngIRCd restarts: the hub's reconnect policy relinks, the state is resynced, bob's virtual
  // client comes back on his next message, and a new IRC user reaches XMPP.
  await setup.irc.restart();
  await waitFor(() => {
    const status = setup.hub.health().networks.irc;
    return status && status.reconnects >= 1 && status.state === 'connected' ? status : undefined;
  }, { timeoutMs: WAIT_MS, what: 'the link to come back' });
  const carol = await setup.ircUser('carol');
  await bob.sayInRoom(setup.room, 'after the restart');
  assert.match(await carol.waitForLine(/PRIVMSG #lobby :after the restart$/, WAIT_MS), /^:bob\|jabber!/);
  carol.send(`PRIVMSG ${IRC_CHANNEL} :carol is here`);
  assert.equal(bodyOf(await bob.waitForStanza(fromBot(setup.room, (b) => b.includes('carol is here')), WAIT_MS)), '<carol@irc> carol is here');

  // bob changes his nick: his virtual client changes its nick (relay-irc-link-native tests more).
  await bob.send(xml('presence', { to: `${setup.room}/bobby` }));
  assert.match(await carol.waitForLine(/^:bob\|jabber!\S+ NICK /, WAIT_MS), /NICK :?bobby\|jabber$/);
  await bob.sayInRoom(setup.room, 'new name');
  assert.match(await carol.waitForLine(/PRIVMSG #lobby :new name$/, WAIT_MS), /^:bobby\|jabber!/);

  // bob leaves the room: his virtual client leaves IRC too (its only channel: it quits).
  await bob.send(xml('presence', { to: `${setup.room}/bobby`, type: 'unavailable' }, xml('status', {}, 'gone for lunch')));
  assert.match(await carol.waitForLine(/^:bobby\|jabber!\S+ QUIT /, WAIT_MS), /QUIT :gone for lunch$/);
});
