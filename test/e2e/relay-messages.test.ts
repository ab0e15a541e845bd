/* eslint-disable no-control-regex -- IRC formatting and CTCP bytes are what these tests check */
/**
 * The relay end to end: a real hub bridging ngIRCd (and InspIRCd) and Prosody, with an independent client on
 * each side. Messages, /me, formatting, long and multi-line messages, edits, replies,
 * reactions, deletes, joins/parts/nicks/topics, ignore rules and `!bridge status`, both ways.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { xml, type RawIrcClient, type TestXmppClient } from '../support/clients.js';
import { bodyOf, fromBot, ircText, startBridge, WAIT_MS, IRC_CHANNEL, BOT_NICK, type BridgeSetup } from './relay-setup.js';

for (const ircServer of ['ngircd', 'inspircd'] as const) describe(`relay between ${ircServer} and Prosody`, { timeout: 180_000 }, () => {
  let setup: BridgeSetup;
  let alice: RawIrcClient;
  let bob: TestXmppClient;
  let room: string;
  const botLine = (text: RegExp) => new RegExp(`^:${BOT_NICK}!\\S+ (PRIVMSG|NOTICE) ${IRC_CHANNEL} :${text.source}`, 'i');

  before(async () => {
    setup = await startBridge({ ircServer });
    room = setup.room;
    // alice joins before the bot, so she creates the channel and holds op on both servers
    // (InspIRCd makes new channels +t: only operators may set the topic).
    alice = await setup.ircUser('alice');
    await setup.startHub({
      events: { joins: true, parts: true },
      ignoreUsers: ['otherbot'],
      ignoreText: ['^\\[nobridge\\]'],
      rewrite: [{ match: 'colour', replace: 'color' }],
      networks: { irc: { nickColours: false } },
    });
    bob = await setup.xmppUser('bob', 'bob');
  });
  after(() => setup?.stop());

  it('relays a message both ways with the identity prefix', async () => {
    alice.send(`PRIVMSG ${IRC_CHANNEL} :hello from irc`);
    const atXmpp = await bob.waitForStanza(fromBot(room, (b) => b.includes('hello from irc')), WAIT_MS);
    assert.equal(bodyOf(atXmpp), '<alice@irc> hello from irc');

    await bob.sayInRoom(room, 'hello from xmpp');
    const atIrc = await alice.waitForLine(botLine(/.*hello from xmpp/), WAIT_MS);
    assert.equal(ircText(atIrc), '<bob@jabber> hello from xmpp');
  });

  it('relays /me as an action both ways', async () => {
    alice.send(`PRIVMSG ${IRC_CHANNEL} :\x01ACTION waves\x01`);
    const atXmpp = await bob.waitForStanza(fromBot(room, (b) => b.includes('waves') && b.startsWith('/me')), WAIT_MS);
    assert.equal(bodyOf(atXmpp), '/me alice@irc waves');

    await bob.sayInRoom(room, '/me bows');
    const atIrc = await alice.waitForLine(botLine(/\x01ACTION .*bows/), WAIT_MS);
    assert.equal(ircText(atIrc), '\x01ACTION bob@jabber bows\x01');
  });

  it('keeps formatting: IRC bold becomes XMPP strong, XMPP emphasis becomes IRC italics', async () => {
    alice.send(`PRIVMSG ${IRC_CHANNEL} :this is \x02bold\x02 text`);
    const atXmpp = await bob.waitForStanza(fromBot(room, (b) => b.includes('text') && b.includes('bold')), WAIT_MS);
    assert.equal(bodyOf(atXmpp), '<alice@irc> this is *bold* text');

    await bob.sayInRoom(room, 'an _emphasised_ word');
    const atIrc = await alice.waitForLine(botLine(/.*emphasised/), WAIT_MS);
    assert.equal(ircText(atIrc), '<bob@jabber> an \x1demphasised\x1d word');
  });

  it('relays a long XMPP message to IRC split over several lines, nothing lost', async () => {
    const words = Array.from({ length: 150 }, (_, i) => `word${i}`);
    await bob.sayInRoom(room, words.join(' '));
    const lines: string[] = [];
    while (!lines.join(' ').includes('word149')) {
      lines.push(ircText(await alice.waitForLine(botLine(/.*word\d+/), WAIT_MS)));
    }
    assert.ok(lines.length > 1, 'split over several lines');
    assert.ok(lines.every((line) => line.startsWith('<bob@jabber> ')), 'every line carries the identity');
    const joined = lines.map((line) => line.slice('<bob@jabber> '.length)).join(' ').split(/\s+/).filter(Boolean);
    assert.deepEqual(joined, words);
  });

  it('relays a multi-line IRC-bound message as several lines', async () => {
    await bob.sayInRoom(room, 'first line\nsecond line');
    const first = await alice.waitForLine(botLine(/.*first line/), WAIT_MS);
    const second = await alice.waitForLine(botLine(/.*second line/), WAIT_MS);
    assert.match(ircText(first), /^<bob@jabber> first line$/);
    assert.match(ircText(second), /^<bob@jabber> second line$/);
  });

  it('relays an XMPP correction to IRC as "* bob edited: …"', async () => {
    await bob.send(xml('message', { to: room, type: 'groupchat', id: 'orig-1' }, xml('body', {}, 'teh typo')));
    await alice.waitForLine(botLine(/<bob@jabber> teh typo/), WAIT_MS);
    await bob.send(xml('message', { to: room, type: 'groupchat', id: 'fix-1' }, xml('body', {}, 'the typo'), xml('replace', { xmlns: 'urn:xmpp:message-correct:0', id: 'orig-1' })));
    const edit = await alice.waitForLine(botLine(/.*edited/), WAIT_MS);
    assert.equal(ircText(edit), '* bob@jabber edited: the typo');
  });

  it('relays an XMPP reply to a relayed IRC message as "bob: «quote» text" on IRC', async () => {
    alice.send(`PRIVMSG ${IRC_CHANNEL} :what time is the meeting tomorrow morning for the whole team?`);
    const copy = await bob.waitForStanza(fromBot(room, (b) => b.includes('meeting tomorrow')), WAIT_MS);
    const copyId = copy.getChild('origin-id', 'urn:xmpp:sid:0')?.attrs.id ?? copy.attrs.id;
    assert.ok(copyId, 'the relayed copy has an id');
    await bob.send(xml('message', { to: room, type: 'groupchat', id: 'reply-1' },
      xml('body', {}, 'at nine'), xml('reply', { xmlns: 'urn:xmpp:reply:0', id: copyId, to: copy.attrs.from })));
    const reply = await alice.waitForLine(botLine(/.*at nine/), WAIT_MS);
    assert.equal(ircText(reply), '<bob@jabber> alice: «what time is the meeting tomorrow mornin…» at nine');
  });

  it('relays an XMPP reaction to a relayed IRC message as "* bob reacted 👍 to «…»"', async () => {
    alice.send(`PRIVMSG ${IRC_CHANNEL} :lunch?`);
    const copy = await bob.waitForStanza(fromBot(room, (b) => b.endsWith('lunch?')), WAIT_MS);
    const copyId = copy.attrs.id;
    assert.ok(copyId);
    await bob.send(xml('message', { to: room, type: 'groupchat', id: 'react-1' }, xml('reactions', { xmlns: 'urn:xmpp:reactions:0', id: copyId }, xml('reaction', {}, '👍'))));
    const reaction = await alice.waitForLine(botLine(/.*reacted/), WAIT_MS);
    assert.equal(ircText(reaction), '* bob@jabber reacted 👍 to «lunch?»');
  });

  it('does not relay deletes to IRC by default (no native retraction there)', async () => {
    await bob.send(xml('message', { to: room, type: 'groupchat', id: 'gone-1' }, xml('body', {}, 'soon gone')));
    await alice.waitForLine(botLine(/<bob@jabber> soon gone/), WAIT_MS);
    await bob.send(xml('message', { to: room, type: 'groupchat', id: 'retract-1' }, xml('retract', { xmlns: 'urn:xmpp:message-retract:1', id: 'gone-1' })));
    await bob.sayInRoom(room, 'after the delete');
    await alice.waitForLine(botLine(/<bob@jabber> after the delete/), WAIT_MS);
    assert.equal(alice.lines.some((l) => /deleted|soon gone.*soon gone/.test(l)), false, 'the retraction produced no line on IRC');
  });

  it('applies the bridge rules: ignored users, ignored text, rewrites', async () => {
    const other = await setup.ircUser('otherbot');
    other.send(`PRIVMSG ${IRC_CHANNEL} :i am a bot`);
    alice.send(`PRIVMSG ${IRC_CHANNEL} :[nobridge] private aside`);
    alice.send(`PRIVMSG ${IRC_CHANNEL} :my favourite colour`);
    const next = await bob.waitForStanza(fromBot(room, (b) => b.startsWith('<')), WAIT_MS);
    assert.equal(bodyOf(next), '<alice@irc> my favourite color');
  });

  it('relays joins, parts and nick changes from IRC as configured', async () => {
    const carol = await setup.ircUser('carol');
    const joined = await bob.waitForStanza(fromBot(room, (b) => b.includes('carol')), WAIT_MS);
    assert.equal(bodyOf(joined), '* carol@irc joined');
    carol.send('NICK carol2');
    const renamed = await bob.waitForStanza(fromBot(room, (b) => b.includes('known as')), WAIT_MS);
    assert.equal(bodyOf(renamed), '* carol@irc is now known as carol2');
    carol.send(`PART ${IRC_CHANNEL} :bye now`);
    const parted = await bob.waitForStanza(fromBot(room, (b) => b.includes('left')), WAIT_MS);
    assert.equal(bodyOf(parted), '* carol2@irc left (bye now)');
  });

  it('relays a topic change from IRC', async () => {
    alice.send(`TOPIC ${IRC_CHANNEL} :release on friday`);
    const topic = await bob.waitForStanza(fromBot(room, (b) => b.includes('topic')), WAIT_MS);
    assert.equal(bodyOf(topic), '* alice@irc changed the topic to: release on friday');
  });

  it('answers !bridge status in the channel it was asked in, without relaying it', async () => {
    alice.send(`PRIVMSG ${IRC_CHANNEL} :!bridge status`);
    const answer = await alice.waitForLine(new RegExp(`^:${BOT_NICK}!\\S+ NOTICE ${IRC_CHANNEL} :bridge lobby`, 'i'), WAIT_MS);
    assert.match(ircText(answer), /^bridge lobby: irc:#lobby up, queue 0 \| jabber:lobby@conference\.localhost up, queue \d+ \| failed deliveries 0$/);
    await bob.sayInRoom(room, 'after status');
    await alice.waitForLine(botLine(/<bob@jabber> after status/), WAIT_MS);
    assert.equal(bob.stanzas.some((s) => (bodyOf(s) ?? '').includes('!bridge status')), false, 'the command was not relayed');
  });
});
