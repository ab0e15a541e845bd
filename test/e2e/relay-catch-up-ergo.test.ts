/**
 * IRC catch-up (issue 14: src/networks/irc/catch-up.ts) against a real Ergo, beside the
 * recorded-server unit tests (test/unit/irc-catch-up.test.ts): what alice says in #lobby on IRC
 * while the hub is stopped reaches the XMPP room after it starts again, once, in order, with a
 * XEP-0203 delay carrying Ergo's time, before live messages; joins and parts in history are not
 * relayed as messages (Ergo's HistServ "… joined the channel" without draft/event-playback); a
 * second restart relays nothing again. Skipped (with the reason) without an Ergo binary.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { HubConfig } from '../../src/config/types.js';
import type { RawIrcClient, TestXmppClient, XmlElement } from '../support/clients.js';
import { ergoSkip } from '../support/servers.js';
import { bodyOf, fromBot, IRC_CHANNEL, startBridge, WAIT_MS, type BridgeSetup } from './relay-setup.js';

const NS_DELAY = 'urn:xmpp:delay';

void describe('relay catch-up from CHATHISTORY on a real Ergo', { timeout: 180_000 }, () => {
  let setup: BridgeSetup;
  let alice: RawIrcClient;
  let bob: TestXmppClient;

  /** The hub config with the IRC network's catch-up on. */
  function config(): Partial<HubConfig> {
    const base = setup.config();
    return { networks: base.networks.map((n) => (n.name === 'irc' ? { ...n, options: { ...(n.options as object), catchUp: { enabled: true, maxMessages: 100, maxAgeMinutes: 60, timeoutMs: 15_000 } } } : n)) };
  }

  async function startHub(): Promise<void> {
    await (await setup.startHub({}, undefined, config())).ready;
    await alice.waitForLine(new RegExp(`^(@\\S+ )?:relaybot\\S*!\\S+ JOIN :?${IRC_CHANNEL}`, 'i'), WAIT_MS);
  }

  /** The relayed copies of alice's `text` in the room. */
  const copies = (text: string): XmlElement[] => bob.stanzas.filter(fromBot(setup.room, (b) => b === `<alice@irc> ${text}`));

  before(async () => {
    if (ergoSkip() !== false) return;
    setup = await startBridge({ ircServer: 'ergo' });
    alice = await setup.ircUser('alice');
    bob = await setup.xmppUser('bob', 'bob');
    await startHub();
    alice.send(`PRIVMSG ${IRC_CHANNEL} :before the outage`);
    await bob.waitForStanza(fromBot(setup.room, (b) => b === '<alice@irc> before the outage'), WAIT_MS);
  });
  after(async () => {
    await setup?.stop();
  });

  it('relays what was said on IRC while the hub was stopped, once, in order, with Ergo\'s times, before live messages', { skip: ergoSkip() }, async () => {
    await setup.hub.stop();
    // Someone joins and parts meanwhile: events in history, not messages.
    const carol = await setup.ircUser('carol');
    const said: string[] = [];
    for (let i = 0; i < 5; i++) {
      alice.send(`PRIVMSG ${IRC_CHANNEL} :away ${i}`);
      said.push(`away ${i}`);
    }
    await carol.waitForLine(/:alice!\S+ PRIVMSG #lobby :away 4$/, WAIT_MS);
    await carol.close();
    const mark = bob.stanzas.length;
    await startHub();
    alice.send(`PRIVMSG ${IRC_CHANNEL} :live after the outage`);
    await bob.waitForStanza(fromBot(setup.room, (b) => b === '<alice@irc> live after the outage'), WAIT_MS);
    const relayed = bob.stanzas.slice(mark).filter((s) => s.is('message') && s.attrs.type === 'groupchat' && bodyOf(s) !== undefined);
    assert.deepEqual(relayed.map(bodyOf), [...said, 'live after the outage'].map((t) => `<alice@irc> ${t}`), 'once, in order, nothing else (no join/part as messages)');
    const stamps = relayed.slice(0, said.length).map((s) => s.getChild('delay', NS_DELAY)?.attrs.stamp);
    assert.ok(stamps.every((st) => st !== undefined && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/.test(st)), `delays with Ergo's times: ${JSON.stringify(stamps)}`);
    assert.deepEqual([...stamps].sort(), stamps, 'in time order');
    assert.equal(relayed.at(-1)?.getChild('delay', NS_DELAY), undefined, 'the live one has no delay');
  });

  it('relays nothing again after a second restart', { skip: ergoSkip() }, async () => {
    await setup.hub.stop();
    await startHub();
    alice.send(`PRIVMSG ${IRC_CHANNEL} :after the second restart`);
    await bob.waitForStanza(fromBot(setup.room, (b) => b === '<alice@irc> after the second restart'), WAIT_MS);
    for (const text of ['before the outage', 'away 0', 'away 4', 'live after the outage']) assert.equal(copies(text).length, 1, text);
  });
});
