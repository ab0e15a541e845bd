/**
 * XMPP adapter against a real Prosody (with HTTP upload): what the hub sends through the adapter
 * arrives at an independent client as the right stanzas.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { EventInput } from '../../src/core/event.js';
import type { ChannelRef } from '../../src/core/refs.js';
import { startProsody, type XmppServer } from '../support/servers.js';
import { connectXmppClient, xml, type TestXmppClient, type XmlElement } from '../support/clients.js';
import { captureLog } from '../support/log-capture.js';
import { createTestNetwork, NETWORK, WAIT_MS, type TestNetwork } from './xmpp-test-network.js';
import { egressAllowing } from '../support/egress.js';

const FILE_BYTES = Buffer.from('a small file \u00e9\u0000\u00ff', 'utf8');

/** Serves FILE_BYTES at /cat.txt and 404 elsewhere, on loopback. */
async function startFileServer(): Promise<{ server: Server; base: string }> {
  const server = createServer((req, res) => {
    if (req.url === '/cat.txt') {
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': FILE_BYTES.length });
      res.end(FILE_BYTES);
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

void describe('XMPP adapter: outbound stanzas', () => {
  let server: XmppServer;
  let files: { server: Server; base: string };
  let alice: TestXmppClient;
  let bot: TestNetwork;
  let room: string;
  let channel: ChannelRef;
  const captured = captureLog('warn');

  before(async () => {
    server = await startProsody({ httpUpload: true, users: [['bot', 'botpass'], ['alice', 'alicepass']] });
    files = await startFileServer();
    room = `lobby@${server.mucDomain}`;
    channel = { network: NETWORK, id: room };
    alice = await connectXmppClient({ service: `xmpp://${server.host}:${server.port}`, domain: server.domain, username: 'alice', password: 'alicepass' });
    await alice.joinRoom(room, 'Alice');
    // The file server and Prosody's upload service listen on loopback: allowed by name.
    const egress = egressAllowing(new URL(files.base).host, `127.0.0.1:${server.httpPort}`);
    bot = createTestNetwork(server, { user: 'bot', password: 'botpass', rooms: [room], options: { nick: 'switchbot' }, log: captured.log, egress });
    await bot.network.connect();
  });

  after(async () => {
    await bot?.network.disconnect({ deadlineMs: 1000 });
    await alice?.close();
    await server?.stop();
    files?.server.close();
  });

  /** The next groupchat message from the bot that alice receives. */
  const fromBot = (predicate: (s: XmlElement) => boolean = () => true): Promise<XmlElement> =>
    alice.waitForStanza((s) => s.is('message') && s.attrs.from === `${room}/switchbot` && predicate(s), WAIT_MS);

  void it('sends styled text with an origin-id; markup in the text cannot break out', async () => {
    const result = await bot.network.send({
      target: { channel },
      kind: 'message',
      body: [{ type: 'text', text: 'hi ' }, { type: 'bold', children: [{ type: 'text', text: 'there' }] }, { type: 'text', text: ' </body><evil/>\u0000&amp;' }],
    });
    assert.equal(result.ids.length, 1);
    const stanza = await fromBot();
    assert.equal(stanza.getChildText('body'), 'hi *there* </body><evil/>&amp;');
    assert.equal(stanza.getChild('origin-id', 'urn:xmpp:sid:0')?.attrs.id, result.ids[0]);
    assert.equal(stanza.getChild('evil'), undefined);
    assert.equal(bot.events.filter((e) => e.command === 'MESSAGE').length, 0, 'our own echo is not an event');
  });

  void it('sends actions, corrections, replies, reactions and retractions', async () => {
    const first = await bot.network.send({ target: { channel }, kind: 'action', body: [{ type: 'text', text: 'waves' }] });
    assert.equal((await fromBot()).getChildText('body'), '/me waves');

    await bot.network.send({ target: { channel }, kind: 'message', body: [{ type: 'text', text: 'waves twice' }], editOf: first.ids[0] });
    const correction = await fromBot();
    assert.equal(correction.getChild('replace', 'urn:xmpp:message-correct:0')?.attrs.id, first.ids[0]);
    assert.equal(correction.getChildText('body'), 'waves twice');

    await alice.send(xml('message', { to: room, type: 'groupchat', id: 'a1' }, xml('body', {}, 'question?')));
    const question = await bot.waitForEvent<EventInput<'MESSAGE'>>((e) => e.command === 'MESSAGE', 'alice’s question');
    await bot.network.send({ target: { channel }, kind: 'message', body: [{ type: 'text', text: 'answer' }], replyTo: question.args.message.id });
    assert.equal((await fromBot()).getChild('reply', 'urn:xmpp:reply:0')?.attrs.id, 'a1');

    const reactionsOf = (s: XmlElement) => s.getChild('reactions', 'urn:xmpp:reactions:0')?.getChildren('reaction').map((r) => r.text());
    await bot.network.react?.(channel, 'a1', '👍', false);
    await bot.network.react?.(channel, 'a1', '🎉', false);
    await bot.network.react?.(channel, 'a1', '👍', true);
    const sets = [await fromBot(), await fromBot(), await fromBot()];
    assert.deepEqual(sets.map(reactionsOf), [['👍'], ['👍', '🎉'], ['🎉']]);
    assert.equal(sets[0]?.getChild('reactions', 'urn:xmpp:reactions:0')?.attrs.id, 'a1');

    await bot.network.deleteMessage?.(channel, first.ids[0] as string);
    const retraction = await fromBot((s) => s.getChild('retract', 'urn:xmpp:message-retract:1') !== undefined);
    assert.equal(retraction.getChild('retract', 'urn:xmpp:message-retract:1')?.attrs.id, first.ids[0]);
  });

  void it('answers disco#info with the features it supports', async () => {
    const reply = await alice.xmpp.iqCaller.request(xml('iq', { type: 'get', to: 'bot@localhost/switchboard' }, xml('query', { xmlns: 'http://jabber.org/protocol/disco#info' })), WAIT_MS);
    const features = reply.getChild('query', 'http://jabber.org/protocol/disco#info')?.getChildren('feature').map((f) => f.attrs.var) ?? [];
    for (const ns of ['urn:xmpp:reactions:0', 'urn:xmpp:message-correct:0', 'urn:xmpp:message-retract:1', 'urn:xmpp:reply:0']) assert.ok(features.includes(ns), ns);
  });

  void it('sends one-to-one messages', async () => {
    await bot.network.send({ target: { user: { network: NETWORK, id: 'alice@localhost' } }, kind: 'message', body: [{ type: 'text', text: 'private' }] });
    const dm = await alice.waitForStanza((s) => s.is('message') && s.attrs.type === 'chat' && s.attrs.from?.startsWith('bot@localhost/') === true, WAIT_MS);
    assert.equal(dm.getChildText('body'), 'private');

    await bot.network.send({ target: { user: { network: NETWORK, id: `${room}/Alice`, nick: 'Alice' } }, kind: 'message', body: [{ type: 'text', text: 'via the room' }] });
    const pm = await alice.waitForStanza((s) => s.is('message') && s.attrs.type === 'chat' && s.attrs.from === `${room}/switchbot`, WAIT_MS);
    assert.equal(pm.getChildText('body'), 'via the room');
  });

  void it('uploads attachments with HTTP File Upload and sends them as OOB links', async () => {
    const result = await bot.network.send({
      target: { channel },
      kind: 'message',
      body: [{ type: 'text', text: 'a file:' }],
      attachments: [{ url: `${files.base}/cat.txt`, name: 'cat.txt', mimeType: 'text/plain' }],
    });
    assert.equal(result.ids.length, 2);
    assert.equal((await fromBot()).getChildText('body'), 'a file:');
    const file = await fromBot();
    const url = file.getChild('x', 'jabber:x:oob')?.getChildText('url') ?? '';
    assert.ok(url.startsWith(`http://127.0.0.1:${server.httpPort}/`), url);
    assert.equal(file.getChildText('body'), url);
    const download = await fetch(url, { signal: AbortSignal.timeout(WAIT_MS) });
    assert.deepEqual(Buffer.from(await download.arrayBuffer()), FILE_BYTES);
  });

  void it('falls back to the original link when the upload fails, and logs that once', async () => {
    for (const name of ['gone1.png', 'gone2.png']) {
      await bot.network.send({ target: { channel }, kind: 'message', body: [], attachments: [{ url: `${files.base}/${name}`, name }] });
      const file = await fromBot();
      assert.equal(file.getChild('x', 'jabber:x:oob')?.getChildText('url'), `${files.base}/${name}`);
    }
    const warnings = captured.lines.filter((l) => String(l.msg).includes('file upload failed'));
    assert.equal(warnings.length, 1, captured.text());
    assert.ok(!captured.text().includes('botpass'), 'the password never appears in the log');
  });

  void it('every event it emitted passes the catalog validation', () => {
    assert.ok(bot.events.length > 0);
    assert.deepEqual(bot.invalid, []);
  });
});
