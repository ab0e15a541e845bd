/**
 * XMPP stream management resumption (XEP-0198) against a real Prosody with mod_smacks: a dropped
 * TCP connection is resumed by the next `connect()` (the bot never leaves its rooms, what was said
 * meanwhile arrives once, what it sent just before the drop arrives once); after a server restart
 * the resumption fails and the adapter starts a new session and rejoins its rooms.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { AnyEventInput, EventInput } from '../../src/core/event.js';
import type { ChannelRef } from '../../src/core/refs.js';
import type { XmppClient } from '../../src/networks/xmpp/client.js';
import { startProsody, type XmppServer } from '../support/servers.js';
import { connectXmppClient, type TestXmppClient, type XmlElement } from '../support/clients.js';
import { captureLog } from '../support/log-capture.js';
import { waitFor } from '../support/wait.js';
import { createTestNetwork, NETWORK, WAIT_MS, type TestNetwork } from './xmpp-test-network.js';

/** Whether `event` is a MESSAGE whose body contains `text`. */
const isMessageWith = (event: AnyEventInput, text: string): boolean =>
  event.command === 'MESSAGE' && JSON.stringify((event.args as EventInput<'MESSAGE'>['args']).message.body).includes(text);

/** Simulates a network failure: the adapter's socket is destroyed under it (no stream close). */
function dropSocket(bot: TestNetwork): void {
  const client = (bot.network as unknown as { lifecycle: { session?: XmppClient } }).lifecycle.session;
  const socket = client?.entity.socket as { destroy(): void } | null | undefined;
  assert.ok(socket, 'the adapter has a socket');
  socket.destroy();
}

void describe('XMPP stream management resumption', () => {
  let server: XmppServer;
  let alice: TestXmppClient;
  let bot: TestNetwork;
  const captured = captureLog('info');
  let room = '';
  const channel = (): ChannelRef => ({ network: NETWORK, id: room });
  const fromBot = (s: XmlElement): boolean => s.attrs.from === `${room}/switchbot`;

  before(async () => {
    server = await startProsody({ users: [['bot', 'botpass'], ['alice', 'alicepass']], streamManagement: { hibernationSeconds: 60 } });
    room = `lounge@${server.mucDomain}`;
    alice = await connectXmppClient({ service: `xmpp://${server.host}:${server.port}`, domain: server.domain, username: 'alice', password: 'alicepass' });
    await alice.joinRoom(room, 'Alice');
    bot = createTestNetwork(server, { user: 'bot', password: 'botpass', rooms: [room], options: { nick: 'switchbot' }, log: captured.log });
    await bot.network.connect();
    await alice.waitForStanza((s) => s.is('presence') && fromBot(s), WAIT_MS);
  });

  after(async () => {
    await bot?.network.disconnect({ deadlineMs: 1000 });
    await alice?.close();
    await server?.stop();
  });

  void it('resumes a dropped stream: no leave or rejoin, the gap’s message once, the last sent message once', async () => {
    const online = captured.lines.find((l) => l.msg === 'XMPP online');
    assert.equal(online?.streamManagement, true, captured.text());
    const aliceSeenBefore = alice.stanzas.length;

    await bot.network.send({ target: { channel: channel() }, kind: 'message', body: [{ type: 'text', text: 'just before the drop' }] });
    dropSocket(bot);
    await waitFor(() => bot.losses[0], { timeoutMs: WAIT_MS, what: 'connectionLost' });
    assert.equal(bot.losses[0]?.wasSuccessful, true);

    await alice.sayInRoom(room, 'said during the gap');
    await alice.waitForStanza((s) => s.is('message') && s.getChildText('body') === 'said during the gap', WAIT_MS); // the room sent it out

    const eventsBefore = bot.events.length;
    await bot.network.connect(); // the hub's reconnect
    assert.ok(captured.lines.some((l) => l.msg === 'XMPP stream resumed'), captured.text());
    const afterResume = bot.events.slice(eventsBefore);
    assert.equal(afterResume.filter((e) => e.command === 'JOIN').length, 0, 'no rejoin');
    await bot.waitForEvent((e) => e.command === 'ENDBURST' && bot.events.indexOf(e) >= eventsBefore, 'ENDBURST after the resume');
    assert.ok(bot.network.botUser(channel()), 'still in the room');

    // Round trips both ways: everything before them has been delivered by now.
    await bot.network.send({ target: { channel: channel() }, kind: 'message', body: [{ type: 'text', text: 'back again' }] });
    await alice.waitForStanza((s) => s.is('message') && fromBot(s) && s.getChildText('body') === 'back again', WAIT_MS);
    await alice.sayInRoom(room, 'after the resume');
    await bot.waitForEvent((e) => isMessageWith(e, 'after the resume'), 'the message after the resume');

    assert.equal(bot.events.filter((e) => isMessageWith(e, 'said during the gap')).length, 1, 'the gap’s message arrives exactly once');
    const seen = alice.stanzas.slice(aliceSeenBefore);
    assert.deepEqual(seen.filter((s) => s.is('presence') && fromBot(s)).map((s) => s.toString()), [], 'alice sees no leave or join of the bot');
    const lastSent = seen.filter((s) => s.is('message') && fromBot(s) && s.getChildText('body') === 'just before the drop');
    assert.equal(lastSent.length, 1, 'the message sent just before the drop arrives exactly once');
  });

  void it('after a server restart the resumption fails: a new session rejoins the room', async () => {
    const lossesBefore = bot.losses.length;
    await server.restart();
    await waitFor(() => bot.losses[lossesBefore], { timeoutMs: WAIT_MS, what: 'connectionLost' });

    const eventsBefore = bot.events.length;
    await bot.network.connect();
    assert.ok(captured.lines.some((l) => l.msg === 'XMPP stream could not be resumed: new session'), captured.text());
    const afterConnect = bot.events.slice(eventsBefore);
    const joined = afterConnect.filter((e) => e.command === 'JOIN').map((e) => (e.args as { channel: ChannelRef }).channel.id);
    assert.deepEqual(joined, [room]);
    assert.equal(afterConnect.at(-1)?.command, 'ENDBURST');

    const carol = await connectXmppClient({ service: `xmpp://${server.host}:${server.port}`, domain: server.domain, username: 'alice', password: 'alicepass' });
    try {
      await carol.joinRoom(room, 'Carol');
      await carol.waitForStanza((s) => s.is('presence') && fromBot(s), WAIT_MS);
      await bot.network.send({ target: { channel: channel() }, kind: 'message', body: [{ type: 'text', text: 'fresh' }] });
      const msg = await carol.waitForStanza((s) => s.is('message') && fromBot(s), WAIT_MS);
      assert.equal(msg.getChildText('body'), 'fresh');
    } finally {
      await carol.close();
    }
  });

  void it('every event it emitted passes the catalog validation', () => {
    assert.deepEqual(bot.invalid, []);
  });
});
