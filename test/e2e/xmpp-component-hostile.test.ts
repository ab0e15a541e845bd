/**
 * The XMPP component against a hostile server (a bare TCP server speaking just enough XEP-0114):
 * invalid XML and an oversize stanza end the stream, are reported once as a lost connection,
 * and the next connect works; the handshake digest the component sends is the one XEP-0114 asks for.
 */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createServer, type Socket } from 'node:net';
import type { ConnectionLoss } from '../../src/core/network.js';
import { XmppComponentNetwork } from '../../src/networks/xmpp-component/adapter.js';
import { xmppComponentConfigSchema } from '../../src/networks/xmpp-component/config.js';
import { captureLog } from '../support/log-capture.js';
import { MemoryStore } from '../support/memory-store.js';
import { waitFor } from '../support/wait.js';

const WAIT_MS = 10_000;
const DOMAIN = 'gw.test';
const SECRET = 's3cret';
const STREAM_ID = 'abc123';

/** A server that accepts the component, then sends what `after(n)` gives on its n-th connection. */
async function hostileServer(after: (connection: number) => string): Promise<{ stop(): Promise<void>; port: number; handshakes: string[] }> {
  const handshakes: string[] = [];
  const sockets = new Set<Socket>();
  let connections = 0;
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    const n = connections++;
    let received = '';
    let state: 'header' | 'handshake' | 'open' = 'header';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      received += chunk;
      if (state === 'header' && received.includes('<stream:stream') && received.includes('>', received.indexOf('<stream:stream'))) {
        state = 'handshake';
        socket.write(`<?xml version='1.0'?><stream:stream xmlns='jabber:component:accept' xmlns:stream='http://etherx.jabber.org/streams' id='${STREAM_ID}' from='${DOMAIN}'>`);
      }
      const handshake = /<handshake>([^<]*)<\/handshake>/.exec(received);
      if (state === 'handshake' && handshake) {
        state = 'open';
        handshakes.push(handshake[1] ?? '');
        socket.write('<handshake/>');
        const rest = after(n);
        if (rest !== '') setTimeout(() => socket.write(rest), 50);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const stop = (): Promise<void> => {
    for (const socket of sockets) socket.destroy();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return { stop, port: typeof address === 'object' && address !== null ? address.port : 0, handshakes };
}

async function scenario(t: import('node:test').TestContext, garbage: string, reason: RegExp): Promise<void> {
  const { stop, port, handshakes } = await hostileServer((n) => (n === 0 ? garbage : ''));
  t.after(() => stop());
  const captured = captureLog('info');
  const losses: ConnectionLoss[] = [];
  const config = xmppComponentConfigSchema.parse({ domain: DOMAIN, host: '127.0.0.1', port, password: SECRET, maxStanzaChars: 65_536 });
  const network = new XmppComponentNetwork({
    name: 'jabber', log: captured.log, store: new MemoryStore(), wantedChannels: () => [], emit: () => undefined, connectionLost: (loss) => losses.push(loss),
  }, config);
  t.after(() => network.disconnect({ deadlineMs: 1000 }));

  await network.connect();
  assert.equal(handshakes[0], createHash('sha1').update(STREAM_ID + SECRET).digest('hex'));
  await waitFor(() => losses.length > 0 || undefined, { timeoutMs: WAIT_MS, what: 'the connection loss' });
  assert.equal(losses.length, 1);
  assert.equal(losses[0]?.fatal, undefined);
  const errors = (captured.lines as Record<string, unknown>[]).filter((l) => l.msg === 'XMPP component connection error');
  assert.equal(errors.length, 1, JSON.stringify(captured.lines));
  assert.match(JSON.stringify(errors[0]), reason);
  // The hub calls connect() again: the next connection works.
  await network.connect();
  assert.equal(handshakes.length, 2);
  assert.equal(losses.length, 1);
}

it('invalid XML from the server ends the stream, is reported once, and the next connect works', async (t) => {
  await scenario(t, '<message to="x@gw.test"><body>hi</wrong></message>', /must be closed/);
});

it('a stanza over maxStanzaChars ends the stream instead of being parsed, and the next connect works', async (t) => {
  await scenario(t, `<message to="x@gw.test"><body>${'a'.repeat(200_000)}</body></message>`, /more than 65536 characters/);
});
