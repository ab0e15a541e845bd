import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import parseXml from '@xmpp/xml/lib/parse.js';
import type { AnyEventInput } from '../../src/core/event.js';
import { silentLogger } from '../../src/core/log.js';
import { Inbound } from '../../src/networks/xmpp/inbound.js';
import { LogOnce } from '../../src/networks/log-once.js';
import { SendRefusedError } from '../../src/core/network.js';
import { Confirmations } from '../../src/networks/xmpp/confirmations.js';
import { MessageIds } from '../../src/networks/xmpp/message-ids.js';
import { MucRoom, type RoomChange } from '../../src/networks/xmpp/muc-room.js';
import { ReactionSets } from '../../src/networks/xmpp/reactions.js';
import { chatStringArbitrary } from './arbitraries.js';

const ROOM = 'room@conf.test';
const MUC_USER = 'http://jabber.org/protocol/muc#user';

/** Inbound wired to a real MucRoom; events and self changes are collected. */
function setup() {
  const events: AnyEventInput[] = [];
  const selfChanges: RoomChange[] = [];
  const room = new MucRoom(ROOM, 'bot');
  const confirmations = new Confirmations(5000);
  const inbound = new Inbound({
    ctx: {
      name: 'jabber',
      log: silentLogger(),
      store: { get: async () => undefined, set: async () => undefined, delete: async () => false, keys: async () => [], deleteOlderThan: async () => 0 },
      wantedChannels: () => [],
      emit: (e) => events.push(e),
      connectionLost: () => undefined,
    },
    rooms: new Map([[ROOM, room]]),
    ids: new MessageIds(),
    reactions: new ReactionSets(),
    logOnce: new LogOnce(silentLogger()),
    account: 'bot@x.test',
    confirmations,
    onSelfChange: (_room, change) => selfChanges.push(change),
    onRoomError: () => undefined,
    peerBridges: new Set(),
    maxBodyBytes: 65_536,
  });
  const feed = (xmlText: string) => inbound.handle(parseXml(xmlText));
  room.startJoin('bot');
  room.assignsStanzaIds = true;
  feed(`<presence from='${ROOM}/al'><x xmlns='${MUC_USER}'><item role='participant'/></x></presence>`);
  feed(`<presence from='${ROOM}/bot'><x xmlns='${MUC_USER}'><item role='participant'/><status code='110'/></x></presence>`);
  return { events, selfChanges, room, feed, confirmations };
}

const delay = "<delay xmlns='urn:xmpp:delay' stamp='2020-01-01T00:00:00Z'/>";

