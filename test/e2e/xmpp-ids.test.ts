/**
 * XMPP delivery ids and hop marker against a real Prosody: an independent client sees the
 * caller's delivery id as the stanza id and origin-id (the same again when the delivery is
 * repeated) and the `<relayed/>` element; a message carrying the element arrives with
 * `relayed: true` from a configured peer bridge only.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { EventInput } from '../../src/core/event.js';
import type { ChannelRef } from '../../src/core/refs.js';
import type { OutgoingMessage } from '../../src/core/network.js';
import { startProsody, type XmppServer } from '../support/servers.js';
import { connectXmppClient, xml, type TestXmppClient, type XmlElement } from '../support/clients.js';
import { createTestNetwork, NETWORK, WAIT_MS, type TestNetwork } from './xmpp-test-network.js';

const RELAY_NS = 'urn:switchboard:relay:0';
const SID_NS = 'urn:xmpp:sid:0';

void describe('XMPP adapter: delivery ids and hop marker', () => {
  let server: XmppServer;
  let alice: TestXmppClient;
  let eve: TestXmppClient;
  let bot: TestNetwork;
  let room: string;
  let channel: ChannelRef;

  before(async () => {
    server = await startProsody({ users: [['bot', 'botpass'], ['alice', 'alicepass'], ['eve', 'evepass']] });
    room = `ids@${server.mucDomain}`;
    channel = { network: NETWORK, id: room };
    // The bot creates the room: as its owner it sees the occupants' real JIDs (what peerBridges needs).
    bot = createTestNetwork(server, { user: 'bot', password: 'botpass', rooms: [room], options: { nick: 'switchbot', peerBridges: [`alice@${server.domain}`] } });
    await bot.network.connect();
    alice = await connectXmppClient({ service: `xmpp://${server.host}:${server.port}`, domain: server.domain, username: 'alice', password: 'alicepass' });
    await alice.joinRoom(room, 'Alice');
    eve = await connectXmppClient({ service: `xmpp://${server.host}:${server.port}`, domain: server.domain, username: 'eve', password: 'evepass' });
    await eve.joinRoom(room, 'Eve');
  });

  after(async () => {
    await bot?.network.disconnect({ deadlineMs: 1000 });
    await alice?.close();
    await eve?.close();
    await server?.stop();
  });

  /** The next groupchat message from the bot that alice receives whose body matches. */
  const fromBot = (body: string): Promise<XmlElement> =>
    alice.waitForStanza((s) => s.is('message') && s.attrs.from === `${room}/switchbot` && s.getChildText('body') === body, WAIT_MS);
  const originId = (stanza: XmlElement): string | undefined => stanza.getChild('origin-id', SID_NS)?.attrs.id as string | undefined;

  void it('uses the delivery id as id and origin-id, the same when the delivery is repeated, and marks it relayed', async () => {
    const delivery: OutgoingMessage = {
      target: { channel },
      kind: 'message',
      body: [{ type: 'text', text: 'bridged hello' }],
      attachments: [{ name: 'cat.png', url: 'https://files.invalid/cat.png' }],
      id: 'relay-7f3a-42',
      relayed: true,
    };
    const first = await bot.network.send(delivery);
    assert.deepEqual(first.ids, ['relay-7f3a-42', 'relay-7f3a-42-1'], 'the text, then the file (as a link: no upload service)');
    const text = await fromBot('bridged hello');
    const file = await fromBot('https://files.invalid/cat.png');
    assert.equal(originId(text), 'relay-7f3a-42');
    assert.equal(text.attrs.id, 'relay-7f3a-42');
    assert.equal(originId(file), 'relay-7f3a-42-1');
    for (const stanza of [text, file]) assert.ok(stanza.getChild('relayed', RELAY_NS), 'the hop marker element arrives');

    const repeated = await bot.network.send(delivery);
    assert.deepEqual(repeated.ids, first.ids);
    assert.equal(originId(await fromBot('bridged hello')), 'relay-7f3a-42', 'a repeated delivery carries the same origin-id');
  });

  void it('uses random ids and no marker when the caller gives neither', async () => {
    const a = await bot.network.send({ target: { channel }, kind: 'message', body: [{ type: 'text', text: 'own words' }] });
    const b = await bot.network.send({ target: { channel }, kind: 'message', body: [{ type: 'text', text: 'own words' }] });
    const [first, second] = [await fromBot('own words'), await fromBot('own words')];
    assert.notEqual(a.ids[0], b.ids[0]);
    assert.deepEqual([originId(first), originId(second)], [a.ids[0], b.ids[0]]);
    assert.equal(first.getChild('relayed', RELAY_NS), undefined);
  });

  void it('reads the marker on messages from a peer bridge (in the room and in private), and from nobody else', async () => {
    await alice.xmpp.send(xml('message', { to: room, type: 'groupchat', id: 'a1' }, xml('body', {}, 'from another bridge'), xml('relayed', { xmlns: RELAY_NS })));
    await alice.xmpp.send(xml('message', { to: room, type: 'groupchat', id: 'a2' }, xml('body', {}, 'typed by alice')));
    await alice.xmpp.send(xml('message', { to: `bot@${server.domain}`, type: 'chat', id: 'a3' }, xml('body', {}, 'private bridge'), xml('relayed', { xmlns: RELAY_NS })));
    const isMessage = (text: string) => (e: { command: string; args: unknown }): boolean =>
      e.command === 'MESSAGE' && (e as EventInput<'MESSAGE'>).args.message.body.some((n) => n.type === 'text' && n.text === text);
    const bridged = await bot.waitForEvent<EventInput<'MESSAGE'>>(isMessage('from another bridge'), 'the relayed room message');
    const typed = await bot.waitForEvent<EventInput<'MESSAGE'>>(isMessage('typed by alice'), 'the plain room message');
    const direct = await bot.waitForEvent<EventInput<'MESSAGE'>>(isMessage('private bridge'), 'the relayed private message');
    assert.equal(bridged.args.message.relayed, true);
    assert.equal(typed.args.message.relayed, undefined);
    assert.equal(direct.args.message.relayed, true);
    await eve.xmpp.send(xml('message', { to: room, type: 'groupchat', id: 'e1' }, xml('body', {}, 'eve hiding'), xml('relayed', { xmlns: RELAY_NS })));
    await eve.xmpp.send(xml('message', { to: `bot@${server.domain}`, type: 'chat', id: 'e2' }, xml('body', {}, 'eve hiding in private'), xml('relayed', { xmlns: RELAY_NS })));
    const hiding = await bot.waitForEvent<EventInput<'MESSAGE'>>(isMessage('eve hiding'), 'eve\'s marked room message');
    const hidingDirect = await bot.waitForEvent<EventInput<'MESSAGE'>>(isMessage('eve hiding in private'), 'eve\'s marked private message');
    assert.equal(hiding.args.message.relayed, undefined, 'not a peer bridge: the marker means nothing');
    assert.equal(hidingDirect.args.message.relayed, undefined);
    assert.deepEqual(bot.invalid, [], 'every event passes the catalog');
  });
});
