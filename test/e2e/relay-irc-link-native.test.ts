/**
 * Remote people's membership events made native through the server link (real ngIRCd and
 * Prosody, independent clients on each side): an XMPP occupant's join, nick change, subject
 * change and kick appear on IRC as their virtual client's JOIN, NICK, TOPIC and KICK, not as
 * notices from the service client.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { waitFor } from '../support/wait.js';
import { xml, type RawIrcClient, type TestXmppClient } from '../support/clients.js';
import { startBridge, bodyOf, WAIT_MS, IRC_CHANNEL, XMPP_BOT_NICK, type BridgeSetup } from './relay-setup.js';
import { linkedNetworks } from './relay-irc-link-setup.js';

const MUC_ADMIN = 'http://jabber.org/protocol/muc#admin';

describe('relay through a server link: native membership events', { timeout: 120_000 }, () => {
  let setup: BridgeSetup;
  let alice: RawIrcClient;
  let bob: TestXmppClient;

  before(async () => {
    setup = await startBridge({ ircServer: 'ngircd' });
    // bob creates the room, so he owns it: he may kick and set the subject.
    bob = await setup.xmppUser('bob', 'bob');
    alice = await setup.ircUser('alice');
    await setup.startHub({ events: { joins: true, parts: true, quits: true } }, undefined, { networks: linkedNetworks(setup) });
    await bob.waitForStanza((s) => s.is('presence') && s.attrs.from === `${setup.room}/${XMPP_BOT_NICK}`, WAIT_MS);
  });
  after(() => setup?.stop());

  it('a join is the virtual client joining, a nick change its NICK', async () => {
    const dave = await setup.xmppUser('dave', 'dave');
    assert.match(await alice.waitForLine(/^:dave\|jabber!\S+ JOIN :?#lobby/i, WAIT_MS), /^:dave\|jabber!dave@jabber\./);
    await dave.send(xml('presence', { to: `${setup.room}/davey` }));
    assert.match(await alice.waitForLine(/^:dave\|jabber!\S+ NICK /, WAIT_MS), / NICK :?davey\|jabber$/);
    await dave.sayInRoom(setup.room, 'renamed and here');
    assert.match(await alice.waitForLine(/PRIVMSG #lobby :renamed and here$/, WAIT_MS), /^:davey\|jabber!/);
    // No notice from the service client for what was shown natively, and no quit of the old client.
    assert.equal(alice.lines.filter((l) => /NOTICE #lobby :.*(joined|is now known as)/.test(l)).length, 0, alice.lines.join('\n'));
    assert.equal(alice.lines.filter((l) => /^:dave\|jabber!\S+ QUIT/.test(l)).length, 0);
  });

  it('a private message to a virtual client reaches the occupant, and the answer comes back from it', async () => {
    const hank = await setup.xmppUser('hank', 'hank');
    await alice.waitForLine(/^:hank\|jabber!\S+ JOIN/i, WAIT_MS);
    alice.send('PRIVMSG hank|jabber :psst, hank');
    const pm = await hank.waitForStanza((s) => s.is('message') && s.attrs.type === 'chat' && (bodyOf(s) ?? '').includes('psst'), WAIT_MS);
    assert.equal(pm.attrs.from, `${setup.room}/${XMPP_BOT_NICK}`, 'through the room, from the bridge');
    assert.equal(bodyOf(pm), '<alice@irc> psst, hank');
    await hank.send(xml('message', { to: `${setup.room}/${XMPP_BOT_NICK}`, type: 'chat' }, xml('body', {}, 'hi alice')));
    assert.match(await alice.waitForLine(/ PRIVMSG alice :hi alice$/, WAIT_MS), /^:hank\|jabber!/);
    // Bounded: past ten a minute, the writer is told instead.
    for (let i = 0; i < 10; i++) alice.send(`PRIVMSG hank|jabber :flood ${i}`);
    assert.match(await alice.waitForLine(/ NOTICE alice :Your message was not delivered/, WAIT_MS), /^:hank\|jabber!\S+ NOTICE alice :Your message was not delivered: too many private messages; wait a minute\.$/);
  });

  it("a subject change is the virtual client's TOPIC", async () => {
    await bob.send(xml('message', { to: setup.room, type: 'groupchat' }, xml('subject', {}, 'native topics now')));
    assert.match(await alice.waitForLine(/ TOPIC #lobby :native topics now$/, WAIT_MS), /^:bob\|jabber!/);
    alice.send(`TOPIC ${IRC_CHANNEL}`);
    await alice.waitForLine(/ 332 alice #lobby :native topics now$/, WAIT_MS);
  });

  it("a moderator's kick is a KICK of the virtual client by the kicker's", async () => {
    const erin = await setup.xmppUser('erin', 'erin');
    await alice.waitForLine(/^:erin\|jabber!\S+ JOIN/i, WAIT_MS);
    await bob.send(xml('iq', { type: 'set', to: setup.room, id: 'kick-erin' },
      xml('query', { xmlns: MUC_ADMIN }, xml('item', { nick: 'erin', role: 'none' }, xml('reason', {}, 'enough')))));
    const result = await bob.waitForStanza((s) => s.is('iq') && s.attrs.id === 'kick-erin', WAIT_MS);
    assert.equal(result.attrs.type, 'result', String(result));
    assert.match(await alice.waitForLine(/ KICK #lobby erin\|jabber /i, WAIT_MS), /^:bob\|jabber!\S+ KICK #lobby erin\|jabber :enough$/);
    // Out of its only channel, the virtual client quits (no one shares a channel with it to see
    // the QUIT: ISON tells).
    await waitFor(async () => {
      alice.send('ISON erin|jabber');
      const reply = await alice.waitForLine(/ 303 alice :/, WAIT_MS);
      return reply.endsWith(' 303 alice :') || undefined;
    }, { timeoutMs: WAIT_MS, intervalMs: 200, what: 'erin|jabber to quit' });
    assert.equal(alice.lines.filter((l) => /NOTICE #lobby :.*was kicked/.test(l)).length, 0);
    await erin.close();
  });

  it("a departure is the virtual client's PART or QUIT, with no notice from the service client", async () => {
    const gina = await setup.xmppUser('gina', 'gina');
    await alice.waitForLine(/^:gina\|jabber!\S+ JOIN/i, WAIT_MS);
    await gina.send(xml('presence', { to: `${setup.room}/gina`, type: 'unavailable' }, xml('status', {}, 'see you')));
    assert.match(await alice.waitForLine(/^:gina\|jabber!\S+ (PART|QUIT) /, WAIT_MS), /see you/);
    // The hub relays in order: a line after the departure shows whether a notice came before it.
    await bob.sayInRoom(setup.room, 'after gina left');
    await alice.waitForLine(/PRIVMSG #lobby :after gina left$/, WAIT_MS);
    assert.equal(alice.lines.filter((l) => /NOTICE #lobby :.*gina.*(left|quit)/.test(l)).length, 0, alice.lines.join('\n'));
    await gina.close();
  });
});
