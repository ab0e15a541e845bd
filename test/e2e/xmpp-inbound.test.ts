/**
 * XMPP adapter against a real Prosody: what an independent client does in a room arrives at the
 * adapter as the right catalog events.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { EventInput } from '../../src/core/event.js';
import { startProsody, type XmppServer } from '../support/servers.js';
import { connectXmppClient, xml, type TestXmppClient } from '../support/clients.js';
import { waitFor } from '../support/wait.js';
import { SENDER_ID_PREFIX } from '../../src/networks/xmpp/message-ids.js';
import { createTestNetwork, NETWORK, WAIT_MS, type TestNetwork } from './xmpp-test-network.js';

void describe('XMPP adapter: inbound events', () => {
  let server: XmppServer;
  let alice: TestXmppClient;
  let bot: TestNetwork;
  let room: string;
  /** The hub id of alice's message `m1` (the room assigns no stanza-ids: her id, scoped by her). */
  let m1HubId: string;

  before(async () => {
    server = await startProsody({ users: [['bot', 'botpass'], ['alice', 'alicepass']] });
    room = `lobby@${server.mucDomain}`;
    alice = await connectXmppClient({ service: `xmpp://${server.host}:${server.port}`, domain: server.domain, username: 'alice', password: 'alicepass' });
    await alice.joinRoom(room, 'Alice');
    // Join-time history: said before the bot joins, must never arrive as MESSAGE.
    await alice.sayInRoom(room, 'said before the bot came');
    bot = createTestNetwork(server, { user: 'bot', password: 'botpass', rooms: [room.toUpperCase()], options: { nick: 'switchbot' } });
    await bot.network.connect();
  });

  after(async () => {
    await bot?.network.disconnect({ deadlineMs: 1000 });
    await alice?.close();
    await server?.stop();
  });

  const inRoom = (e: { args: unknown }): boolean => (e.args as { channel?: { id: string } }).channel?.id === room;

  void it('joins the wanted rooms, emits JOIN with the occupants, then ENDBURST', async () => {
    const commands = bot.events.map((e) => e.command);
    assert.ok(commands.indexOf('JOIN') < commands.indexOf('ENDBURST'), commands.join(' '));
    const join = await bot.waitForEvent<EventInput<'JOIN'>>((e) => e.command === 'JOIN', 'the initial JOIN');
    assert.equal(join.args.channel.id, room);
    assert.deepEqual(join.args.users.map((u) => u.nick).sort(), ['Alice', 'switchbot']);
    const alicesRef = join.args.users.find((u) => u.nick === 'Alice');
    assert.equal(alicesRef?.id, `${room}/Alice`);
    const endburst = await bot.waitForEvent<EventInput<'ENDBURST'>>((e) => e.command === 'ENDBURST', 'ENDBURST');
    assert.equal(endburst.sender, NETWORK);
    assert.equal(endburst.args.server, NETWORK);
    assert.deepEqual(bot.network.members({ network: NETWORK, id: room }).map((u) => u.nick).sort(), ['Alice', 'switchbot']);
  });

  void it('a styled message arrives as MESSAGE with RichText; history does not', async () => {
    await alice.send(
      xml('message', { to: room, type: 'groupchat', id: 'm1' }, xml('body', {}, 'hello *world* <&>'), xml('origin-id', { xmlns: 'urn:xmpp:sid:0', id: 'm1' })),
    );
    const event = await bot.waitForEvent<EventInput<'MESSAGE'>>((e) => e.command === 'MESSAGE' && inRoom(e), 'the MESSAGE');
    assert.equal(event.sender, `${room}/Alice`);
    m1HubId = event.args.message.id;
    assert.ok(m1HubId.startsWith(SENDER_ID_PREFIX) && m1HubId.endsWith('/m1'), `alice's own id, scoped by her: ${m1HubId}`);
    assert.equal(event.args.message.kind, 'message');
    assert.equal(event.args.message.author.nick, 'Alice');
    assert.deepEqual(event.args.message.body, [
      { type: 'text', text: 'hello ' },
      { type: 'bold', children: [{ type: 'text', text: 'world' }] },
      { type: 'text', text: ' <&>' },
    ]);
    assert.equal(bot.events.filter((e) => e.command === 'MESSAGE').length, 1, 'the history message was not relayed');
  });

  void it('/me, corrections, replies, retractions, reactions, chat states and OOB links', async () => {
    await alice.send(xml('message', { to: room, type: 'groupchat', id: 'm2' }, xml('body', {}, '/me waves')));
    const action = await bot.waitForEvent<EventInput<'MESSAGE'>>((e) => e.command === 'MESSAGE', 'the action');
    assert.equal(action.args.message.kind, 'action');
    const m2HubId = action.args.message.id;
    assert.deepEqual(action.args.message.body, [{ type: 'text', text: 'waves' }]);

    await alice.send(
      xml('message', { to: room, type: 'groupchat', id: 'm3' }, xml('body', {}, 'waves again'), xml('replace', { xmlns: 'urn:xmpp:message-correct:0', id: 'm2' })),
    );
    const edit = await bot.waitForEvent<EventInput<'EDIT'>>((e) => e.command === 'EDIT', 'the EDIT');
    assert.equal(edit.args.messageId, m2HubId);
    assert.equal(edit.args.message.editOf, m2HubId);
    assert.deepEqual(edit.args.message.body, [{ type: 'text', text: 'waves again' }]);

    await alice.send(
      xml('message', { to: room, type: 'groupchat', id: 'm4' }, xml('body', {}, 'an answer'), xml('reply', { xmlns: 'urn:xmpp:reply:0', id: 'm1', to: `${room}/Alice` })),
    );
    const reply = await bot.waitForEvent<EventInput<'MESSAGE'>>((e) => e.command === 'MESSAGE', 'the reply');
    assert.equal(reply.args.message.replyTo, m1HubId);

    await alice.send(xml('message', { to: room, type: 'groupchat', id: 'm5' }, xml('retract', { xmlns: 'urn:xmpp:message-retract:1', id: 'm4' })));
    const del = await bot.waitForEvent<EventInput<'DELETE'>>((e) => e.command === 'DELETE', 'the DELETE');
    assert.equal(del.args.messageId, reply.args.message.id);
    assert.equal(del.args.by.nick, 'Alice');

    const react = (id: string, ...emojis: string[]) =>
      alice.send(xml('message', { to: room, type: 'groupchat', id }, xml('reactions', { xmlns: 'urn:xmpp:reactions:0', id: 'm1' }, ...emojis.map((r) => xml('reaction', {}, r)))));
    await react('m6', '👍', '🎉');
    const added = [
      await bot.waitForEvent<EventInput<'REACT'>>((e) => e.command === 'REACT', 'reaction 1'),
      await bot.waitForEvent<EventInput<'REACT'>>((e) => e.command === 'REACT', 'reaction 2'),
    ];
    assert.deepEqual(added.map((e) => [e.args.messageId, e.args.reaction, e.args.removed]).sort(), [[m1HubId, '🎉', false], [m1HubId, '👍', false]]);
    await react('m7', '🎉');
    const removed = await bot.waitForEvent<EventInput<'REACT'>>((e) => e.command === 'REACT', 'the withdrawn reaction');
    assert.deepEqual([removed.args.reaction, removed.args.removed], ['👍', true]);

    await alice.send(xml('message', { to: room, type: 'groupchat' }, xml('composing', { xmlns: 'http://jabber.org/protocol/chatstates' })));
    const typing = await bot.waitForEvent<EventInput<'TYPING'>>((e) => e.command === 'TYPING', 'TYPING');
    assert.equal(typing.args.state, 'composing');
    assert.equal(typing.args.user.nick, 'Alice');

    const url = 'https://files.example/a%20cat.png';
    await alice.send(
      xml('message', { to: room, type: 'groupchat', id: 'm8' }, xml('body', {}, url), xml('x', { xmlns: 'jabber:x:oob' }, xml('url', {}, url))),
    );
    const file = await bot.waitForEvent<EventInput<'MESSAGE'>>((e) => e.command === 'MESSAGE', 'the file');
    assert.deepEqual(file.args.message.attachments, [{ url, name: 'a cat.png' }]);
    assert.deepEqual(file.args.message.body, []);
  });

  void it('subject, nick change, presence and leaving', async () => {
    await alice.send(xml('message', { to: room, type: 'groupchat' }, xml('subject', {}, 'Welcome!')));
    const topic = await bot.waitForEvent<EventInput<'TOPIC'>>((e) => e.command === 'TOPIC' && (e.args as { text: string }).text === 'Welcome!', 'TOPIC');
    assert.equal(topic.args.setter, 'Alice');
    assert.equal(topic.args.initial, false, 'a change made now is not the initial topic');

    await alice.send(xml('presence', { to: `${room}/Alicia` }));
    const nick = await bot.waitForEvent<EventInput<'NICK'>>((e) => e.command === 'NICK', 'NICK');
    assert.deepEqual([nick.args.oldNick, nick.args.newNick, nick.args.user.id, nick.args.user.nick, nick.sender], ['Alice', 'Alicia', `${room}/Alice`, 'Alice', `${room}/Alice`]);
    assert.deepEqual(nick.args.channel, { network: NETWORK, id: room });

    await alice.send(xml('presence', { to: `${room}/Alicia` }, xml('show', {}, 'away'), xml('status', {}, 'lunch')));
    const presence = await bot.waitForEvent<EventInput<'PRESENCE'>>((e) => e.command === 'PRESENCE', 'PRESENCE');
    assert.deepEqual([presence.args.state, presence.args.status], ['away', 'lunch']);

    await alice.send(xml('presence', { to: `${room}/Alicia`, type: 'unavailable' }, xml('status', {}, 'bye all')));
    const part = await bot.waitForEvent<EventInput<'PART'>>((e) => e.command === 'PART', 'PART');
    assert.equal(part.args.user.nick, 'Alicia');
    assert.equal(part.args.reason, 'bye all');
    assert.deepEqual(bot.network.members({ network: NETWORK, id: room }).map((u) => u.nick), ['switchbot']);

    await alice.joinRoom(room, 'Alice');
    const join = await bot.waitForEvent<EventInput<'JOIN'>>((e) => e.command === 'JOIN' && inRoom(e), 'JOIN');
    assert.deepEqual(join.args.users.map((u) => u.nick), ['Alice']);
  });

  void it('a flood of messages arrives complete and in order', async () => {
    const count = 300;
    const before = bot.events.filter((e) => e.command === 'MESSAGE').length;
    await Promise.all(Array.from({ length: count }, (_, i) => alice.sayInRoom(room, `flood ${i}`)));
    const flood = await waitFor(
      () => {
        const messages = bot.events.filter((e): e is EventInput<'MESSAGE'> => e.command === 'MESSAGE').slice(before);
        return messages.length >= count ? messages : undefined;
      },
      { timeoutMs: WAIT_MS * 3, what: `${count} flood messages` },
    );
    assert.deepEqual(
      flood.map((e) => e.args.message.body.map((n) => (n.type === 'text' ? n.text : '')).join('')),
      Array.from({ length: count }, (_, i) => `flood ${i}`),
    );
  });

  void it('an invitation to another room arrives as INVITE', async () => {
    const other = `other@${server.mucDomain}`;
    await alice.joinRoom(other, 'Alice');
    await alice.send(xml('message', { to: other }, xml('x', { xmlns: 'http://jabber.org/protocol/muc#user' }, xml('invite', { to: 'bot@localhost' }, xml('reason', {}, 'come')))));
    const invite = await bot.waitForEvent<EventInput<'INVITE'>>((e) => e.command === 'INVITE', 'INVITE');
    // Prosody names the inviter by occupant JID in its (semi-anonymous) rooms.
    assert.deepEqual([invite.args.channel.id, invite.args.by.id, invite.args.by.nick, invite.args.target.id], [other, `${other}/Alice`, 'Alice', 'bot@localhost']);
  });

  void it('one-to-one chat messages arrive without a channel', async () => {
    await alice.send(xml('message', { to: 'bot@localhost', type: 'chat', id: 'c1' }, xml('body', {}, 'psst _hi_')));
    const dm = await bot.waitForEvent<EventInput<'MESSAGE'>>((e) => e.command === 'MESSAGE' && !inRoom(e), 'the direct message');
    assert.equal(dm.args.channel, undefined);
    assert.equal(dm.args.message.author.id, 'alice@localhost');
    assert.equal(dm.args.message.recipient?.id, 'bot@localhost');
    assert.deepEqual(dm.args.message.body, [{ type: 'text', text: 'psst ' }, { type: 'italic', children: [{ type: 'text', text: 'hi' }] }]);

    await alice.send(xml('message', { to: `${room}/switchbot`, type: 'chat', id: 'c2' }, xml('body', {}, 'pm'), xml('x', { xmlns: 'http://jabber.org/protocol/muc#user' })));
    const pm = await bot.waitForEvent<EventInput<'MESSAGE'>>((e) => e.command === 'MESSAGE' && !inRoom(e), 'the private room message');
    assert.equal(pm.args.message.author.id, `${room}/Alice`);
    assert.equal(pm.args.message.author.nick, 'Alice');
  });

  void it('every event it emitted passes the catalog validation', () => {
    assert.ok(bot.events.length > 0);
    assert.deepEqual(bot.invalid, []);
  });
});
