/**
 * Smoke test of the harness: a real ngIRCd, two independent raw clients talking in a channel.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startNgircd } from '../support/servers.js';
import { ircChannelSmoke } from '../support/smoke.js';

test('ngircd: two raw clients exchange a channel message, then the server stops by pid', async (t) => {
  const server = await startNgircd();
  t.after(() => server.stop());
  assert.equal(server.serverName, 'irc.ngircd.test');
  await ircChannelSmoke(t, server);
});
