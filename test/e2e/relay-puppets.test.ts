/**
 * The relay with an IRC network in puppets mode (real ngIRCd and Prosody): an XMPP user's
 * message comes from an IRC user of its own, without the identity prefix, and IRC users'
 * messages still reach XMPP.
 */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { ircConfigSchema } from '../../src/networks/irc/config.js';
import { startBridge, bodyOf, fromBot, WAIT_MS, IRC_CHANNEL, BOT_NICK } from './relay-setup.js';

it('an XMPP author speaks on IRC through a puppet of their own, without the identity prefix', async (t) => {
  const setup = await startBridge({ ircServer: 'ngircd' });
  t.after(() => setup.stop());
  const base = setup.config();
  const networks = base.networks.map((n) => n.name !== 'irc' ? n : {
    ...n,
    options: ircConfigSchema.parse({
      host: setup.irc.host, port: setup.irc.port, nick: BOT_NICK, flood: { burst: 20, intervalMs: 5 },
      mode: 'puppets', puppets: { nickTemplate: '{nick}[{network}]' },
    }),
  });
  await setup.startHub({}, undefined, { networks });
  const alice = await setup.ircUser('alice');
  const bob = await setup.xmppUser('bob', 'bob');

  await bob.sayInRoom(setup.room, 'hello through a puppet');
  const line = await alice.waitForLine(/PRIVMSG #lobby :hello through a puppet$/i, WAIT_MS);
  assert.match(line, /^:bob\[jabber\]!\S+ PRIVMSG #lobby :hello through a puppet$/i, line);

  alice.send(`PRIVMSG ${IRC_CHANNEL} :and back to xmpp`);
  const atXmpp = await bob.waitForStanza(fromBot(setup.room, (b) => b.includes('and back to xmpp')), WAIT_MS);
  assert.equal(bodyOf(atXmpp), '<alice@irc> and back to xmpp');
  // The puppet's own line is not relayed back to XMPP.
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.equal(bob.stanzas.filter((s) => (bodyOf(s) ?? '').includes('hello through a puppet')).length, 1);
});
