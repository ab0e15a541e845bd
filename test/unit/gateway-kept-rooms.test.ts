/**
 * The rooms each person is in, kept across restarts (kept-rooms.ts): one entry per room (the
 * latest wins, moved last), bounded (oldest forgotten), resources deduplicated and bounded,
 * damaged entries read as none, forgotten on leave, removed on unregister, writes in order.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { silentLogger } from '../../src/core/log.js';
import { randomBytes } from 'node:crypto';
import { KeptRooms, MAX_KEPT_RESOURCES, readKeptRoom } from '../../src/gateway/kept-rooms.js';
import { SecretBox } from '../../src/store/secret-box.js';
import { MemoryStore } from '../support/memory-store.js';

const room = (key: string, ...resources: string[]): { room: string; nick: string; resources: string[] } => ({ room: key, nick: 'alice', resources });

describe('kept rooms', () => {
  it('rooms are kept once per person, the latest state last; the oldest forgotten past the bound', async () => {
    const store = new MemoryStore();
    const kept = new KeptRooms(store, silentLogger(), 2);
    void kept.keep('alice@x', room('#a', 'alice@x/laptop'));
    void kept.keep('alice@x', room('#b', 'alice@x/laptop'));
    void kept.keep('alice@x', room('#a', 'alice@x/laptop', 'alice@x/phone'));
    void kept.keep('alice@x', room('#c', 'alice@x/phone'));
    void kept.keep('bob@x', room('#a', 'bob@x/pc'));
    await kept.settled();
    assert.deepEqual(await kept.load('alice@x'), [room('#a', 'alice@x/laptop', 'alice@x/phone'), room('#c', 'alice@x/phone')]);
    assert.deepEqual(await new KeptRooms(store, silentLogger()).load('bob@x'), [room('#a', 'bob@x/pc')]);
  });

  it('a room left is forgotten; the last one takes the entry with it; unregistering removes them', async () => {
    const store = new MemoryStore();
    const kept = new KeptRooms(store, silentLogger());
    await kept.keep('alice@x', room('#a', 'alice@x/laptop'));
    await kept.keep('alice@x', room('#b', 'alice@x/laptop'));
    await kept.forget('alice@x', '#a');
    await kept.forget('alice@x', '#zzz');
    assert.deepEqual((await kept.load('alice@x')).map((r) => r.room), ['#b']);
    await kept.forget('alice@x', '#b');
    assert.deepEqual(await store.keys(), []);
    await kept.keep('alice@x', room('#b', 'alice@x/laptop'));
    await kept.remove('alice@x');
    assert.deepEqual(await kept.load('alice@x'), []);
  });

  it('a damaged entry reads as none, a damaged room is skipped, resources are deduplicated and bounded', async () => {
    const store = new MemoryStore();
    const kept = new KeptRooms(store, silentLogger());
    await store.set('rooms:alice@x', { not: 'a list' });
    assert.deepEqual(await kept.load('alice@x'), []);
    const many = Array.from({ length: 30 }, (_, i) => `alice@x/r${i % 20}`);
    await store.set('rooms:alice@x', [null, 7, { room: '#a' }, { room: '', nick: 'a', resources: [] }, { room: '#ok', nick: 'alice', resources: [1, 'alice@x/a', 'alice@x/a', ...many] }]);
    const [only, ...rest] = await kept.load('alice@x');
    assert.deepEqual(rest, []);
    assert.equal(only?.room, '#ok');
    assert.equal(only?.resources.length, MAX_KEPT_RESOURCES);
    assert.equal(new Set(only?.resources).size, MAX_KEPT_RESOURCES);
  });

  it('a room password is stored sealed, bound to the person and the room, and opened on load', async () => {
    const store = new MemoryStore();
    const box = new SecretBox(randomBytes(32));
    const kept = new KeptRooms(store, silentLogger(), 10, box);
    await kept.keep('alice@x', { ...room('#k', 'alice@x/laptop'), password: 'door key' });
    await kept.keep('alice@x', room('#open', 'alice@x/laptop'));
    const stored = await store.get<Array<Record<string, unknown>>>('rooms:alice@x');
    assert.ok(!JSON.stringify(stored).includes('door key'));
    assert.match(String(stored?.[0]?.sealedKey), /^v1\./);
    assert.equal(stored?.[1]?.sealedKey, undefined);
    assert.deepEqual((await kept.load('alice@x')).map((r) => r.password), ['door key', undefined]);
    // Copied to another person's row or another room, or read with another key: not opened (the room without its key).
    await store.set('rooms:bob@x', stored);
    assert.deepEqual((await kept.load('bob@x')).map((r) => r.password), [undefined, undefined]);
    await store.set('rooms:alice@x', [{ ...stored?.[0], room: '#other' }]);
    assert.deepEqual((await kept.load('alice@x')).map((r) => r.password), [undefined]);
    await store.set('rooms:alice@x', stored);
    assert.deepEqual((await new KeptRooms(store, silentLogger(), 10, new SecretBox(randomBytes(32))).load('alice@x')).map((r) => r.password), [undefined, undefined]);
    // Without a box the password is not kept at all.
    const plain = new KeptRooms(new MemoryStore(), silentLogger());
    await plain.keep('alice@x', { ...room('#k', 'alice@x/laptop'), password: 'door key' });
    assert.deepEqual(await plain.load('alice@x'), [room('#k', 'alice@x/laptop')]);
  });

  it('a store that fails to read is logged and reads as none (the login goes on)', async () => {
    const store = new MemoryStore();
    store.get = () => Promise.reject(new Error('disk gone'));
    assert.deepEqual(await new KeptRooms(store, silentLogger()).load('alice@x'), []);
  });

  it('property: whatever is stored, an entry reads as a well-formed room or none', () => {
    fc.assert(fc.property(fc.array(fc.anything()), (entries) => {
      const rooms = entries.map(readKeptRoom).filter((r) => r !== undefined);
      for (const r of rooms) {
        assert.ok(r.room !== '' && r.nick !== '' && r.resources.length <= MAX_KEPT_RESOURCES);
        assert.ok(r.resources.every((x) => typeof x === 'string' && x !== ''));
      }
    }));
  });
});
