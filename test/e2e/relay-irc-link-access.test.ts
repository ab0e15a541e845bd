/**
 * The access module through the server link (real ngIRCd or InspIRCd, and Prosody, independent
 * clients on each side): a denied IRC user in a bridged link channel is kicked by the link's
 * service client (and banned by our server with `ban: true`), at startup as when they join, and
 * nothing they say is relayed to XMPP; a remote person denied in their room loses their virtual
 * client on IRC.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { RawIrcClient, TestXmppClient } from '../support/clients.js';
import { connectRawIrc } from '../support/clients.js';
import { fileURLToPath } from 'node:url';
import { startBridge, bodyOf, WAIT_MS, IRC_CHANNEL, XMPP_BOT_NICK, type BridgeSetup } from './relay-setup.js';
import { linkOptions } from '../support/link-network.js';
import { ircLinkConfigSchema } from '../../src/networks/irc-link/config.js';
import { newKnobs, type Knobs } from './access-fixtures.js';

const FIXTURE = fileURLToPath(new URL('./access-fixtures.js', import.meta.url));
const KICKED = (nick: string) => new RegExp(`^(@\\S+ )?:Switchboard!\\S+ KICK ${IRC_CHANNEL} ${nick} :not allowed here$`, 'i');

/**
 * The bridge over the link with the access module securing both sides: mallory* denied on IRC,
 * and whoever the knobs module denies (changed while the hub runs).
 */
async function securedBridge(ircd: 'ngircd' | 'inspircd', ban: boolean, knobs: Knobs): Promise<{ setup: BridgeSetup; alice: RawIrcClient; early: RawIrcClient; bob: TestXmppClient }> {
  const setup = await startBridge({ ircServer: ircd });
  try {
    const bob = await setup.xmppUser('bob', 'bob');
    const alice = await setup.ircUser('alice');
    // Denied, and in the channel before the hub links: removed by the startup verification.
    const early = await setup.ircUser('mallory0');
    const networks = setup.config().networks.map((n) => n.name !== 'irc' ? n : { name: 'irc', protocol: 'irc-link', options: ircLinkConfigSchema.parse(linkOptions(ircd, setup.irc)) });
    await setup.startHub({ events: { joins: true } }, undefined, {
      networks,
      modules: [
        { module: './access-fixtures.js', specifier: FIXTURE, config: knobs },
        { module: 'relay', specifier: 'relay', config: undefined },
        {
          module: 'access',
          specifier: 'access',
          config: {
            channels: [`irc:${IRC_CHANNEL}`, `jabber:${setup.room}`],
            predicates: [{ deny: ['irc:nick:mallory*'] }, { module: 'access-knobs' }],
            ban, reason: 'not allowed here', confirmMs: 2000, relayCacheMs: 0,
          },
        },
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

for (const [ircd, ban] of [['ngircd', false], ['ngircd', true], ['inspircd', false], ['inspircd', true]] as const) {
  describe(`access control through the server link (${ircd}, ban: ${ban})`, { timeout: 120_000 }, () => {
    let setup: BridgeSetup;
    let alice: RawIrcClient;
    let early: RawIrcClient;
    let bob: TestXmppClient;
    const knobs = newKnobs();
    const sep = ircd === 'ngircd' ? '\\|' : '/';
    before(async () => ({ setup, alice, early, bob } = await securedBridge(ircd, ban, knobs)));
    after(() => setup?.stop());

    it('a denied user already in the channel is removed once the link is up', async () => {
      assert.match(await early.waitForLine(KICKED('mallory0'), WAIT_MS), KICKED('mallory0'));
      const banLine = ban ? await alice.waitForLine(/ MODE #lobby \+b /, WAIT_MS) : undefined;
      if (ban) assert.match(banLine ?? '', new RegExp(`^(@\\S+ )?:bridge\\.${ircd}\\.test MODE #lobby :?\\+b :?\\*!\\*@\\S+$`));
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

    it('a remote person denied in their room loses their virtual client, and is not relayed', async () => {
      const eve = await setup.xmppUser(`eve${ban ? 'b' : 'k'}`, 'eve');
      const eveLine = (what: string) => new RegExp(`^(@\\S+ )?:eve${sep}jabber!\\S+ ${what}`);
      await alice.waitForLine(eveLine('JOIN'), WAIT_MS);
      // Now denied (the bot is no moderator in the room: she stays there, unheard on IRC).
      knobs.deny.add('eve');
      await eve.sayInRoom(setup.room, 'eve after the denial');
      await alice.waitForLine(eveLine('(PART|QUIT) '), WAIT_MS);
      await marker(setup, alice, bob, 'marker after eve');
      assert.equal(alice.lines.some((l) => l.includes('eve after the denial')), false, 'a denied person was relayed');
    });
  });
}
