/**
 * The gateway's room archive (`HubStore.roomArchive()`, migration 0005): one suite run against
 * every backend (SQLite in test/unit/store.test.ts, PostgreSQL in test/e2e/store-postgres.test.ts).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ArchivedMessage } from '../../src/core/room-archive.js';
import { StoreError } from '../../src/store/errors.js';
import { storeOpener, type NewDatabase } from './store-contract.js';

/** An archived message of alice's room #lobby said at `seq` ms. */
export function entry(seq: number, overrides: Partial<ArchivedMessage> = {}): ArchivedMessage {
  return { owner: 'alice@example.org', room: '#lobby', seq, stanzaId: `id-${seq}`, at: seq, nick: 'bob', kind: 'message', body: `text ${seq}`, action: false, refers: '', ...overrides };
}

export function describeRoomArchiveContract(name: string, newDatabase: NewDatabase): void {
  describe(`Store contract, room archive: ${name}`, () => {
    const open = storeOpener();

    it('appends in one batch, skips a stanza id the room has, and reads by range, nick, seq, both orders, per owner and namespace', async () => {
      const config = await newDatabase();
      const store = await open(config);
      const archive = store.roomArchive('network:gw');
      await archive.append([entry(1), entry(2, { nick: 'carol', action: true }), entry(3, { kind: 'correction', refers: 'id-2', body: 'fixed' })]);
      await archive.append([entry(4, { stanzaId: 'id-1', body: 'a duplicate' }), entry(5, { owner: 'dave@example.org' })]);
      await store.roomArchive('network:other').append([entry(6)]);
      await store.close();
      const again = (await open(config)).roomArchive('network:gw');
      const all = await again.query({ owner: 'alice@example.org', room: '#lobby', newestFirst: false, limit: 10 });
      assert.deepEqual(all, [entry(1), entry(2, { nick: 'carol', action: true }), entry(3, { kind: 'correction', refers: 'id-2', body: 'fixed' })]);
      const q = { owner: 'alice@example.org', room: '#lobby' };
      assert.deepEqual((await again.query({ ...q, newestFirst: true, limit: 2 })).map((e) => e.seq), [3, 2]);
      assert.deepEqual((await again.query({ ...q, newestFirst: false, limit: 10, start: 2, end: 2 })).map((e) => e.seq), [2]);
      assert.deepEqual((await again.query({ ...q, newestFirst: false, limit: 10, nick: 'bob' })).map((e) => e.seq), [1, 3]);
      assert.deepEqual((await again.query({ ...q, newestFirst: false, limit: 10, afterSeq: 1, beforeSeq: 3 })).map((e) => e.seq), [2]);
      assert.equal(await again.seqOf('alice@example.org', '#lobby', 'id-2'), 2);
      assert.equal(await again.seqOf('alice@example.org', '#lobby', 'id-9'), undefined);
      assert.deepEqual((await again.query({ owner: 'dave@example.org', room: '#lobby', newestFirst: false, limit: 10 })).map((e) => e.seq), [5]);
    });

    it('prunes by age, by count per room, and everything of an owner', async () => {
      const store = await open(await newDatabase());
      const archive = store.roomArchive('network:gw');
      await archive.append([1, 2, 3, 4, 5].map((n) => entry(n)));
      await archive.append([entry(6, { room: '#other' }), entry(7, { owner: 'dave@example.org' })]);
      const q = { owner: 'alice@example.org', room: '#lobby', newestFirst: false, limit: 10 } as const;
      assert.equal(await archive.pruneOlderThan(2), 1);
      assert.equal(await archive.pruneRoom('alice@example.org', '#lobby', 2), 2);
      assert.deepEqual((await archive.query(q)).map((e) => e.seq), [4, 5]);
      assert.equal(await archive.pruneRoom('alice@example.org', '#lobby', 5), 0);
      assert.equal(await archive.removeOwner('alice@example.org'), 3);
      assert.deepEqual(await archive.query(q), []);
      assert.deepEqual((await archive.query({ ...q, owner: 'dave@example.org' })).map((e) => e.seq), [7]);
    });

    it('refuses a text it cannot store, with a clear error, and stores nothing of that batch', async () => {
      const store = await open(await newDatabase());
      const archive = store.roomArchive('network:gw');
      await assert.rejects(archive.append([entry(1), entry(2, { body: 'a\0b' })]), StoreError);
      assert.deepEqual(await archive.query({ owner: 'alice@example.org', room: '#lobby', newestFirst: false, limit: 10 }), []);
    });
  });
}
