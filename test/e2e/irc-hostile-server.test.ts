/**
 * A hostile IRC server (the attacker here, so a socket server of the test's own, not a stand-in
 * for a real ircd): lines that irc-framework's own handlers cannot take (a bare `STATUSMSG`
 * token in RPL_ISUPPORT throws in its 005 handler) must not end the hub. The hub connects, logs
 * the problem once, and stays connected.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hub } from '../../src/app/hub.js';
import { ircConfigSchema } from '../../src/networks/irc/config.js';
import { builtinProtocols } from '../../src/networks/registry.js';
import { hubBase } from '../support/hub-config.js';
import { captureLog } from '../support/log-capture.js';
import { waitFor } from '../support/wait.js';

const WAIT_MS = 10_000;
const HOSTILE_LINES = [
  ':evil 001 relaybot :Welcome',
  ':evil 005 relaybot STATUSMSG PREFIX CHANTYPES=# :are supported by this server',
  ':evil 376 relaybot :End of MOTD',
];

describe('a hostile IRC server', { timeout: 60_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'sb-hostile-irc-'));
  const sockets = new Set<Socket>();
  const received: string[] = [];
  let server: Server;
  let hub: Hub | undefined;
  const captured = captureLog('debug');

  before(async () => {
    server = createServer((socket) => {
      sockets.add(socket);
      socket.setEncoding('utf8');
      socket.on('data', (data: string) => {
        received.push(...data.split('\r\n').filter(Boolean));
        if (/^USER /m.test(data)) socket.write(`${HOSTILE_LINES.join('\r\n')}\r\n`);
      });
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });

  after(async () => {
    await hub?.stop();
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('does not end the hub with a line its IRC library cannot handle', async () => {
    const address = server.address();
    assert.ok(address !== null && typeof address === 'object');
    hub = await Hub.start({
      config: {
        ...hubBase(dir, { logLevel: 'debug' }),
        networks: [{ name: 'evil', protocol: 'irc', options: ircConfigSchema.parse({ host: '127.0.0.1', port: address.port, nick: 'relaybot'}) }],
        bridges: [],
        modules: [],
      },
      log: captured.log,
      protocols: builtinProtocols(),
    });
    await waitFor(() => (hub?.network('evil')?.state() === 'connected' ? true : undefined), { timeoutMs: WAIT_MS, what: 'the hub to connect' });
    await waitFor(() => (captured.lines.some((l) => l.msg === 'the IRC library could not handle a line from the server; ignored by it' && l.command === '005') ? true : undefined),
      { timeoutMs: WAIT_MS, what: 'the 005 problem to be logged' });
    assert.equal(hub.network('evil')?.state(), 'connected');
    assert.ok(received.some((l) => l.startsWith('NICK relaybot')), 'the hub registered with the server');
  });
});
