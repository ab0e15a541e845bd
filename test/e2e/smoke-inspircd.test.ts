/**
 * Smoke test of the harness: a real InspIRCd, two independent raw clients talking in a channel.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { portAccepts } from '../support/ports.js';
import { startInspircd } from '../support/servers.js';
import { ircChannelSmoke } from '../support/smoke.js';

test('inspircd: two raw clients exchange a channel message, then the server stops by pid', async (t) => {
  const server = await startInspircd();
  t.after(() => server.stop());
  assert.equal(server.serverName, 'irc.inspircd.test');
  assert.ok(server.linkPort !== undefined && (await portAccepts(server.host, server.linkPort)), 'link port accepts');
  await ircChannelSmoke(t, server);
});
