/**
 * The IRC transport's batched writes (`batchWrites`, used by the server link) on a loopback
 * socket: the lines of one turn go out in one write, in order, their callbacks run once written,
 * and a graceful close sends what is still batched before the end of the stream.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { IrcTransport } from '../../src/networks/irc/transport.js';
import { withTimeout } from '../support/wait.js';

/** A one-connection server collecting what it receives; resolves `ended` with it once the peer closes. */
async function sink(): Promise<{ port: number; ended: Promise<string>; close(): void }> {
  let received = '';
  let connection: net.Socket | undefined;
  const server = net.createServer();
  const ended = new Promise<string>((resolve) => server.once('connection', (socket) => {
    connection = socket;
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (received += chunk));
    socket.on('end', () => {
      socket.end();
      resolve(received);
    });
  }));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as net.AddressInfo).port, ended, close: () => { connection?.destroy(); server.close(); } };
}

async function open(port: number): Promise<IrcTransport> {
  const transport = new IrcTransport({ host: '127.0.0.1', port, batchWrites: true });
  const opened = new Promise<void>((resolve) => transport.once('open', resolve));
  transport.connect();
  await withTimeout(opened, 5000, 'the transport to connect');
  return transport;
}

describe('IRC transport, batched writes', () => {
  it('writes the lines of one turn in order, calls back once they are written, and sends what is batched before a graceful close', async () => {
    const server = await sink();
    const transport = await open(server.port);
    try {
      const called: number[] = [];
      for (let i = 0; i < 1000; i++) transport.writeLine(`PRIVMSG #a :${i}`, i % 100 === 0 ? () => called.push(i) : undefined);
      await withTimeout(new Promise<void>((resolve) => transport.writeLine('PING :x', resolve)), 5000, 'the callback of the last line');
      assert.deepEqual(called, [0, 100, 200, 300, 400, 500, 600, 700, 800, 900]);
      transport.writeLine('QUIT :bye');
      transport.close(false);
      const received = await withTimeout(server.ended, 5000, 'the server to see the end of the stream');
      const expected = [...Array.from({ length: 1000 }, (_, i) => `PRIVMSG #a :${i}`), 'PING :x', 'QUIT :bye'].map((l) => `${l}\r\n`).join('');
      assert.equal(received, expected);
    } finally {
      transport.disposeSocket();
      server.close();
    }
  });

  it('drops the batched lines of a socket that is disposed, and calls their callbacks', async () => {
    const server = await sink();
    const transport = await open(server.port);
    try {
      const called = withTimeout(new Promise<void>((resolve) => transport.writeLine('PRIVMSG #a :lost', resolve)), 5000, 'the callback of a dropped line');
      transport.disposeSocket();
      await called;
    } finally {
      server.close();
    }
  });
});
