/** The gateway's admin pieces: the `admins` option and the disabled-users mark. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { gatewayConfigSchema } from '../../src/gateway/config.js';
import { DisabledUsers } from '../../src/gateway/disabled-users.js';
import { MemoryStore } from '../support/memory-store.js';

const BASE = {
  domain: 'irc.example.org', host: '127.0.0.1', port: 5347, password: 'secret', secretKey: { env: 'KEY' },
  legacy: { protocol: 'irc', host: 'irc.example.net' },
};

describe('gateway administration', () => {
  it('admins are bare JIDs, kept in lower case; anything else is refused', () => {
    assert.deepEqual(gatewayConfigSchema.parse({ ...BASE, admins: ['Root@Example.org'] }).admins, ['root@example.org']);
    assert.deepEqual(gatewayConfigSchema.parse(BASE).admins, []);
    for (const bad of ['root@example.org/phone', 'not a jid', '']) {
      assert.equal(gatewayConfigSchema.safeParse({ ...BASE, admins: [bad] }).success, false, bad);
    }
  });

  it('a disabled user stays disabled until enabled; disabling or enabling twice says so', async () => {
    const store = new MemoryStore();
    const disabled = new DisabledUsers(store, () => 42);
    assert.equal(await disabled.isDisabled('alice@example.org'), false);
    assert.equal(await disabled.disable('alice@example.org', 'root@example.org'), true);
    assert.equal(await disabled.disable('alice@example.org', 'root@example.org'), false);
    assert.equal(await new DisabledUsers(store).isDisabled('alice@example.org'), true);
    assert.deepEqual(await store.get('disabled:alice@example.org'), { by: 'root@example.org', at: 42 });
    assert.equal(await disabled.enable('alice@example.org'), true);
    assert.equal(await disabled.enable('alice@example.org'), false);
    assert.equal(await disabled.isDisabled('alice@example.org'), false);
  });
});
