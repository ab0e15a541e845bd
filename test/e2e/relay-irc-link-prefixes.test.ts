/**
 * Prefix modes carried through the server link (real ngIRCd or InspIRCd, and Prosody, independent
 * clients on each side): an XMPP moderator's virtual client is a channel operator on IRC (`@` in NAMES),
 * one made moderator gets +o and loses it with the role; the bridge's `prefixModes` maps the
 * standing to other letters or carries none.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { xml, type RawIrcClient, type TestXmppClient } from '../support/clients.js';
import { startBridge, WAIT_MS, IRC_CHANNEL, XMPP_BOT_NICK, type BridgeSetup } from './relay-setup.js';
import { linkOptions } from '../support/link-network.js';
import { ircLinkConfigSchema } from '../../src/networks/irc-link/config.js';

const MUC_ADMIN = 'http://jabber.org/protocol/muc#admin';
type Ircd = 'ngircd' | 'inspircd';

/** The bridge over the link (bob creates the room: he owns it, so he is a moderator). */
async function linkedBridge(ircd: Ircd, bridgeOptions: Record<string, unknown>): Promise<{ setup: BridgeSetup; alice: RawIrcClient; bob: TestXmppClient }> {
  const setup = await startBridge({ ircServer: ircd });
  try {
    const bob = await setup.xmppUser('bob', 'bob');
    const alice = await setup.ircUser('alice');
    const networks = setup.config().networks.map((n) => n.name !== 'irc' ? n : { name: 'irc', protocol: 'irc-link', options: ircLinkConfigSchema.parse(linkOptions(ircd, setup.irc)) });
    await setup.startHub(bridgeOptions, undefined, { networks });
    await bob.waitForStanza((s) => s.is('presence') && s.attrs.from === `${setup.room}/${XMPP_BOT_NICK}`, WAIT_MS);
    return { setup, alice, bob };
  } catch (error) {
    await setup.stop();
    throw error;
  }
}

/** The names alice's NAMES of the channel lists (with their prefixes). */
async function names(alice: RawIrcClient): Promise<string[]> {
  // Earlier replies (alice's own join) are taken out of the way first.
  for (const reply of [/ 353 alice /, / 366 alice /]) {
    while (await alice.waitForLine(reply, 0).then(() => true, () => false));
  }
  alice.send(`NAMES ${IRC_CHANNEL}`);
  const reply = await alice.waitForLine(/ 353 alice [=*@] #lobby :/, WAIT_MS);
  await alice.waitForLine(/ 366 alice #lobby /, WAIT_MS);
  return reply.slice(reply.indexOf(' :') + 2).split(' ');
}

/** bob (the room's owner) sets `nick`'s role. */
async function setRole(setup: BridgeSetup, bob: TestXmppClient, nick: string, role: string): Promise<void> {
  const id = `role-${nick}-${role}`;
  await bob.send(xml('iq', { type: 'set', to: setup.room, id }, xml('query', { xmlns: MUC_ADMIN }, xml('item', { nick, role }))));
  assert.equal((await bob.waitForStanza((s) => s.is('iq') && s.attrs.id === id, WAIT_MS)).attrs.type, 'result');
}

for (const ircd of ['ngircd', 'inspircd'] as const) {
  /** `nick`'s virtual nick (ngIRCd refuses `/`). */
  const v = (nick: string): string => `${nick}${ircd === 'ngircd' ? '|' : '/'}jabber`;
  const esc = (text: string): string => text.replace(/[|/]/g, '\\$&');
  /** Our server's MODE line giving or taking `change` on `nick`'s virtual client. */
  const mode = (change: string, nick: string): RegExp => new RegExp(` MODE #lobby \\${change} :?${esc(v(nick))}$`);
  /** A line from `nick`'s virtual client (InspIRCd may put message tags first). */
  const from = (nick: string, rest: string): RegExp => new RegExp(`^(@\\S+ )?:${esc(v(nick))}!\\S+ ${rest}`, 'i');

  describe(`prefix modes through the server link on ${ircd} (default: moderators are +o)`, { timeout: 120_000 }, () => {
    let setup: BridgeSetup;
    let alice: RawIrcClient;
    let bob: TestXmppClient;
    before(async () => ({ setup, alice, bob } = await linkedBridge(ircd, { events: { joins: true } })));
    after(() => setup?.stop());

    it("an XMPP moderator's virtual client is a channel operator: @ in NAMES", async () => {
      assert.match(await alice.waitForLine(mode('+o', 'bob'), WAIT_MS), new RegExp(`^(@\\S+ )?:bridge\\.${ircd}\\.test MODE `));
      assert.ok((await names(alice)).includes(`@${v('bob')}`));
    });

    it('an occupant made moderator gets +o, and loses it with the role', async () => {
      const carol = await setup.xmppUser('carol', 'carol');
      await alice.waitForLine(from('carol', 'JOIN'), WAIT_MS);
      assert.ok((await names(alice)).includes(v('carol')), 'a participant has no prefix');
      await setRole(setup, bob, 'carol', 'moderator');
      await alice.waitForLine(mode('+o', 'carol'), WAIT_MS);
      await setRole(setup, bob, 'carol', 'participant');
      await alice.waitForLine(mode('-o', 'carol'), WAIT_MS);
      assert.ok((await names(alice)).includes(v('carol')));
      await carol.sayInRoom(setup.room, 'carol still here');
      await alice.waitForLine(from('carol', 'PRIVMSG #lobby :carol still here$'), WAIT_MS);
    });
  });

  describe(`prefix modes through the server link on ${ircd} (prefixModes: { op: v }, joins not relayed)`, { timeout: 120_000 }, () => {
    let setup: BridgeSetup;
    let alice: RawIrcClient;
    let bob: TestXmppClient;
    before(async () => ({ setup, alice, bob } = await linkedBridge(ircd, { prefixModes: { op: 'v' } })));
    after(() => setup?.stop());

    it("a moderator's virtual client, brought by their first message, gets the mapped mode", async () => {
      await bob.sayInRoom(setup.room, 'bob speaks first');
      await alice.waitForLine(from('bob', 'JOIN'), WAIT_MS);
      await alice.waitForLine(mode('+v', 'bob'), WAIT_MS);
      await alice.waitForLine(from('bob', 'PRIVMSG #lobby :bob speaks first$'), WAIT_MS);
      assert.ok((await names(alice)).includes(`+${v('bob')}`));
    });
  });

  describe(`prefix modes through the server link on ${ircd} (prefixModes: false)`, { timeout: 120_000 }, () => {
    let setup: BridgeSetup;
    let alice: RawIrcClient;
    let bob: TestXmppClient;
    before(async () => ({ setup, alice, bob } = await linkedBridge(ircd, { prefixModes: false, events: { joins: true } })));
    after(() => setup?.stop());

    it("a moderator's virtual client gets no prefix mode", async () => {
      await alice.waitForLine(from('bob', 'JOIN'), WAIT_MS);
      await bob.sayInRoom(setup.room, 'no modes for me');
      await alice.waitForLine(/PRIVMSG #lobby :no modes for me$/, WAIT_MS);
      assert.ok((await names(alice)).includes(v('bob')));
      assert.equal(alice.lines.some((l) => l.includes(' MODE #lobby ') && l.includes(v('bob'))), false);
    });
  });
}
