/**
 * The relay through a server link to ircd-hybrid (real hybrid and Prosody): an XMPP occupant
 * speaks on hybrid as a virtual client of its own (TS6 UID, no identity prefix), IRC users'
 * messages reach the XMPP room, and a hybrid restart is followed by a relink.
 */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { ircLinkConfigSchema } from '../../src/networks/irc-link/config.js';
import { waitFor } from '../support/wait.js';
import { xml } from '../support/clients.js';
import { startBridge, bodyOf, fromBot, WAIT_MS, IRC_CHANNEL } from './relay-setup.js';

it('an XMPP occupant speaks on ircd-hybrid as a virtual client over the server link, and hybrid reaches XMPP', async (t) => {
  const setup = await startBridge({ ircServer: 'hybrid' });
  t.after(() => setup.stop());
  const base = setup.config();
  const networks = base.networks.map((n) => n.name !== 'irc' ? n : {
    name: 'irc',
    protocol: 'irc-link',
    options: ircLinkConfigSchema.parse({
      ircd: 'hybrid', host: setup.irc.host, port: setup.irc.linkPort, serverName: setup.irc.link.peerName, sid: '1SB',
      sendPassword: setup.irc.link.peerSends, receivePassword: setup.irc.link.serverSends,
    }),
  });
  const alice = await setup.ircUser('alice');
  await setup.startHub({}, undefined, { networks });
  const bob = await setup.xmppUser('bob', 'bob');

  await bob.sayInRoom(setup.room, 'hello over the link');
  const line = await alice.waitForLine(/PRIVMSG #lobby :hello over the link$/i, WAIT_MS);
  assert.match(line, /^:bob\|jabber!bob@jabber\.bridge\.hybrid\.test PRIVMSG #lobby :hello over the link$/, line);

  alice.send(`PRIVMSG ${IRC_CHANNEL} :and back to xmpp`);
  const atXmpp = await bob.waitForStanza(fromBot(setup.room, (b) => b.includes('and back to xmpp')), WAIT_MS);
  assert.equal(bodyOf(atXmpp), '<alice@irc> and back to xmpp');

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

  // bob leaves the room: his virtual client quits hybrid (its only channel).
  await bob.send(xml('presence', { to: `${setup.room}/bob`, type: 'unavailable' }, xml('status', {}, 'gone for lunch')));
  assert.match(await carol.waitForLine(/^:bob\|jabber!\S+ QUIT /, WAIT_MS), /QUIT :gone for lunch$/);
});
