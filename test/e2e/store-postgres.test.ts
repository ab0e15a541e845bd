/**
 * The store on a real PostgreSQL server (started here, on loopback): the shared contract
 * suite plus what only a server database has (connection errors, sharing between processes).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { StorageConfig } from '../../src/store/config.js';
import { silentLogger } from '../../src/core/log.js';
import { StoreError } from '../../src/store/errors.js';
import type { HubStore } from '../../src/store/hub-store.js';
import { migrations, type Migration } from '../../src/store/migrations/index.js';
import { openStore } from '../../src/store/open.js';
import { captureLog } from '../support/log-capture.js';
import { startPostgres, type PostgresServer } from '../support/postgres.js';
import { describeStoreContract } from '../support/store-contract.js';
import { describeQueueContract } from '../support/store-queue-contract.js';
import { describeGatewayAccountContract } from '../support/store-gateway-contract.js';
import { describeRoomArchiveContract } from '../support/store-room-archive-contract.js';

let server: PostgresServer | undefined;
before(async () => {
  server = await startPostgres();
});
after(async () => {
  await server?.stop();
});

function running(): PostgresServer {
  assert.ok(server, 'PostgreSQL did not start');
  return server;
}

const newDatabase = async (): Promise<StorageConfig> => ({ kind: 'postgres', url: await running().createDatabase() });
describeStoreContract('postgres', newDatabase);
describeQueueContract('postgres', newDatabase);
describeGatewayAccountContract('postgres', newDatabase);
describeRoomArchiveContract('postgres', newDatabase);

describe('PostgreSQL store', () => {
  it('migrates once when several processes open the same database at the same time', async () => {
    const url = await running().createDatabase();
    // The first migration is slowed down so that the openers overlap; each run is counted.
    let runs = 0;
    const [first, ...rest] = migrations;
    const slowFirst: Migration = {
      ...first!,
      async up(context) {
        runs++;
        await new Promise((resolve) => setTimeout(resolve, 200));
        await first!.up(context);
      },
    };
    const captures = Array.from({ length: 4 }, () => captureLog());
    const opening = captures.map((c) => openStore({ kind: 'postgres', url }, c.log, { migrations: [slowFirst, ...rest] }));
    const results = await Promise.allSettled(opening);
    const stores = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    try {
      for (const result of results) if (result.status === 'rejected') throw result.reason;
      assert.equal(runs, 1);
      const applied = captures.flatMap((c) => c.lines.filter((l) => l.msg === 'applied schema migration'));
      assert.equal(applied.length, migrations.length);
      for (const store of stores) assert.equal(await store.schemaVersion(), migrations.length);
      assert.equal((await stores[0]!.migrations()).length, migrations.length);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });

  it('reports a refused login with the URL but never the password', async () => {
    // The server is up, but has no role `switchboard`.
    const capture = captureLog();
    const url = `postgres://switchboard:s3cret-pw@127.0.0.1:${running().port}/nope`;
    await assert.rejects(openStore({ kind: 'postgres', url }, capture.log), (error: unknown) => {
      assert.ok(error instanceof StoreError);
      assert.match(error.message, /^storage\.url: cannot connect to postgres:\/\/switchboard:\*\*\*@127\.0\.0\.1:\d+\/nope: /);
      assert.match(error.message, /role "switchboard" does not exist/);
      assert.doesNotMatch(error.message, /s3cret/);
      return true;
    });
    assert.doesNotMatch(capture.text(), /s3cret/);
  });

  it('keeps the process running when the server goes away, and fails operations clearly', async () => {
    const own = await startPostgres();
    let store: HubStore | undefined;
    try {
      const capture = captureLog();
      store = await openStore({ kind: 'postgres', url: await own.createDatabase() }, capture.log);
      await store.kv('k').set('a', 1);
      await own.stop();
      await assert.rejects(store.kv('k').get('a'), (error: unknown) => {
        assert.ok(error instanceof StoreError);
        assert.match(error.message, /^kv\("k"\)\.get\("a"\) failed: /);
        return true;
      });
      const refused = await openStore({ kind: 'postgres', url: own.url }, silentLogger()).catch((e: unknown) => e);
      assert.ok(refused instanceof StoreError);
      assert.match(refused.message, /ECONNREFUSED/);
    } finally {
      await store?.close();
      await own.stop();
    }
  });
});
