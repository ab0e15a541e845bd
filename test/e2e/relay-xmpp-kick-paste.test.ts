/**
 * The relay end to end for two things the other relay tests do not reach: a kick made on XMPP
 * (by the room's owner, an independent XMPP client) relayed to IRC, and a long XMPP message
 * relayed to an IRC network with the `paste` option (its first lines, then a link to the full
 * text on a paste service).
 *
 * The paste service is a stand-in (a haste-server-compatible endpoint written with node:http:
 * POST /documents → {"key"}, GET /raw/<key>): real paste services cannot be reached from the
 * test machine; the adapter's client side is the real code (see irc-paste.test.ts).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { ircConfigSchema } from '../../src/networks/irc/config.js';
import { xml, type RawIrcClient, type TestXmppClient } from '../support/clients.js';
import { LOOPBACK } from '../support/servers.js';
import { BOT_NICK, ircText, IRC_CHANNEL, startBridge, WAIT_MS, XMPP_BOT_NICK, type BridgeSetup } from './relay-setup.js';
import { egressConfig } from '../support/egress.js';

const MUC_ADMIN = 'http://jabber.org/protocol/muc#admin';

/** A haste-compatible paste endpoint on loopback. */
async function startPasteServer(): Promise<{ base: string; pastes: Map<string, string>; server: Server }> {
  const pastes = new Map<string, string>();
  const server = createServer((request, response) => {
    if (request.method === 'GET' && request.url?.startsWith('/raw/')) {
      const text = pastes.get(request.url.slice('/raw/'.length));
      response.writeHead(text === undefined ? 404 : 200, { 'content-type': 'text/plain; charset=utf-8' }).end(text ?? 'not found');
      return;
    }
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const key = randomBytes(6).toString('hex');
      pastes.set(key, Buffer.concat(chunks).toString('utf8'));
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ key }));
    });
  });
  server.listen(0, LOOPBACK);
  await once(server, 'listening');
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no paste server address');
  return { base: `http://${LOOPBACK}:${address.port}`, pastes, server };
}

describe('relay: kicks made on XMPP, long messages through a paste service', { timeout: 120_000 }, () => {
  let setup: BridgeSetup;
  let paste: Awaited<ReturnType<typeof startPasteServer>>;
  let alice: RawIrcClient;
  let bob: TestXmppClient;
  const botLine = (text: RegExp) => new RegExp(`^:${BOT_NICK}!\\S+ (PRIVMSG|NOTICE) ${IRC_CHANNEL} :${text.source}`, 'i');

  before(async () => {
    setup = await startBridge();
    paste = await startPasteServer();
    // bob creates the room, so he owns it and may kick.
    bob = await setup.xmppUser('bob', 'bob');
    alice = await setup.ircUser('alice');
    const base = setup.config();
    const networks = base.networks.map((n) => (n.name === 'irc'
      ? {
        ...n,
        options: ircConfigSchema.parse({
          host: setup.irc.host, port: setup.irc.port, nick: BOT_NICK, flood: { burst: 20, intervalMs: 5 }, maxLines: 3,
          paste: { url: `${paste.base}/documents`, response: { json: 'key', template: `${paste.base}/raw/{value}` } },
        }),
      }
      : n));
    // The paste stand-in listens on loopback: allowed by address and port.
    const egress = egressConfig([new URL(paste.base).host]);
    await setup.startHub({ events: { kicks: true } }, undefined, { networks, egress });
    await bob.waitForStanza((s) => s.is('presence') && s.attrs.from === `${setup.room}/${XMPP_BOT_NICK}`, WAIT_MS);
  });
  after(async () => {
    await setup?.stop();
    paste?.server.close();
  });

  it('relays a kick made by the room owner on XMPP to IRC', async () => {
    const dave = await setup.xmppUser('dave', 'dave');
    await bob.send(xml('iq', { type: 'set', to: setup.room, id: 'kick-dave' },
      xml('query', { xmlns: MUC_ADMIN }, xml('item', { nick: 'dave', role: 'none' }, xml('reason', {}, 'flooding')))));
    const result = await bob.waitForStanza((s) => s.is('iq') && s.attrs.id === 'kick-dave', WAIT_MS);
    assert.equal(result.attrs.type, 'result', `the room accepted the kick: ${String(result)}`);
    const line = await alice.waitForLine(botLine(/.*kicked.*/), WAIT_MS);
    assert.equal(ircText(line), '* dave@jabber was kicked by bob (flooding)');
    await dave.close();
  });

  it('sends a long XMPP message to IRC as its first lines and a link to the full text', async () => {
    const lines = Array.from({ length: 12 }, (_, i) => `point ${i + 1} of the minutes`);
    await bob.sayInRoom(setup.room, lines.join('\n'));
    const received: string[] = [];
    for (let i = 0; i < 3; i++) received.push(ircText(await alice.waitForLine(botLine(/.*/), WAIT_MS)));
    assert.deepEqual(received.slice(0, 2), ['<bob@jabber> point 1 of the minutes', '<bob@jabber> point 2 of the minutes'], 'every line attributed');
    const note = /^<bob@jabber> … \(full text: (http:\/\/\S+)\)$/.exec(received[2] ?? '');
    assert.ok(note, `a paste note, got ${JSON.stringify(received[2])}`);
    const response = await fetch(note[1]!, { signal: AbortSignal.timeout(WAIT_MS) });
    assert.equal(response.status, 200);
    const full = await response.text();
    for (const line of lines) assert.ok(full.includes(line), `the paste has "${line}": ${full}`);
  });
});
