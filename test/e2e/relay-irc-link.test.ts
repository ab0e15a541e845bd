/**
 * The relay through a server link (real ngIRCd, InspIRCd or ircd-hybrid, and Prosody): the IRC
 * side of the bridge is an `irc-link` network, so an XMPP occupant speaks on IRC as a virtual
 * client of its own (no identity prefix; `bob|jabber` on ngIRCd and hybrid, which refuse `/`,
 * `bob/jabber` on InspIRCd), IRC users' messages reach the XMPP room as before, and a restart of
 * the ircd is followed by a relink.
 */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { ircLinkConfigSchema } from '../../src/networks/irc-link/config.js';
import { linkOptions } from '../support/link-network.js';
import { waitFor } from '../support/wait.js';
import { xml } from '../support/clients.js';
import { startBridge, bodyOf, fromBot, WAIT_MS, IRC_CHANNEL } from './relay-setup.js';

for (const ircd of ['ngircd', 'inspircd', 'hybrid'] as const) {
  const tag = ircd === 'inspircd' ? '/jabber' : '\\|jabber';
  it(`an XMPP occupant speaks on IRC as a virtual client over the server link (${ircd}), and IRC reaches XMPP`, async (t) => {
    const setup = await startBridge({ ircServer: ircd });
    t.after(() => setup.stop());
    const base = setup.config();
    const networks = base.networks.map((n) => n.name !== 'irc' ? n : {
      name: 'irc',
      protocol: 'irc-link',
      options: ircLinkConfigSchema.parse(linkOptions(ircd, setup.irc)),
    });
    const alice = await setup.ircUser('alice');
    await setup.startHub({}, undefined, { networks });
    const bob = await setup.xmppUser('bob', 'bob');

    await bob.sayInRoom(setup.room, 'hello over the link');
    const line = await alice.waitForLine(/PRIVMSG #lobby :hello over the link$/i, WAIT_MS);
    assert.match(line, new RegExp(`^:bob${tag}!bob@jabber\\.bridge\\.${ircd}\\.test PRIVMSG #lobby :hello over the link$`), line);

    alice.send(`PRIVMSG ${IRC_CHANNEL} :and back to xmpp`);
    const atXmpp = await bob.waitForStanza(fromBot(setup.room, (b) => b.includes('and back to xmpp')), WAIT_MS);
    assert.equal(bodyOf(atXmpp), '<alice@irc> and back to xmpp');
    // The virtual client's own line is never relayed back to XMPP.
    alice.send(`PRIVMSG ${IRC_CHANNEL} :marker`);
    await bob.waitForStanza(fromBot(setup.room, (b) => b.includes('marker')), WAIT_MS);
    assert.equal(bob.stanzas.filter((s) => (bodyOf(s) ?? '').includes('hello over the link')).length, 1);

    // The ircd restarts: the hub's reconnect policy relinks, the state is resynced, bob's virtual
    // client comes back on his next message, and a new IRC user reaches XMPP.
    await setup.irc.restart();
    await waitFor(() => {
      const status = setup.hub.health().networks.irc;
      return status && status.reconnects >= 1 && status.state === 'connected' ? status : undefined;
    }, { timeoutMs: WAIT_MS, what: 'the link to come back' });
    const carol = await setup.ircUser('carol');
    await bob.sayInRoom(setup.room, 'after the restart');
    assert.match(await carol.waitForLine(/PRIVMSG #lobby :after the restart$/, WAIT_MS), new RegExp(`^:bob${tag}!`));
    carol.send(`PRIVMSG ${IRC_CHANNEL} :carol is here`);
    assert.equal(bodyOf(await bob.waitForStanza(fromBot(setup.room, (b) => b.includes('carol is here')), WAIT_MS)), '<carol@irc> carol is here');

    // bob changes his nick: his virtual client changes its nick (relay-irc-link-native tests more).
    await bob.send(xml('presence', { to: `${setup.room}/bobby` }));
    assert.match(await carol.waitForLine(new RegExp(`^:bob${tag}!\\S+ NICK `), WAIT_MS), new RegExp(`NICK :?bobby${tag}$`));
    await bob.sayInRoom(setup.room, 'new name');
    assert.match(await carol.waitForLine(/PRIVMSG #lobby :new name$/, WAIT_MS), new RegExp(`^:bobby${tag}!`));

    // bob leaves the room: his virtual client leaves IRC too (its only channel: it quits).
    await bob.send(xml('presence', { to: `${setup.room}/bobby`, type: 'unavailable' }, xml('status', {}, 'gone for lunch')));
    assert.match(await carol.waitForLine(new RegExp(`^:bobby${tag}!\\S+ QUIT `), WAIT_MS), /QUIT :gone for lunch$/);
  });
}
