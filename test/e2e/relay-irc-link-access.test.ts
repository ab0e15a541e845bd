/**
 * The access module through the server link (real ngIRCd and Prosody, independent clients on
 * each side): a denied IRC user in a bridged link channel is kicked by the link's service client
 * (and banned by our server with `ban: true`), at startup as when they join, and nothing they
 * say is relayed to XMPP.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { RawIrcClient, TestXmppClient } from '../support/clients.js';
import { connectRawIrc } from '../support/clients.js';
import { startBridge, bodyOf, WAIT_MS, IRC_CHANNEL, XMPP_BOT_NICK, type BridgeSetup } from './relay-setup.js';
import { linkedNetworks } from './relay-irc-link-setup.js';

const KICKED = (nick: string) => new RegExp(`^:Switchboard!\\S+ KICK ${IRC_CHANNEL} ${nick} :not allowed here$`, 'i');

/** The bridge over the link with the access module securing the IRC channel (mallory* denied). */
async function securedBridge(ban: boolean): Promise<{ setup: BridgeSetup; alice: RawIrcClient; early: RawIrcClient; bob: TestXmppClient }> {
  const setup = await startBridge({ ircServer: 'ngircd' });
  try {
    const bob = await setup.xmppUser('bob', 'bob');
    const alice = await setup.ircUser('alice');
    // Denied, and in the channel before the hub links: removed by the startup verification.
    const early = await setup.ircUser('mallory0');
    await setup.startHub({}, undefined, {
      networks: linkedNetworks(setup),
      modules: [
        { module: 'relay', specifier: 'relay', config: undefined },
        { module: 'access', specifier: 'access', config: { channels: [`irc:${IRC_CHANNEL}`], predicates: [{ deny: ['irc:nick:mallory*'] }], ban, reason: 'not allowed here', confirmMs: 2000 } },
      ],
    });
    await bob.waitForStanza((s) => s.is('presence') && s.attrs.from === `${setup.room}/${XMPP_BOT_NICK}`, WAIT_MS);
    return { setup, alice, early, bob };
  } catch (error) {
    await setup.stop();
    throw error;
  }
}

/** alice says `text` and bob has it: everything relayed before it has arrived too. */
async function marker(setup: BridgeSetup, alice: RawIrcClient, bob: TestXmppClient, text: string): Promise<void> {
  alice.send(`PRIVMSG ${IRC_CHANNEL} :${text}`);
  await bob.waitForStanza((s) => (bodyOf(s) ?? '').includes(text), WAIT_MS);
}

function relayed(bob: TestXmppClient, text: string): boolean {
  return bob.stanzas.some((s) => (bodyOf(s) ?? '').includes(text));
}

for (const ban of [false, true]) {
  describe(`access control through the server link (ban: ${ban})`, { timeout: 120_000 }, () => {
    let setup: BridgeSetup;
    let alice: RawIrcClient;
    let early: RawIrcClient;
    let bob: TestXmppClient;
    before(async () => ({ setup, alice, early, bob } = await securedBridge(ban)));
    after(() => setup?.stop());

    it('a denied user already in the channel is removed once the link is up', async () => {
      assert.match(await early.waitForLine(KICKED('mallory0'), WAIT_MS), KICKED('mallory0'));
      const banLine = ban ? await alice.waitForLine(/ MODE #lobby \+b /, WAIT_MS) : undefined;
      if (ban) assert.match(banLine ?? '', /^:bridge\.ngircd\.test MODE #lobby \+b \*!\*@\S+$/);
    });

    it('a denied user who joins and speaks at once is removed and not relayed', async () => {
      const mallory = await connectRawIrc({ host: setup.irc.host, port: setup.irc.port, nick: 'mallory' });
      try {
        mallory.send(`JOIN ${IRC_CHANNEL}`);
        mallory.send(`PRIVMSG ${IRC_CHANNEL} :mallory was here`);
        if (ban) {
          // The ban on the host that mallory0 had (the same loopback host) keeps mallory out.
          assert.match(await mallory.waitForLine(/ 474 mallory /, WAIT_MS), /#lobby/i);
        } else {
          await mallory.waitForLine(KICKED('mallory'), WAIT_MS);
          await alice.waitForLine(/PRIVMSG #lobby :mallory was here$/, WAIT_MS);
          // Kicked: a message after the kick is refused by ngIRCd, and mallory may join again (no ban).
          mallory.send(`JOIN ${IRC_CHANNEL}`);
          await mallory.waitForLine(KICKED('mallory'), WAIT_MS);
        }
        await marker(setup, alice, bob, 'marker after the intruder');
        assert.equal(relayed(bob, 'mallory was here'), false, 'a denied user was relayed');
        assert.equal(relayed(bob, 'mallory'), false, 'something of mallory was relayed');
      } finally {
        await mallory.close();
      }
    });

    it('allowed users are left alone and relayed', async () => {
      await marker(setup, alice, bob, 'alice is still here');
      assert.equal(alice.lines.some((l) => / KICK #lobby alice /i.test(l)), false);
    });
  });
}
