/**
 * The relay under load and outages, end to end (ngIRCd, Prosody, a real hub): a 500-message
 * burst each way arrives complete and in order, and messages for a network that is down wait
 * in the persisted queue and arrive in order once it is back.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { RawIrcClient, TestXmppClient } from '../support/clients.js';
import { waitFor } from '../support/wait.js';
import { bodyOf, fromBot, ircText, startBridge, WAIT_MS, IRC_CHANNEL, BOT_NICK, type BridgeSetup } from './relay-setup.js';

const BURST = 500;
const BURST_WAIT_MS = 120_000;

describe('relay bursts and outages between ngIRCd and Prosody', { timeout: 400_000 }, () => {
  let setup: BridgeSetup;
  let alice: RawIrcClient;
  let bob: TestXmppClient;
  let room: string;

  before(async () => {
    setup = await startBridge();
    room = setup.room;
    await setup.startHub({}, undefined, {
      reconnect: { initialDelayMs: 2_500, maxDelayMs: 5_000, factor: 2, jitter: 0, stableAfterMs: 1_000 },
    });
    alice = await setup.ircUser('alice');
    bob = await setup.xmppUser('bob', 'bob');
  });
  after(() => setup?.stop());

  it(`relays a burst of ${BURST} IRC messages to XMPP complete and in order`, async () => {
    for (let i = 0; i < BURST; i++) alice.send(`PRIVMSG ${IRC_CHANNEL} :irc burst ${i}`);
    for (let i = 0; i < BURST; i++) {
      const stanza = await bob.waitForStanza(fromBot(room, (b) => b.includes('irc burst')), BURST_WAIT_MS);
      assert.equal(bodyOf(stanza), `<alice@irc> irc burst ${i}`);
    }
  });

  it(`relays a burst of ${BURST} XMPP messages to IRC complete and in order`, async () => {
    for (let i = 0; i < BURST; i++) await bob.sayInRoom(room, `xmpp burst ${i}`);
    const pattern = new RegExp(`^:${BOT_NICK}!\\S+ PRIVMSG ${IRC_CHANNEL} :<bob@jabber> xmpp burst \\d+$`, 'i');
    for (let i = 0; i < BURST; i++) {
      const line = await alice.waitForLine(pattern, BURST_WAIT_MS);
      assert.equal(ircText(line), `<bob@jabber> xmpp burst ${i}`);
    }
  });

  it('queues messages while the XMPP server is down and delivers them in order after it restarts', async () => {
    const state = () => setup.hub.health().networks.jabber?.state;
    const restarted = setup.xmpp.restart();
    await waitFor(() => (state() !== 'connected' ? true : undefined), { timeoutMs: WAIT_MS, what: 'the hub to notice the XMPP server went away' });
    for (let i = 0; i < 20; i++) alice.send(`PRIVMSG ${IRC_CHANNEL} :while down ${i}`);
    alice.send(`PRIVMSG ${IRC_CHANNEL} :!bridge status`);
    const status = await alice.waitForLine(new RegExp(`^:${BOT_NICK}!\\S+ NOTICE ${IRC_CHANNEL} :bridge lobby`, 'i'), WAIT_MS);
    assert.match(ircText(status), /jabber:lobby@conference\.localhost down \(\w+\), queue 20 /);
    await restarted;
    await bob.close();
    // Join again before the hub reconnects (its first retry waits 2.5 s), so nothing is missed.
    const bob2 = await setup.xmppUser('bob2', 'bob2');
    await waitFor(() => (state() === 'connected' ? true : undefined), { timeoutMs: 30_000, what: 'the hub to reconnect to XMPP' });
    for (let i = 0; i < 20; i++) {
      const stanza = await bob2.waitForStanza(fromBot(room, (b) => b.includes('while down')), WAIT_MS);
      assert.equal(bodyOf(stanza), `<alice@irc> while down ${i}`);
    }
    alice.send(`PRIVMSG ${IRC_CHANNEL} :back to normal`);
    await bob2.waitForStanza(fromBot(room, (b) => b === '<alice@irc> back to normal'), WAIT_MS);
    assert.equal(bob2.stanzas.filter((s) => (bodyOf(s) ?? '').includes('while down')).length, 20, 'nothing delivered twice');
  });
});
