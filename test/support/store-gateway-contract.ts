/**
 * The gateway accounts (`HubStore.gatewayAccounts()`, migration 0004): one suite run against every
 * backend (SQLite in test/unit/store.test.ts, PostgreSQL in test/e2e/store-postgres.test.ts).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { StoreError } from '../../src/store/errors.js';
import { storeOpener, type NewDatabase } from './store-contract.js';

export function describeGatewayAccountContract(name: string, newDatabase: NewDatabase): void {
  describe(`Store contract, gateway accounts: ${name}`, () => {
    const open = storeOpener();

    it('stores, replaces, lists (by JID, per namespace) and removes accounts, across a reopen', async () => {
      const config = await newDatabase();
      const store = await open(config);
      const gw = store.gatewayAccounts('network:gw');
      const other = store.gatewayAccounts('network:other');
      await gw.put({ jid: 'bob@example.org', data: { nick: 'bob' }, sealedSecret: 'v1.a.b.c', preferences: {}, registeredAt: 5 });
      await gw.put({ jid: 'alice@example.org', data: { nick: 'alice', n: 1 }, sealedSecret: '', preferences: { away: true }, registeredAt: 7 });
      await other.put({ jid: 'alice@example.org', data: {}, sealedSecret: '', preferences: {}, registeredAt: 1 });
      await gw.put({ jid: 'bob@example.org', data: { nick: 'bobby' }, sealedSecret: 'v1.d.e.f', preferences: {}, registeredAt: 5 });
      await store.close();
      const again = await open(config);
      const reopened = again.gatewayAccounts('network:gw');
      assert.deepEqual(await reopened.all(), [
        { jid: 'alice@example.org', data: { nick: 'alice', n: 1 }, sealedSecret: '', preferences: { away: true }, registeredAt: 7 },
        { jid: 'bob@example.org', data: { nick: 'bobby' }, sealedSecret: 'v1.d.e.f', preferences: {}, registeredAt: 5 },
      ]);
      assert.equal(await reopened.remove('bob@example.org'), true);
      assert.equal(await reopened.remove('bob@example.org'), false);
      assert.equal(await reopened.get('bob@example.org'), undefined);
      assert.deepEqual((await again.gatewayAccounts('network:other').all()).map((a) => a.jid), ['alice@example.org']);
    });

    it('refuses a JID it cannot store, with a clear error', async () => {
      const store = await open(await newDatabase());
      await assert.rejects(store.gatewayAccounts('network:gw').put({ jid: 'a\0b@example.org', data: {}, sealedSecret: '', preferences: {}, registeredAt: 1 }), StoreError);
      await assert.rejects(store.gatewayAccounts('network:gw').get(''), StoreError);
    });
  });
}
