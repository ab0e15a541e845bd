/**
 * What people in a bridged channel send that must not steer the relay (issue 11, findings 6-8
 * and bounded work), end to end: a hub bridging InspIRCd `#lobby` and a Prosody room with a
 * message archive (so the room assigns stanza-ids), with independent clients on both sides.
 *
 * - A STATUSMSG (`PRIVMSG @#lobby`, `NOTICE @#lobby`, `PRIVMSG +#lobby`) reaches only members
 *   with that status: it is not relayed.
 * - The hop marker from someone who is not a configured peer bridge hides nothing: an XMPP
 *   `<relayed/>` element or the IRC client tag, and the message is relayed anyway.
 * - Sender-chosen XMPP ids: an occupant reusing the hub's own delivery id, or two occupants
 *   using the same origin-id, are separate messages, all relayed; a reaction to each goes
 *   to that one.
 * - Received bodies are capped at the network's `maxBodyBytes`, with a marker.
 * - Crash recovery believes only archived messages the bot itself sent (`findDelivered`).
 * - A `<stanza-id by="room">` is believed only from a room that says it assigns them.
 * - A body full of unclosed styling directives is parsed in linear time.
 */
import { describe, it, before, after } from 'node:test';
import { performance } from 'node:perf_hooks';
import assert from 'node:assert/strict';
import { TRUNCATION_MARKER } from '../../src/core/body-cap.js';
import type { AnyEventInput } from '../../src/core/event.js';
import { plainText } from '../../src/core/richtext-ops.js';
import { RELAYED_TAG } from '../../src/networks/irc/tags.js';
import { xml, type RawIrcClient, type TestXmppClient, type XmlElement } from '../support/clients.js';
import { connectTagged } from './irc-test-bot.js';
import { createTestNetwork } from './xmpp-test-network.js';
import { bodyOf, fromBot, ircText as untaggedText, startBridge, WAIT_MS, IRC_CHANNEL, BOT_NICK, type BridgeSetup } from './relay-setup.js';

const SID_NS = 'urn:xmpp:sid:0';
const IRC_MAX_BODY = 256;
const XMPP_MAX_BODY = 1024;

/** The text of a PRIVMSG/NOTICE line, behind its tags (alice negotiated message-tags). */
function ircText(line: string): string {
  return untaggedText(line.startsWith('@') ? line.slice(line.indexOf(' ') + 1) : line);
}

/** The room's stanza-id on a message as a client received it. */
function stanzaIdOf(stanza: XmlElement, room: string): string | undefined {
  return stanza.getChildren('stanza-id', SID_NS).find((s) => s.attrs.by === room)?.attrs.id as string | undefined;
}

/** A groupchat message with the given id attribute and origin-id. */
function withIds(room: string, id: string, text: string, ...extra: XmlElement[]): XmlElement {
  return xml('message', { to: room, type: 'groupchat', id }, xml('body', {}, text), xml('origin-id', { xmlns: SID_NS, id }), ...extra);
}