void describe('inbound stanzas', () => {
  void it('confirms our messages when the room reflects them, and refuses them when it bounces them', async () => {
    const { events, feed, confirmations } = setup();
    const echoed = confirmations.expect(ROOM, 'sb-1');
    const bounced = confirmations.expect(ROOM, 'sb-2');
    const other = confirmations.expect(ROOM, 'sb-3');
    feed(`<message from='${ROOM}/al' type='groupchat' id='sb-1'><body>someone else may not confirm ours</body></message>`);
    feed(`<message from='${ROOM}/bot' type='groupchat' id='x'><body>ours</body><origin-id xmlns='urn:xmpp:sid:0' id='sb-1'/></message>`);
    await echoed;
    feed(`<message from='${ROOM}' type='error' id='sb-2'><error type='cancel'><forbidden xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></message>`);
    await assert.rejects(bounced, (error: Error) => error instanceof SendRefusedError && /forbidden/.test(error.message));
    assert.equal(confirmations.size, 1, 'the third still waits');
    confirmations.dropAll('test');
    await assert.rejects(other, /connection lost/);
    assert.equal(events.filter((e) => e.command === 'MESSAGE').length, 1, 'only the other occupant\'s message is an event');
  });

  void it('never relays the join-time history, and relays after the subject', () => {
    const { events, selfChanges, feed } = setup();
    assert.deepEqual(selfChanges.map((c) => c.kind), ['joined']);
    assert.deepEqual(events.map((e) => e.command), ['JOIN']);
    feed(`<message from='${ROOM}/al' type='groupchat' id='h1'><body>old</body>${delay}</message>`);
    assert.deepEqual(events.map((e) => e.command), ['JOIN'], 'history is not a MESSAGE');
    feed(`<message from='${ROOM}/al' type='groupchat'><subject>Topic</subject>${delay}</message>`);
    feed(`<message from='${ROOM}/al' type='groupchat' id='n1'><body>live, resent with a delay</body>${delay}</message>`);
    assert.deepEqual(events.map((e) => e.command), ['JOIN', 'TOPIC', 'MESSAGE']);
    assert.equal((events[1]?.args as { initial?: boolean }).initial, true, 'the subject sent at join is initial');
    feed(`<message from='${ROOM}/al' type='groupchat'><subject>New topic</subject></message>`);
    assert.deepEqual(events[3]?.args, { channel: { network: 'jabber', id: ROOM }, text: 'New topic', oldText: 'Topic', setter: 'al', initial: false });
  });

  void it('ignores messages from a room the bot has left', () => {
    const { events, room, feed } = setup();
    feed(`<message from='${ROOM}/al' type='groupchat'><subject/></message>`);
    room.markLeft();
    feed(`<message from='${ROOM}/al' type='groupchat' id='late'><body>late</body></message>`);
    assert.ok(!events.some((e) => e.command === 'MESSAGE'));
  });

  void it('does not emit our own echoes', () => {
    const { events, feed } = setup();
    feed(`<message from='${ROOM}/al' type='groupchat'><subject/></message>`);
    feed(`<message from='${ROOM}/bot' type='groupchat' id='mine'><body>echo</body><origin-id xmlns='urn:xmpp:sid:0' id='mine'/></message>`);
    assert.ok(!events.some((e) => e.command === 'MESSAGE'));
  });

  void it('survives malformed stanzas and unknown namespaces without events or exceptions', () => {
    const { events, feed } = setup();
    const before = events.length;
    for (const bad of [
      `<message type='groupchat'><body>no sender</body></message>`,
      `<message from='' type='groupchat'/>`,
      `<message from='${ROOM}/al' type='groupchat'><unknown xmlns='urn:x'><body>inner</body></unknown></message>`,
      `<message from='elsewhere@conf/x' type='groupchat'><body>not our room</body></message>`,
      `<presence from='${ROOM}/al'><x xmlns='${MUC_USER}'><status code='abc'/><item/></x><show><nested/></show></presence>`,
      `<presence from='${ROOM}'><x xmlns='${MUC_USER}'/></presence>`,
      `<message from='${ROOM}/al' type='groupchat'><reactions xmlns='urn:xmpp:reactions:0'/></message>`,
      `<message from='${ROOM}/al' type='groupchat'><retract xmlns='urn:xmpp:message-retract:1'/></message>`,
      `<iq from='x@y' type='get'><query xmlns='urn:x'/></iq>`,
    ]) feed(bad);
    assert.deepEqual(events.slice(before).map((e) => e.command), [], JSON.stringify(events.slice(before)));
  });

  void it('turns mediated and direct invitations into INVITE', () => {
    const { events, feed } = setup();
    feed(`<message from='Other@conf.test'><x xmlns='${MUC_USER}'><invite from='al@x.test/r'><reason>join us</reason></invite></x></message>`);
    feed(`<message from='cy@x.test/r'><x xmlns='jabber:x:conference' jid='third@conf.test' reason='hi'/></message>`);
    const invites = events.filter((e) => e.command === 'INVITE').map((e) => e.args as { channel: { id: string }; by: { id: string }; target: { id: string } });
    assert.deepEqual(invites.map((a) => [a.channel.id, a.by.id, a.target.id]), [
      ['other@conf.test', 'al@x.test', 'bot@x.test'],
      ['third@conf.test', 'cy@x.test', 'bot@x.test'],
    ]);
  });

  void it('property: any body text arrives without loss of its characters', () => {
    fc.assert(
      fc.property(chatStringArbitrary('printable', 1), (text) => {
        const { events, feed } = setup();
        feed(`<message from='${ROOM}/al' type='groupchat'><subject/></message>`);
        const escaped = text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
        feed(`<message from='${ROOM}/al' type='groupchat' id='p'><body>${escaped}</body><unstyled xmlns='urn:xmpp:styling:0'/></message>`);
        const message = events.find((e) => e.command === 'MESSAGE');
        const body = (message?.args as { message: { body: Array<{ text: string }> } } | undefined)?.message.body;
        const expected = text.startsWith('/me ') ? text.slice(4) : text;
        assert.equal(body?.map((n) => n.text).join('') ?? '', expected);
      }),
      { numRuns: 200 },
    );
  });
});
