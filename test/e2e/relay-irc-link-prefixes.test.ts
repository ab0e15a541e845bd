/**
 * Prefix modes carried through the server link (real ngIRCd and Prosody, independent clients on
 * each side): an XMPP moderator's virtual client is a channel operator on IRC (`@` in NAMES),
 * one made moderator gets +o and loses it with the role; the bridge's `prefixModes` maps the
 * standing to other letters or carries none.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { xml, type RawIrcClient, type TestXmppClient } from '../support/clients.js';
import { startBridge, WAIT_MS, IRC_CHANNEL, XMPP_BOT_NICK, type BridgeSetup } from './relay-setup.js';
import { linkedNetworks } from './relay-irc-link-setup.js';

const MUC_ADMIN = 'http://jabber.org/protocol/muc#admin';

/** The bridge over the link (bob creates the room: he owns it, so he is a moderator). */
async function linkedBridge(bridgeOptions: Record<string, unknown>): Promise<{ setup: BridgeSetup; alice: RawIrcClient; bob: TestXmppClient }> {
  const setup = await startBridge({ ircServer: 'ngircd' });
  try {
    const bob = await setup.xmppUser('bob', 'bob');
    const alice = await setup.ircUser('alice');
    await setup.startHub(bridgeOptions, undefined, { networks: linkedNetworks(setup) });
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

describe('prefix modes through the server link (default: moderators are +o)', { timeout: 120_000 }, () => {
  let setup: BridgeSetup;
  let alice: RawIrcClient;
  let bob: TestXmppClient;
  before(async () => ({ setup, alice, bob } = await linkedBridge({ events: { joins: true } })));
  after(() => setup?.stop());

  it("an XMPP moderator's virtual client is a channel operator: @ in NAMES", async () => {
    assert.match(await alice.waitForLine(/ MODE #lobby \+o bob\|jabber$/, WAIT_MS), /^:bridge\.ngircd\.test MODE /);
    assert.ok((await names(alice)).includes('@bob|jabber'));
  });

  it('an occupant made moderator gets +o, and loses it with the role', async () => {
    const carol = await setup.xmppUser('carol', 'carol');
    await alice.waitForLine(/^:carol\|jabber!\S+ JOIN/i, WAIT_MS);
    assert.ok((await names(alice)).includes('carol|jabber'), 'a participant has no prefix');
    await setRole(setup, bob, 'carol', 'moderator');
    await alice.waitForLine(/ MODE #lobby \+o carol\|jabber$/, WAIT_MS);
    await setRole(setup, bob, 'carol', 'participant');
    await alice.waitForLine(/ MODE #lobby -o carol\|jabber$/, WAIT_MS);
    assert.ok((await names(alice)).includes('carol|jabber'));
    await carol.sayInRoom(setup.room, 'carol still here');
    await alice.waitForLine(/^:carol\|jabber!\S+ PRIVMSG #lobby :carol still here$/, WAIT_MS);
  });
});

describe('prefix modes through the server link (prefixModes: { op: v }, joins not relayed)', { timeout: 120_000 }, () => {
  let setup: BridgeSetup;
  let alice: RawIrcClient;
  let bob: TestXmppClient;
  before(async () => ({ setup, alice, bob } = await linkedBridge({ prefixModes: { op: 'v' } })));
  after(() => setup?.stop());

  it("a moderator's virtual client, brought by their first message, gets the mapped mode", async () => {
    await bob.sayInRoom(setup.room, 'bob speaks first');
    await alice.waitForLine(/^:bob\|jabber!\S+ JOIN/i, WAIT_MS);
    await alice.waitForLine(/ MODE #lobby \+v bob\|jabber$/, WAIT_MS);
    await alice.waitForLine(/^:bob\|jabber!\S+ PRIVMSG #lobby :bob speaks first$/, WAIT_MS);
    assert.ok((await names(alice)).includes('+bob|jabber'));
  });
});

describe('prefix modes through the server link (prefixModes: false)', { timeout: 120_000 }, () => {
  let setup: BridgeSetup;
  let alice: RawIrcClient;
  let bob: TestXmppClient;
  before(async () => ({ setup, alice, bob } = await linkedBridge({ prefixModes: false, events: { joins: true } })));
  after(() => setup?.stop());

  it("a moderator's virtual client gets no prefix mode", async () => {
    await alice.waitForLine(/^:bob\|jabber!\S+ JOIN/i, WAIT_MS);
    await bob.sayInRoom(setup.room, 'no modes for me');
    await alice.waitForLine(/PRIVMSG #lobby :no modes for me$/, WAIT_MS);
    assert.ok((await names(alice)).includes('bob|jabber'));
    assert.equal(alice.lines.some((l) => / MODE #lobby \S+ bob\|jabber$/.test(l)), false);
  });
});