describe('relay: inbound messages that must not steer the relay (InspIRCd, Prosody with an archive)', { timeout: 180_000 }, () => {
  let setup: BridgeSetup;
  let alice: RawIrcClient;
  let bob: TestXmppClient;
  let carol: TestXmppClient;
  let room: string;
  const botLine = (text: RegExp) => new RegExp(`^(@\\S+ )?:${BOT_NICK}!\\S+ (PRIVMSG|NOTICE) ${IRC_CHANNEL} :${text.source}`, 'i');
  const botLinesWith = (text: string) => alice.lines.filter((l) => botLine(/.*/).test(l) && ircText(l).includes(text));
  const botStanzasWith = (client: TestXmppClient, text: string) => client.stanzas.filter(fromBot(room, (b) => b.includes(text)));

  before(async () => {
    setup = await startBridge({ ircServer: 'inspircd', mucArchive: true });
    room = setup.room;
    // alice is first in #lobby (its operator) and speaks message-tags, so she can send client tags.
    alice = await connectTagged(setup.irc, 'alice', IRC_CHANNEL, WAIT_MS);
    const base = setup.config();
    await setup.startHub(undefined, undefined, {
      networks: base.networks.map((n) => ({ ...n, options: { ...(n.options as object), maxBodyBytes: n.protocol === 'irc' ? IRC_MAX_BODY : XMPP_MAX_BODY } })),
    });
    await alice.waitForLine(new RegExp(`^(@\\S+ )?:${BOT_NICK}!\\S+ JOIN :?${IRC_CHANNEL}`, 'i'), WAIT_MS);
    bob = await setup.xmppUser('bob', 'bob');
    carol = await setup.xmppUser('carol', 'carol');
  });
  after(async () => {
    await alice?.close();
    await setup?.stop();
  });

  it('does not relay STATUSMSG lines (to @#lobby or +#lobby), even with the bot an operator', async () => {
    alice.send(`MODE ${IRC_CHANNEL} +o ${BOT_NICK}`);
    await alice.waitForLine(new RegExp(` MODE ${IRC_CHANNEL} \\+o :?${BOT_NICK}$`, 'i'), WAIT_MS);
    alice.send(`PRIVMSG @${IRC_CHANNEL} :for operators only`);
    alice.send(`NOTICE @${IRC_CHANNEL} :operator notice`);
    alice.send(`PRIVMSG +${IRC_CHANNEL} :for voiced members only`);
    alice.send(`PRIVMSG @${IRC_CHANNEL} :\x01ACTION whispers to the operators\x01`);
    alice.send(`PRIVMSG ${IRC_CHANNEL} :after the status messages`);
    // The relay keeps each channel's order: anything relayed would have arrived first.
    await bob.waitForStanza(fromBot(room, (b) => b.includes('after the status messages')), WAIT_MS);
    for (const text of ['for operators only', 'operator notice', 'for voiced members only', 'whispers to the operators']) {
      assert.deepEqual(botStanzasWith(bob, text).map(bodyOf), [], `"${text}" stays on IRC`);
    }
  });

  it('relays a message whose hop marker comes from someone who is not a peer bridge', async () => {
    await bob.send(xml('message', { to: room, type: 'groupchat', id: 'marked-1' },
      xml('body', {}, 'bob marked his message'), xml('relayed', { xmlns: 'urn:switchboard:relay:0' })));
    const atIrc = await alice.waitForLine(botLine(/.*bob marked his message/), WAIT_MS);
    assert.equal(ircText(atIrc), '<bob@jabber> bob marked his message');

    alice.send(`@${RELAYED_TAG} PRIVMSG ${IRC_CHANNEL} :alice marked her message`);
    const atXmpp = await bob.waitForStanza(fromBot(room, (b) => b.includes('alice marked her message')), WAIT_MS);
    assert.equal(bodyOf(atXmpp), '<alice@irc> alice marked her message');
  });

  it('relays a message that reuses the hub\'s own delivery id: it is not taken for the hub\'s echo', async () => {
    alice.send(`PRIVMSG ${IRC_CHANNEL} :a line the hub relays`);
    const copy = await bob.waitForStanza(fromBot(room, (b) => b.includes('a line the hub relays')), WAIT_MS);
    const deliveryId = copy.getChild('origin-id', SID_NS)?.attrs.id as string | undefined;
    assert.ok(deliveryId, 'the copy carries the delivery id as origin-id');
    await bob.send(withIds(room, deliveryId, 'bob reuses the hub id'));
    const atIrc = await alice.waitForLine(botLine(/.*bob reuses the hub id/), WAIT_MS);
    assert.equal(ircText(atIrc), '<bob@jabber> bob reuses the hub id');
  });

  it('keeps two occupants\' messages with the same origin-id apart: both relayed, a reaction to each goes to that one', async () => {
    const said = (client: TestXmppClient, nick: string, text: string): Promise<XmlElement> =>
      client.waitForStanza((s) => s.is('message') && s.attrs.from === `${room}/${nick}` && bodyOf(s) === text, WAIT_MS);
    await bob.send(withIds(room, 'same-origin-id', 'first of two'));
    await alice.waitForLine(botLine(/<bob@jabber> first of two/), WAIT_MS);
    await carol.send(withIds(room, 'same-origin-id', 'second of two'));
    await alice.waitForLine(botLine(/<carol@jabber> second of two/), WAIT_MS);
    const [firstId, secondId] = [stanzaIdOf(await said(bob, 'bob', 'first of two'), room), stanzaIdOf(await said(bob, 'carol', 'second of two'), room)];
    assert.ok(firstId && secondId, 'the archiving room gave both messages a stanza-id');
    const react = async (id: string, emoji: string): Promise<string> => {
      await bob.send(xml('message', { to: room, type: 'groupchat', id: `react-${emoji}` },
        xml('reactions', { xmlns: 'urn:xmpp:reactions:0', id }, xml('reaction', {}, emoji))));
      return ircText(await alice.waitForLine(botLine(new RegExp(`.*reacted ${emoji}`)), WAIT_MS));
    };
    assert.equal(await react(firstId, '👍'), '* bob@jabber reacted 👍 to «first of two»');
    assert.equal(await react(secondId, '🎉'), '* bob@jabber reacted 🎉 to «second of two»');
  });

  it('caps a long XMPP body at maxBodyBytes with a marker', async () => {
    const words = Array.from({ length: 600 }, (_, i) => `w${i}`);
    await bob.sayInRoom(room, words.join(' '));
    const last = await alice.waitForLine(botLine(/.*truncated/), WAIT_MS);
    assert.ok(ircText(last).endsWith(TRUNCATION_MARKER.trim()), ircText(last));
    await bob.sayInRoom(room, 'after the long one');
    await alice.waitForLine(botLine(/<bob@jabber> after the long one/), WAIT_MS);
    const relayed = botLinesWith('w').map(ircText).join(' ');
    assert.ok(relayed.includes(' w1 ') && relayed.includes(' w99 '), 'the head arrives');
    assert.equal(relayed.includes('w599'), false, 'the tail beyond the cap does not');
  });

  it('caps a long IRC line at maxBodyBytes with a marker', async () => {
    const text = `long irc line ${'x'.repeat(380)}`;
    alice.send(`PRIVMSG ${IRC_CHANNEL} :${text}`);
    const atXmpp = await bob.waitForStanza(fromBot(room, (b) => b.includes('long irc line')), WAIT_MS);
    const body = (bodyOf(atXmpp) ?? '').replace('<alice@irc> ', '');
    assert.ok(body.endsWith(TRUNCATION_MARKER), body);
    assert.ok(Buffer.byteLength(body) <= IRC_MAX_BODY, `${Buffer.byteLength(body)} bytes`);
    assert.ok(text.startsWith(body.slice(0, -TRUNCATION_MARKER.length)), 'the head of the line, unchanged');
  });

  it('crash recovery counts as delivered only what the bot itself archived, not another occupant\'s message with a predicted id', async () => {
    const archiveRoom = `archive@${setup.xmpp.mucDomain}`;
    await setup.xmpp.registerUser('archivebot', 'archivepass');
    const bot = createTestNetwork(setup.xmpp, { user: 'archivebot', password: 'archivepass', rooms: [archiveRoom], options: { nick: 'archivebot' } });
    try {
      await bot.network.connect();
      const channel = { network: 'jabber', id: archiveRoom };
      const since = Date.now() - 60_000;
      const sent = await bot.network.send({ target: { channel }, kind: 'message', body: [{ type: 'text', text: 'ours' }], id: 'delivery-ours' });
      await sent.confirmed;
      await bob.joinRoom(archiveRoom, 'bob', WAIT_MS);
      await bob.send(withIds(archiveRoom, 'delivery-forged', 'a predicted delivery id'));
      await bob.send(withIds(archiveRoom, 'delivery-ours-1', 'a predicted file of ours'));
      await bob.waitForStanza((s) => s.is('message') && s.attrs.from === `${archiveRoom}/bob` && bodyOf(s) === 'a predicted file of ours', WAIT_MS);
      const found = await bot.network.findDelivered(channel, ['delivery-ours', 'delivery-forged'], since);
      assert.ok(found !== undefined, 'the room has an archive');
      assert.deepEqual(Object.fromEntries(found), { 'delivery-ours': ['delivery-ours'] });
    } finally {
      await bot.network.disconnect({ deadlineMs: 1000 });
    }
  });
});

