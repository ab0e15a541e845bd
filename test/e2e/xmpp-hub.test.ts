/**
 * The XMPP network in a real Hub against a real Prosody: the hub connects it, joins the bridged
 * room, and after a server restart its supervisor reconnects the network by itself.
 */
import { hubBase } from '../support/hub-config.js';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hub } from '../../src/app/hub.js';
import type { HubConfig } from '../../src/config/types.js';
import { xmppConfigSchema } from '../../src/networks/xmpp/config.js';
import { builtinProtocols } from '../../src/networks/registry.js';
import { startProsody, type XmppServer } from '../support/servers.js';
import { connectXmppClient } from '../support/clients.js';
import { captureLog } from '../support/log-capture.js';
import { waitFor } from '../support/wait.js';
import { NETWORK, WAIT_MS } from './xmpp-test-network.js';

/** A hub with one XMPP network and one bridge holding `room`; nothing else. */
function hubConfig(dir: string, server: XmppServer, room: string): HubConfig {
  const options = xmppConfigSchema.parse({
    jid: 'hubbot@localhost',
    password: 'hubpass',
    service: `xmpp://${server.host}:${server.port}`,
    requireTls: false,
    saslMechanism: 'PLAIN',
    nick: 'hubbot',
  });
  return {
    ...hubBase(dir, { reconnect: { initialDelayMs: 200, maxDelayMs: 1000, stableAfterMs: 60_000 }, shutdownMs: 2000 }),
    networks: [{ name: NETWORK, protocol: 'xmpp', options }],
    bridges: [{ name: 'only', channels: [{ network: NETWORK, id: room }], options: {} }],
    modules: [],
  };
}

void describe('XMPP network in a running hub', { timeout: 60_000 }, () => {
  let server: XmppServer;
  let dir: string;

  before(async () => {
    server = await startProsody({ users: [['hubbot', 'hubpass'], ['alice', 'alicepass']] });
    dir = mkdtempSync(join(tmpdir(), 'sb-xmpp-hub-'));
  });

  after(async () => {
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  void it('joins the bridged room, and the reconnect policy brings it back after a server restart', async (t) => {
    const room = `bridged@${server.mucDomain}`;
    const captured = captureLog('info');
    const hub = await Hub.start({ config: hubConfig(dir, server, room), log: captured.log, protocols: builtinProtocols() });
    t.after(() => hub.stop());
    await hub.ready;
    assert.equal(hub.health().networks[NETWORK]?.state, 'connected');

    await server.restart();
    await waitFor(
      () => {
        const status = hub.health().networks[NETWORK];
        return status && status.reconnects >= 1 && status.state === 'connected' ? status : undefined;
      },
      { timeoutMs: 30_000, what: 'the hub to reconnect the XMPP network' },
    );
    assert.ok(captured.lines.some((l) => l.msg === 'network disconnected; will retry' && l.wasSuccessful === true), 'the loss went through the supervisor');
    assert.ok(!captured.text().includes('hubpass'), 'the password never appears in the log');

    const alice = await connectXmppClient({ service: `xmpp://${server.host}:${server.port}`, domain: server.domain, username: 'alice', password: 'alicepass' });
    t.after(() => alice.close());
    await alice.joinRoom(room, 'Alice');
    await alice.waitForStanza((s) => s.is('presence') && s.attrs.from === `${room}/hubbot`, WAIT_MS);
    const handle = hub.network(NETWORK);
    assert.ok(handle);
    await handle.send({ target: { channel: { network: NETWORK, id: room } }, kind: 'message', body: [{ type: 'text', text: 'reconnected by the hub' }] });
    const message = await alice.waitForStanza((s) => s.is('message') && s.attrs.from === `${room}/hubbot`, WAIT_MS);
    assert.equal(message.getChildText('body'), 'reconnected by the hub');
  });
});