describe('relay: forged stanza-ids and styling floods (ngIRCd, Prosody without an archive)', { timeout: 120_000 }, () => {
  let setup: BridgeSetup;
  let alice: RawIrcClient;
  let bob: TestXmppClient;

  before(async () => {
    setup = await startBridge();
    alice = await setup.ircUser('alice');
    await setup.startHub();
    bob = await setup.xmppUser('bob', 'bob');
  });
  after(() => setup?.stop());

  it('relays a message claiming the room gave it the stanza-id of the hub\'s own copy', async () => {
    const { room } = setup;
    alice.send(`PRIVMSG ${IRC_CHANNEL} :a line for the plain room`);
    const copy = await bob.waitForStanza(fromBot(room, (b) => b.includes('a line for the plain room')), WAIT_MS);
    assert.equal(stanzaIdOf(copy, room), undefined, 'this room assigns no stanza-ids');
    const deliveryId = copy.getChild('origin-id', SID_NS)?.attrs.id as string | undefined;
    assert.ok(deliveryId);
    await bob.send(xml('message', { to: room, type: 'groupchat', id: 'forged-1' },
      xml('body', {}, 'bob forges a stanza-id'), xml('stanza-id', { xmlns: SID_NS, by: room, id: deliveryId })));
    const atIrc = await alice.waitForLine(new RegExp(`^:${BOT_NICK}!\\S+ PRIVMSG ${IRC_CHANNEL} :.*bob forges a stanza-id`, 'i'), WAIT_MS);
    assert.equal(ircText(atIrc), '<bob@jabber> bob forges a stanza-id');
  });

  it('parses a body full of unclosed styling directives without holding the adapter up', async () => {
    // A room the hub does not bridge: only the adapter's own parsing is timed, not the relay's work.
    const room = `styles@${setup.xmpp.mucDomain}`;
    await setup.xmpp.registerUser('stylebot', 'stylepass');
    const bot = createTestNetwork(setup.xmpp, { user: 'stylebot', password: 'stylepass', rooms: [room], options: { nick: 'stylebot' } });
    try {
      await bot.network.connect();
      await bob.joinRoom(room, 'bob', WAIT_MS);
      const flood = '*a '.repeat(20_000); // 60 KB, within the default maxBodyBytes (64 KiB)
      const started = performance.now();
      await bob.sayInRoom(room, flood);
      await bob.sayInRoom(room, 'right after the flood');
      const isText = (text: (plain: string) => boolean) => (e: AnyEventInput): boolean =>
        e.command === 'MESSAGE' && e.args.message.author.nick === 'bob' && text(plainText(e.args.message.body));
      await bot.waitForEvent(isText((t) => t.startsWith('*a *a')), 'the flood', WAIT_MS);
      await bot.waitForEvent(isText((t) => t === 'right after the flood'), 'the next message', WAIT_MS);
      // Parsing it the quadratic way took 7-11 s of CPU, during which nothing else was handled;
      // linear, well under a second (a wide margin for a loaded machine).
      const elapsed = performance.now() - started;
      assert.ok(elapsed < 3_000, `both messages took ${Math.round(elapsed)} ms`);
    } finally {
      await bot.network.disconnect({ deadlineMs: 1000 });
    }
  });
});
